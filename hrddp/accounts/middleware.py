import time
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.shortcuts import redirect
from django.urls import Resolver404, resolve, reverse
from django.utils import translation
from django.utils.cache import add_never_cache_headers

from hrddp.http import is_api_request

from .two_factor import has_two_factor, needs_verification


class UserLanguageMiddleware:
    """A signed-in user's chosen language wins over the browser's, on every device they use."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        language = getattr(request.user, "language", "") if request.user.is_authenticated else ""
        if language:
            translation.activate(language)
            request.LANGUAGE_CODE = language
        response = self.get_response(request)
        if language:
            response.headers.setdefault("Content-Language", language)
            if request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME) != language:
                response.set_cookie(settings.LANGUAGE_COOKIE_NAME, language, samesite="Lax")
        return response


class PrivateAnswersMiddleware:
    """Every answer to a signed-in user, page or API (session or token), carries who they are and
    what they may see; so may the answer to a request that sends credentials (the sign-in form, the
    API's token request: a POST, or an Authorization header). No browser, proxy or back button
    keeps a copy of these: ``Cache-Control: no-store, private`` (as Django's never_cache). Static
    files never reach this: WhiteNoise, above it in MIDDLEWARE, serves them, cached for a year.

    Goes after AuthenticationMiddleware. It reads the user once the view has run, so that an API
    view's token authentication (which sets request.user too) counts."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            request.method == "POST"
            or "HTTP_AUTHORIZATION" in request.META
            or request.user.is_authenticated
        ):
            add_never_cache_headers(response)
        return response


class TwoFactorMiddleware:
    """A user who signed in with a password but still owes a second factor reaches nothing but the
    two-factor pages, sign-out, the language switch and single sign-on: every other URL (the Django
    admin included) redirects to the code page, or to the setup page when their role requires a
    device they lack. A single sign-on whose provider checked a second factor may spare the code
    (two_factor.provider_checked_second_factor).

    Goes after django-otp's OTPMiddleware, which tells whether the session is verified. The API
    (/api/) authenticates each request by token, never by this session: there a half-signed-in
    session counts as anonymous, and nothing is redirected."""

    EXEMPT_URL_NAMES = (
        "logout",
        "set_language",
        "two_factor_verify",
        "two_factor_setup",
        "two_factor_setup_link",
        # Signing in again through the identity provider, whose second factor may count instead.
        "oidc_authentication_init",
        "oidc_authentication_callback",
    )

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # Only a user who still owes a code pays for reversing the exempt URLs.
        if needs_verification(request) and not self._exempt(request.path_info):
            if is_api_request(request):
                request.user = AnonymousUser()
            else:
                name = "two_factor_verify" if has_two_factor(request.user) else "two_factor_setup"
                query = urlencode({"next": request.get_full_path()})
                return redirect(f"{reverse(name)}?{query}")
        return self.get_response(request)

    def _exempt(self, path):
        static = "/" + settings.STATIC_URL.lstrip("/")
        if path.startswith(static):
            return True
        try:
            return resolve(path).url_name in self.EXEMPT_URL_NAMES
        except Resolver404:
            return False


class SlidingSessionMiddleware:
    """Each request pushes the end of the session on by SESSION_COOKIE_AGE (the idle limit), as
    SESSION_SAVE_EVERY_REQUEST would, but the session row is rewritten only once a thirtieth of the
    limit has passed since the last time (a minute, for 30 minutes), not on every request."""

    KEY = "_refreshed_at"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        session = getattr(request, "session", None)
        if session is not None and session.accessed and not session.is_empty():
            now = int(time.time())
            if now - session.get(self.KEY, 0) >= settings.SESSION_COOKIE_AGE / 30:
                mark_refreshed(session, now)  # modified: SessionMiddleware saves it, expiry anew
        return response


def mark_refreshed(session, now=None):
    session[SlidingSessionMiddleware.KEY] = int(time.time()) if now is None else now


@receiver(user_logged_in, dispatch_uid="hrddp.accounts.middleware.session_refreshed_at_sign_in")
def session_refreshed_at_sign_in(sender, request, user, **kwargs):
    """Signing in saves the session anyway."""
    if request is not None and hasattr(request, "session"):
        mark_refreshed(request.session)
