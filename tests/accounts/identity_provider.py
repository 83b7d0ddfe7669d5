"""A real OpenID Connect provider for the tests: oidc-provider-mock (authlib's authorization
server in Flask) served over HTTP on a thread, on a free localhost port.

Nothing of mozilla-django-oidc is mocked: the product sends the browser to the provider's
authorization endpoint, the test submits the provider's own form for a subject as a person would,
and the callback exchanges the code at the token endpoint, fetches the provider's keys (JWKS) and
checks the ID token's RS256 signature, then reads the user info endpoint, all over HTTP.

A subject's claims are set with the provider's own ``PUT /users/<sub>``. Every claim outside the
standard scopes' goes into the ID token and the user info as given (its ``_user_claims_for_scope``):
that is how a test gives the ID token an ``amr`` (``["pwd", "mfa"]``) or ``groups``.
"""

import os
from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

import requests
from oidc_provider_mock import run_server_in_thread

CLIENT_ID = "hrddp-tests"
CLIENT_SECRET = "not-so-secret"
PROVIDER_NAME = "Test Identity Provider"
OIDC_BACKEND = "hrddp.accounts.oidc.ProviderBackend"


@dataclass
class Provider:
    """The provider's endpoints, as its discovery document names them."""

    issuer: str
    authorization_endpoint: str
    token_endpoint: str
    userinfo_endpoint: str
    jwks_uri: str

    @classmethod
    def discover(cls, base_url):
        config = requests.get(f"{base_url}/.well-known/openid-configuration", timeout=10).json()
        return cls(**{field: config[field] for field in cls.__dataclass_fields__})

    def set_user(self, sub, **claims):
        """The person ``sub`` at the provider, with these claims (replacing earlier ones)."""
        base = self.issuer
        answer = requests.put(f"{base}/users/{sub}", json=claims, timeout=10)
        assert answer.status_code == 204, answer.text

    def configure(self, settings):
        """Single sign-on on, with this provider (as the environment variables would set it)."""
        settings.OIDC_RP_CLIENT_ID = CLIENT_ID
        settings.OIDC_RP_CLIENT_SECRET = CLIENT_SECRET
        settings.OIDC_PROVIDER_NAME = PROVIDER_NAME
        settings.OIDC_OP_ISSUER = self.issuer
        settings.OIDC_OP_AUTHORIZATION_ENDPOINT = self.authorization_endpoint
        settings.OIDC_OP_TOKEN_ENDPOINT = self.token_endpoint
        settings.OIDC_OP_USER_ENDPOINT = self.userinfo_endpoint
        settings.OIDC_OP_JWKS_ENDPOINT = self.jwks_uri
        settings.OIDC_RP_SIGN_ALGO = "RS256"
        if OIDC_BACKEND not in settings.AUTHENTICATION_BACKENDS:
            settings.AUTHENTICATION_BACKENDS = [*settings.AUTHENTICATION_BACKENDS, OIDC_BACKEND]


def run_provider():
    """A context manager: a provider on a thread for its duration, as a ``Provider``."""
    # authlib refuses plain http but for localhost by name; the tests' provider is plain http.
    os.environ.setdefault("AUTHLIB_INSECURE_TRANSPORT", "1")
    return run_server_in_thread()


def to_provider(client, next_url=""):
    """The login page's "Sign in with" link: the product's answer, a redirect to the provider."""
    query = f"?next={next_url}" if next_url else ""
    start = client.get(f"/oidc/authenticate/{query}")
    assert start.status_code == 302, start
    return start["Location"]


def authorize_at_provider(provider, authorize_url, sub):
    """At the provider: its authorization form, submitted for ``sub``. The provider's redirect
    back to the product: (path, query dict)."""
    assert authorize_url.startswith(provider.authorization_endpoint), authorize_url
    form = requests.get(authorize_url, timeout=10)
    assert form.status_code == 200 and 'name="sub"' in form.text, form.text
    answer = requests.post(authorize_url, data={"sub": sub}, allow_redirects=False, timeout=10)
    assert answer.status_code == 302, answer.text
    back = urlsplit(answer.headers["Location"])
    return back.path, {key: values[0] for key, values in parse_qs(back.query).items()}


def sign_in_through_provider(client, provider, sub, next_url=""):
    """The whole flow for ``sub``: the product's answer to the provider's redirect back."""
    path, query = authorize_at_provider(provider, to_provider(client, next_url), sub)
    assert path == "/oidc/callback/" and "code" in query and "state" in query, (path, query)
    return client.get(path, query)
