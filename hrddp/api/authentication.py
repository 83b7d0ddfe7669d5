"""The API's token check (the settings' first authentication class). Apart from the views, which
import DRF's views module, itself reading the authentication classes from the settings."""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.plumbing import build_bearer_security_scheme_object
from knox import auth as knox_auth
from knox.settings import knox_settings
from rest_framework import exceptions

from hrddp.accounts.access import must_use_two_factor


class TokenAuthentication(knox_auth.TokenAuthentication):
    """knox's token check, which refuses expired tokens and moves the idle expiry on; and besides:
    a token issued without a second factor is refused once its owner's role requires one."""

    def validate_user(self, auth_token):
        user, auth_token = super().validate_user(auth_token)
        if must_use_two_factor(user) and not auth_token.two_factor:
            raise exceptions.AuthenticationFailed(
                _(
                    "This token was issued without a second factor, which this account now "
                    "needs: ask for a new token with the code of your authenticator app."
                ),
                code="second_factor_required",
            )
        return user, auth_token

    def renew_token(self, auth_token):
        super().renew_token(auth_token)
        # "Last used" for the owner's list, written no more often than knox writes the expiry.
        now = timezone.now()
        last = auth_token.last_used
        if last is None or (now - last).total_seconds() > knox_settings.MIN_REFRESH_INTERVAL:
            auth_token.last_used = now
            auth_token.save(update_fields=["last_used"])


class TokenScheme(OpenApiAuthenticationExtension):
    """The token in the OpenAPI schema (drf-spectacular): ``Authorization: Token <key>``."""

    target_class = "hrddp.api.authentication.TokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema):
        return build_bearer_security_scheme_object(
            header_name="Authorization", token_prefix=knox_settings.AUTH_HEADER_PREFIX
        )
