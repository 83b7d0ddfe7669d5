"""Two-factor sign-in (django-otp): a TOTP authenticator app, and ten one-time recovery codes.

Managers and administrators must use it; everyone else may. The pages, the middleware that sends a
half-signed-in user to them, and the API's token endpoint all decide through these functions.

The first authenticator's secret is shown only to whoever can read the account's email: a password
alone (perhaps guessed or stolen) must not let anyone set up their own authenticator first. Setting
up starts with a single-use link emailed to the account's address; following it, signed in as that
user, lets this session see the secret and confirm the device.
"""

from base64 import b32encode
from datetime import timedelta
from urllib.parse import urlencode

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.core import signing
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.dispatch import receiver
from django.urls import reverse
from django.utils import translation
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice, default_key

from . import signals
from .access import must_use_two_factor

RECOVERY_CODE_COUNT = 10
# Set at sign-in: whether this user had two-factor sign-in on then. The middleware reads it instead
# of asking the database on every request of users who have no device.
SESSION_FLAG = "two_factor_on"
# Set at sign-in: whether the identity provider says it checked a second factor (single sign-on,
# the ID token's amr claim contains "mfa"; hrddp/accounts/oidc.py). With
# OIDC_MFA_SATISFIES_TWO_FACTOR on, such a session owes no code here; without the claim, or with
# the setting off, the product's own second factor applies as to a password sign-in.
PROVIDER_MFA_SESSION_KEY = "provider_mfa"
# New recovery codes wait here between the POST that makes them and the page that shows them once.
NEW_CODES_SESSION_KEY = "two_factor_new_codes"
# The authenticator being set up whose secret this session may see: set by the emailed link.
ENROLMENT_SESSION_KEY = "two_factor_enrolment_device"
# How long the emailed link to set up an authenticator works (once).
ENROLMENT_LINK_MAX_AGE = timedelta(hours=24)
ENROLMENT_SALT = "hrddp.accounts.two_factor.enrolment"


def has_two_factor(user) -> bool:
    """Whether the user has a confirmed authenticator app."""
    return (
        user.is_authenticated and TOTPDevice.objects.devices_for_user(user, confirmed=True).exists()
    )


def _normalize(code):
    return "".join(str(code or "").split()).replace("-", "").lower()


def matching_device(user, code):
    """The device that accepts ``code`` (a six-digit TOTP code, or an unused recovery code, which
    is used up), or None. Each device throttles its own failures (django-otp's exponential delay)."""
    code = _normalize(code)
    if not code or not user.is_authenticated:
        return None
    # Route by shape, so that a recovery code never counts as a failed TOTP code, nor the reverse.
    model = TOTPDevice if code.isdigit() else StaticDevice
    with transaction.atomic():
        devices = model.objects.devices_for_user(user, confirmed=True).select_for_update()
        for device in devices:
            if device.verify_token(code):
                return device
    return None


def verify_code(user, code) -> bool:
    """Whether ``code`` is the user's current TOTP code or one of their unused recovery codes
    (which it then uses up)."""
    return matching_device(user, code) is not None


def sign_in_with(request, device):
    """Mark the session as verified by ``device``, under a new session key."""
    request.session.cycle_key()
    otp_login(request, device)
    request.session[SESSION_FLAG] = True


def pending_device(user):
    """The authenticator being set up: kept unconfirmed until a code from it is entered, so that
    reloading the setup page shows the same secret."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="authenticator", confirmed=False)
    return device


def _key_digest(device):
    """Ties a link to the device's current secret without showing it: a new secret (the link
    followed once, or a device set up) makes every earlier link void."""
    return salted_hmac(ENROLMENT_SALT, device.key).hexdigest()[:32]


def enrolment_link(device, next_url=""):
    """The address of a link that lets its follower, signed in as the device's user, see the
    device's secret: signed, with its time, for ENROLMENT_LINK_MAX_AGE."""
    token = signing.TimestampSigner(salt=ENROLMENT_SALT).sign(f"{device.pk}.{_key_digest(device)}")
    path = reverse("two_factor_setup_link", args=[token])
    query = f"?{urlencode({'next': next_url})}" if next_url else ""
    return f"{settings.SITE_URL.rstrip('/')}{path}{query}"


def send_enrolment_link(user, next_url=""):
    """Email the user a link to set up their authenticator (in their language). It goes to the
    account's address, never to the page: whoever only has the password does not see it. False
    when the account has no email address."""
    if not user.email:
        return False
    link = enrolment_link(pending_device(user), next_url)
    hours = int(ENROLMENT_LINK_MAX_AGE.total_seconds() // 3600)
    with translation.override(user.language or settings.LANGUAGE_CODE):
        subject = gettext("Set up two-factor sign-in")
        body = gettext(
            "You, or someone who has your password, asked to set up two-factor sign-in for your "
            "account %(username)s. To see the code to scan with your authenticator app, follow "
            "this link while signed in; it works once, for %(hours)s hours:\n\n%(link)s\n\n"
            "If you did not ask for this, do not follow the link: change your password and tell "
            "your administrator."
        ) % {"username": user.get_username(), "hours": hours, "link": link}
    get_connection().send_messages([EmailMessage(subject, body, to=[user.email])])
    return True


def accept_enrolment_link(request, token) -> bool:
    """Whether ``token`` is a live link for the signed-in user's authenticator being set up. If so,
    the link is used up (the device gets a new secret, which no link names) and this session may
    see that secret."""
    try:
        value = signing.TimestampSigner(salt=ENROLMENT_SALT).unsign(
            token, max_age=ENROLMENT_LINK_MAX_AGE
        )
        device_pk, digest = value.split(".", 1)
    except (signing.BadSignature, ValueError):
        return False
    with transaction.atomic():
        device = (
            TOTPDevice.objects.select_for_update()
            .filter(pk=device_pk, user_id=request.user.pk, confirmed=False)
            .first()
        )
        if device is None or not constant_time_compare(digest, _key_digest(device)):
            return False
        device.key = default_key()
        device.save(update_fields=["key"])
    request.session[ENROLMENT_SESSION_KEY] = device.pk
    return True


def enrolment_device(request):
    """The authenticator being set up whose secret this session may show (its emailed link was
    followed here), or None."""
    device_pk = request.session.get(ENROLMENT_SESSION_KEY)
    if device_pk is None:
        return None
    return TOTPDevice.objects.filter(pk=device_pk, user_id=request.user.pk, confirmed=False).first()


def confirm_device(device, code) -> bool:
    """Turn two-factor sign-in on with ``device`` if ``code`` comes from it."""
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().get(pk=device.pk)
        if device.confirmed or not device.verify_token(_normalize(code)):
            return False
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        TOTPDevice.objects.filter(user_id=device.user_id).exclude(pk=device.pk).delete()
    return True


def new_recovery_codes(user):
    """Ten new one-time recovery codes; the previous ones stop working, and so do the user's API
    tokens, as on any change of their second factors."""
    with transaction.atomic():
        device, _ = StaticDevice.objects.get_or_create(
            user=user, name="recovery codes", defaults={"confirmed": True}
        )
        device.token_set.all().delete()
        signals.recovery_codes_replaced.send(sender=StaticDevice, user=user)
        codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
        StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def remaining_recovery_codes(user):
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def turn_off(request):
    """Remove the user's authenticator and recovery codes (only where it is optional)."""
    user = request.user
    with transaction.atomic():  # the API tokens are revoked on the way (api/services.py)
        TOTPDevice.objects.filter(user=user).delete()
        StaticDevice.objects.filter(user=user).delete()
    request.session.pop(DEVICE_ID_SESSION_KEY, None)
    request.session[SESSION_FLAG] = False


def secret_for_manual_entry(device):
    """The device's key in base32, in groups of four, as authenticator apps ask for it."""
    secret = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def qr_code_svg(device):
    """The device's otpauth:// address as an SVG QR code: plain paths, no style attribute, so a
    Content Security Policy without 'unsafe-inline' allows it inline."""
    image = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    return image.to_string(encoding="unicode")


def needs_verification(request):
    """Whether the signed-in user must still enter a second factor in this session."""
    user = request.user
    if not user.is_authenticated or user.is_verified() or provider_checked_second_factor(request):
        return False
    if must_use_two_factor(user):
        return True
    on = request.session.get(SESSION_FLAG)
    if on is None:  # a session older than two-factor sign-in
        on = request.session[SESSION_FLAG] = has_two_factor(user)
    return on


def provider_checked_second_factor(request) -> bool:
    """Whether this session's sign-in was checked with a second factor by the identity provider,
    and that counts here (OIDC_MFA_SATISFIES_TWO_FACTOR)."""
    return bool(
        settings.OIDC_MFA_SATISFIES_TWO_FACTOR
        and request.session.get(PROVIDER_MFA_SESSION_KEY) is True
    )


@receiver(user_logged_in, dispatch_uid="hrddp.accounts.two_factor.remember_two_factor")
def remember_two_factor(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        request.session[SESSION_FLAG] = has_two_factor(user)
        # Every sign-in sets it anew: a password sign-in in the same session clears it. Only
        # the single sign-on backend puts provider_mfa on the user it signs in.
        request.session[PROVIDER_MFA_SESSION_KEY] = getattr(user, "provider_mfa", False) is True
