"""How one may sign in (issue 17): with the organisation's identity provider (single sign-on,
OpenID Connect, hrddp/accounts/oidc.py) when it is configured, and with a password unless that is
switched off (LOCAL_SIGN_IN), except for the break-glass accounts named in
LOCAL_SIGN_IN_BREAK_GLASS.

Settings are read at each call, not at import, so that a test may switch them.

The password is refused in three places, each before Django's ``authenticate`` (so a refused
attempt does not count as a failed password): the login page's form, the admin's login form and
the API's token endpoint; the password backend refuses it too, whoever else calls it.
"""

from django.conf import settings
from django.utils.translation import gettext_lazy as _

# The message of a password sign-in refused because local sign-in is off.
LOCAL_SIGN_IN_OFF = _(
    "Signing in with a password is switched off: sign in with your organisation's account."
)


def sso_enabled() -> bool:
    """Single sign-on is on when the product has a client id at an identity provider."""
    return bool(settings.OIDC_RP_CLIENT_ID)


def provider_name():
    """The identity provider as the login page's button names it."""
    return settings.OIDC_PROVIDER_NAME or _("your organisation")


def local_sign_in_on() -> bool:
    """Whether anyone may sign in with a password (the break-glass accounts aside)."""
    return settings.LOCAL_SIGN_IN


def break_glass_accounts():
    return {name.strip() for name in settings.LOCAL_SIGN_IN_BREAK_GLASS if name.strip()}


def password_sign_in_allowed(username) -> bool:
    """Whether the account ``username`` may sign in with a password: always while local sign-in
    is on; when it is off, only the break-glass accounts (matched as Django matches usernames at
    sign-in: exactly)."""
    return local_sign_in_on() or (username or "") in break_glass_accounts()


def password_form_shown() -> bool:
    """Whether the login page shows the password form: while local sign-in is on, or for the
    break-glass accounts (folded away below the single sign-on button)."""
    return local_sign_in_on() or bool(break_glass_accounts())
