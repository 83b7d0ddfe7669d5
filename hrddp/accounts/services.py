"""Writes about accounts: the notice to an account's holder when sign-in to it is locked, the
record of "forgot password" requests that throttles them, and the roles given to an account."""

from datetime import timedelta

from axes.helpers import get_failure_limit
from axes.signals import user_locked_out
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.dispatch import receiver
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_noop

from hrddp.notifications.services import notify

from .models import Membership, PasswordResetRequest
from .queries import password_reset_throttled

LOCKED_SUBJECT = gettext_noop("Sign-in to your account was locked from an unknown address")
LOCKED_BODY = gettext_noop(
    "Someone entered a wrong password for your account %(username)s %(failures)s times from the "
    "address %(address)s. Sign-in to your account from that address is locked for %(minutes)s "
    "minutes; from any other address you can still sign in. If this was not you, someone may be "
    "guessing your password: tell your administrator, and change your password if you think it "
    "is known."
)


def send_lockout_notice(username, address, failures):
    """Tell the holder of account ``username`` (in the app and by email, in their language) that
    sign-in to it from ``address`` is locked. Nothing for a name that is no account."""
    users = get_user_model().objects.filter(username=username, is_active=True)
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    params = {"username": username, "failures": failures, "address": address, "minutes": minutes}
    return notify(users, (LOCKED_SUBJECT, {}), (LOCKED_BODY, params))


@receiver(user_locked_out, dispatch_uid="hrddp.accounts.services.lockout_notice")
def lockout_notice(sender, request, username, ip_address, **kwargs):
    """django-axes sends this on the failure that locks sign-in, and again on every attempt while
    locked: the holder is told once, when the lock begins (the count reaches the limit)."""
    failures = getattr(request, "axes_failures_since_start", None)
    credentials = getattr(request, "axes_credentials", None)
    if username and failures == get_failure_limit(request, credentials):
        send_lockout_notice(username, ip_address, failures)


def password_reset_digest(email):
    """The keyed digest under which a "forgot password" request for ``email`` is counted."""
    normalized = (email or "").strip().lower()
    return salted_hmac("hrddp.accounts.password_reset", normalized, algorithm="sha256").hexdigest()


def allow_password_reset(email, ip_address):
    """Count a "forgot password" request for ``email`` from ``ip_address``, and say whether it may
    go on: False once the address, or the client address, has had its share in the last
    PASSWORD_RESET_THROTTLE_MINUTES. Whether ``email`` is an account's changes nothing here, so the
    answer tells nobody whether it is."""
    now = timezone.now()
    since = now - timedelta(minutes=settings.PASSWORD_RESET_THROTTLE_MINUTES)
    digest = password_reset_digest(email)
    with transaction.atomic():
        PasswordResetRequest.objects.filter(created_at__lt=since).delete()
        if password_reset_throttled(digest, ip_address, since):
            return False
        PasswordResetRequest.objects.create(email_digest=digest, ip_address=ip_address)
    return True


def grant_role(user, entity, role):
    """Give ``user`` the role ``role`` in ``entity`` (a Membership), unless they hold it already.
    Returns the membership and whether it is new. Its save revokes the user's API tokens, as any
    change of role does (hrddp/api/services.py)."""
    with transaction.atomic():
        return Membership.objects.get_or_create(user=user, entity=entity, role=role)
