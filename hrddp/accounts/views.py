from urllib.parse import urlsplit

from axes.helpers import get_client_ip_address
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views import i18n as i18n_views
from mozilla_django_oidc import views as oidc_views

from . import services, sign_in, two_factor
from .forms import PasswordResetForm, SignInForm


class SignInView(auth_views.LoginView):
    """The login page: "Sign in with <provider>" when single sign-on is on, and the password form
    unless local sign-in is off (then shown, folded away, only if break-glass accounts exist)."""

    form_class = SignInForm

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            sso=sign_in.sso_enabled(),
            provider_name=sign_in.provider_name(),
            password_form=sign_in.password_form_shown(),
            local_sign_in=sign_in.local_sign_in_on(),
            **kwargs,
        )


class SingleSignOnMixin:
    """The single sign-on URLs exist only while it is on (OIDC_RP_CLIENT_ID)."""

    def dispatch(self, request, *args, **kwargs):
        if not sign_in.sso_enabled():
            raise Http404
        return super().dispatch(request, *args, **kwargs)


class SingleSignOnView(SingleSignOnMixin, oidc_views.OIDCAuthenticationRequestView):
    """The "Sign in with <provider>" button: off to the provider's authorization endpoint, with a
    state, a nonce and a PKCE challenge kept in the session."""


class SingleSignOnCallbackView(SingleSignOnMixin, oidc_views.OIDCAuthenticationCallbackView):
    """Back from the provider: the code exchanged for tokens, the account found or created
    (hrddp/accounts/oidc.py). A state this session did not send answers 400 (the library's
    SuspiciousOperation); any other failure goes back to the login page, saying so."""

    def login_success(self):
        response = super().login_success()
        # Also when the library did not sign in again (the same user's session refreshed), so the
        # latest sign-in at the provider decides.
        self.request.session[two_factor.PROVIDER_MFA_SESSION_KEY] = (
            getattr(self.user, "provider_mfa", False) is True
        )
        return response

    def login_failure(self):
        messages.error(
            self.request,
            _(
                "Signing in with %(provider)s did not succeed. Try again; if it keeps failing, "
                "tell your administrator."
            )
            % {"provider": sign_in.provider_name()},
        )
        return redirect("login")


def set_language(request):
    """Django's language switch, which also keeps the choice on the user's account, so that their
    other devices and the emails they receive use it."""
    response = i18n_views.set_language(request)
    language = request.POST.get("language", "")
    if (
        request.method == "POST"
        and request.user.is_authenticated
        and language in dict(settings.LANGUAGES)
    ):
        request.user.language = language
        request.user.save(update_fields=["language"])
    return response


class PasswordResetView(auth_views.PasswordResetView):
    """ "Forgot your password?": Django's reset by emailed link, throttled per address and per client
    address (services.allow_password_reset). Every address asked for gets the same answer, account
    or not. The link in the email points at SITE_URL, as every link the product emails does."""

    form_class = PasswordResetForm

    def form_valid(self, form):
        address = get_client_ip_address(self.request)
        if not services.allow_password_reset(form.cleaned_data["email"], address):
            return render(self.request, "registration/password_reset_throttled.html", status=429)
        site = urlsplit(settings.SITE_URL)
        form.save(
            domain_override=site.netloc,
            use_https=site.scheme == "https",
            token_generator=self.token_generator,
            from_email=self.from_email,
            email_template_name=self.email_template_name,
            subject_template_name=self.subject_template_name,
            request=self.request,
            html_email_template_name=self.html_email_template_name,
            extra_email_context=self.extra_email_context,
        )
        return HttpResponseRedirect(self.get_success_url())
