"""Single sign-on with OpenID Connect (issue 17), through mozilla-django-oidc.

The library runs the authorization code flow (state, nonce, PKCE; the code exchanged for tokens
at the provider's token endpoint, the ID token's signature checked against the provider's keys);
this backend decides who the person is here:

- an account is found by the provider's subject (``sub``, kept in ``User.oidc_subject``), never by
  email address alone: a provider may give a departed colleague's address to someone else, and a
  local account with the same address is not taken over (a new account is made beside it; an
  administrator may link an existing account by setting its subject in the admin);
- a first sign-in creates the account with no role and no entity (the "no role" page shows until
  an administrator grants one), except the roles OIDC_GROUP_ROLES maps from the provider's groups;
- names and email address follow the provider's at each sign-in; roles never do (see
  ``grant_group_roles``);
- whether the provider checked a second factor (``amr`` contains ``mfa``) is kept on the user for
  the session (hrddp/accounts/two_factor.py decides what it spares, OIDC_MFA_SATISFIES_TWO_FACTOR).

Settings are read at each sign-in: mozilla-django-oidc makes a backend per ``authenticate``.
"""

import logging
import re

import jwt
import requests
from django.conf import settings
from django.core.exceptions import SuspiciousOperation
from django.db import IntegrityError, transaction
from mozilla_django_oidc.auth import OIDCAuthenticationBackend

from .models import Entity, Role, User
from .queries import signed_in_user
from .services import grant_role
from .sign_in import sso_enabled

logger = logging.getLogger(__name__)

USERNAME_MAX_LENGTH = User._meta.get_field("username").max_length
NAME_MAX_LENGTH = 150
CALLBACK_CREDENTIALS = {"nonce", "code_verifier"}
# What Django's username validator refuses (it allows letters, digits and @ . + - _).
_NOT_IN_USERNAME = re.compile(r"[^\w.@+-]")


def single_sign_on_attempt(request, credentials) -> bool:
    """AXES_WHITELIST_CALLABLE: django-axes counts failed passwords, per account and address; a
    failed single sign-on (the callback's call: a nonce, no username) is no password guessed, and
    counted per address alone (it has no account) would lock every colleague behind the same office
    address out of single sign-on. Its sign-ins are still logged (AccessLog)."""
    credentials = credentials or {}
    return "nonce" in credentials and not credentials.get("username")


def amr_says_mfa(id_token_claims) -> bool:
    """Whether the ID token says the provider checked more than one factor: its ``amr``
    (authentication methods references, RFC 8176) contains ``mfa``."""
    amr = id_token_claims.get("amr")
    if isinstance(amr, str):
        amr = [amr]
    return isinstance(amr, list) and "mfa" in amr


def group_roles():
    """OIDC_GROUP_ROLES read as ``{group: [(entity code, role), ...]}``. The setting is
    ``group=entity code:role`` items, comma-separated; a group may appear more than once. A
    malformed item is logged and left out."""
    mapping = {}
    for item in settings.OIDC_GROUP_ROLES.split(","):
        item = item.strip()
        if not item:
            continue
        group, _eq, target = item.partition("=")
        code, _colon, role = target.partition(":")
        group, code, role = group.strip(), code.strip(), role.strip()
        if not (group and code and role):
            logger.warning("OIDC_GROUP_ROLES: %r is not group=entity code:role; ignored", item)
            continue
        mapping.setdefault(group, []).append((code, role))
    return mapping


def grant_group_roles(user, groups):
    """Give ``user`` the roles OIDC_GROUP_ROLES maps from ``groups``. Called at the account's first
    sign-in only: afterwards roles are the administrators' decision, and a role they took away is
    not given back by the next sign-in. An unknown entity code or role is logged and ignored."""
    mapping = group_roles()
    if not mapping or not isinstance(groups, list):
        return
    for group in groups:
        for code, role in mapping.get(str(group), ()):
            if role not in Role.values:
                logger.warning(
                    "OIDC_GROUP_ROLES: unknown role %r for group %r; ignored", role, group
                )
                continue
            entity = Entity.objects.filter(code=code).first()
            if entity is None:
                logger.warning(
                    "OIDC_GROUP_ROLES: unknown entity %r for group %r; ignored", code, group
                )
                continue
            grant_role(user, entity, role)


def _one_line(value, max_length):
    return " ".join(str(value or "").split())[:max_length]


def _email(claims):
    """The provider's email address, unless it says it did not verify it."""
    email = str(claims.get("email") or "").strip()
    if claims.get("email_verified") is False or len(email) > 254 or "\n" in email:
        return ""
    return email


def unique_username(claims):
    """A username from the provider's ``preferred_username`` (else the email address), with what
    Django's usernames refuse left out, made unique with a -2, -3... suffix: an existing account,
    local or not, never gets a second holder."""
    base = ""
    for claim in ("preferred_username", "email"):
        base = _NOT_IN_USERNAME.sub("", str(claims.get(claim) or ""))
        if base:
            break
    base = (base or "user")[:USERNAME_MAX_LENGTH]
    candidate, n = base, 1
    while User.objects.filter(username__iexact=candidate).exists():
        n += 1
        suffix = f"-{n}"
        candidate = base[: USERNAME_MAX_LENGTH - len(suffix)] + suffix
    return candidate


class ProviderBackend(OIDCAuthenticationBackend):
    """mozilla-django-oidc's backend, matching accounts by the provider's subject."""

    def authenticate(self, request, **kwargs):
        # Only the callback view's call (nonce, code verifier), never a password sign-in's, even
        # one whose URL would carry a code and a state.
        if not sso_enabled() or "nonce" not in kwargs or kwargs.keys() - CALLBACK_CREDENTIALS:
            return None
        try:
            return super().authenticate(request, **kwargs)
        except (requests.RequestException, jwt.InvalidTokenError, ValueError) as error:
            # The provider unreachable or answering an error, a token expired or not yet valid:
            # the sign-in fails, back on the login page with its message (not a server error).
            logger.warning("single sign-on failed: %s", error)
            return None

    def get_user(self, user_id):
        # As UserBackend: the request's user with their memberships, in one query.
        user = signed_in_user(user_id)
        return user if user is not None and self.user_can_authenticate(user) else None

    def retrieve_matching_jwk(self, token):
        """The provider's key that signed ``token``, by its ``kid``. A token without a ``kid``
        is checked with the provider's only key (OpenID Connect Core 10.1 asks for a ``kid`` when
        there are several); the library would fail on it."""
        if "kid" in jwt.get_unverified_header(token):
            return super().retrieve_matching_jwk(token)
        answer = requests.get(
            self.OIDC_OP_JWKS_ENDPOINT,
            verify=self.get_settings("OIDC_VERIFY_SSL", True),
            timeout=self.get_settings("OIDC_TIMEOUT", None),
            proxies=self.get_settings("OIDC_PROXY", None),
        )
        answer.raise_for_status()
        keys = answer.json().get("keys", [])
        if len(keys) != 1:
            raise SuspiciousOperation("ID token without a kid, and not one key to check it with")
        return jwt.PyJWK(keys[0])

    def verify_claims(self, claims):
        # The library's default asks for an email address; the subject is what is needed here.
        return bool(claims.get("sub"))

    def check_id_token(self, payload):
        """What the library leaves unchecked: the ID token is for this client (``aud``, and
        ``azp`` when there are several audiences), from the configured issuer when one is."""
        client_id = self.OIDC_RP_CLIENT_ID
        audience = payload.get("aud")
        audiences = audience if isinstance(audience, list) else [audience]
        if client_id not in audiences:
            raise SuspiciousOperation("ID token not issued for this client (aud)")
        if len(audiences) > 1 and payload.get("azp") != client_id:
            raise SuspiciousOperation("ID token not issued for this client (azp)")
        # Required (check accounts.E001): without it, a multi-tenant provider's endpoints would
        # let any tenant's users in, and a subject could be matched across providers.
        issuer = settings.OIDC_OP_ISSUER
        if not issuer or payload.get("iss") != issuer:
            raise SuspiciousOperation("ID token from another issuer (iss), or none configured")
        if not payload.get("sub"):
            raise SuspiciousOperation("ID token without a subject (sub)")

    def get_or_create_user(self, access_token, id_token, payload):
        """``payload`` is the ID token's claims, its signature checked. The user info endpoint's
        claims complete them (OpenID Connect Core 5.3.2: for the same subject only)."""
        self.check_id_token(payload)
        user_info = self.get_userinfo(access_token, id_token, payload)
        if not self.verify_claims(user_info) or user_info.get("sub") != payload["sub"]:
            raise SuspiciousOperation("user info for another subject than the ID token's")
        claims = {**user_info, **payload}
        user = User.objects.filter(oidc_subject=payload["sub"]).first()
        if user is None:
            user = self.create_user(claims)
        else:
            user = self.update_user(user, claims)
        # Read by hrddp.accounts.two_factor when the session is opened (user_logged_in).
        user.provider_mfa = amr_says_mfa(payload)
        return user

    def create_user(self, claims):
        """A new account for the subject: no password, no role, no entity, but what the provider's
        groups map to (OIDC_GROUP_ROLES)."""
        subject = claims["sub"]
        try:
            with transaction.atomic():
                user = User(
                    username=unique_username(claims),
                    email=_email(claims),
                    first_name=_one_line(claims.get("given_name"), NAME_MAX_LENGTH),
                    last_name=_one_line(claims.get("family_name"), NAME_MAX_LENGTH),
                    oidc_subject=subject,
                )
                user.set_unusable_password()
                user.save()
                grant_group_roles(user, claims.get(settings.OIDC_GROUPS_CLAIM))
        except IntegrityError:
            # The same person's first sign-in in another tab won the race: theirs is the account.
            user = User.objects.filter(oidc_subject=subject).first()
            if user is None:
                raise
        logger.info("single sign-on: account %s created for a new subject", user.username)
        return user

    def update_user(self, user, claims):
        """Names and email address follow the provider's; nothing else does."""
        values = {
            "email": _email(claims) or user.email,
            "first_name": _one_line(claims.get("given_name"), NAME_MAX_LENGTH) or user.first_name,
            "last_name": _one_line(claims.get("family_name"), NAME_MAX_LENGTH) or user.last_name,
        }
        changed = [name for name, value in values.items() if getattr(user, name) != value]
        if changed:
            for name in changed:
                setattr(user, name, values[name])
            user.save(update_fields=changed)
        return user
