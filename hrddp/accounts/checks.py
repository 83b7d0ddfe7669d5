"""System checks of sign-in: single sign-on names the one provider it trusts."""

from django.conf import settings
from django.core.checks import Error, register


@register()
def single_sign_on_issuer(app_configs, **kwargs):
    if settings.OIDC_RP_CLIENT_ID and not settings.OIDC_OP_ISSUER:
        return [
            Error(
                "OIDC_RP_CLIENT_ID is set but OIDC_OP_ISSUER is not: single sign-on would accept "
                "ID tokens of any issuer the endpoints serve (any tenant of a multi-tenant "
                "provider), and match a subject whatever provider issued it.",
                hint="Set OIDC_OP_ISSUER to the provider's issuer, as its "
                "/.well-known/openid-configuration says (Entra ID: "
                "https://login.microsoftonline.com/<tenant id>/v2.0).",
                id="accounts.E001",
            )
        ]
    return []
