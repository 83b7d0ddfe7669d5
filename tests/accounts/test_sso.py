"""Single sign-on with OpenID Connect (issue 17, hrddp/accounts/oidc.py), against a real provider
running in the tests (tests/accounts/identity_provider.py): the browser's trip to the provider and
back, the code exchanged for tokens, the ID token's signature checked with the provider's keys.

The rules: accounts are matched by the provider's subject, never by email; a first sign-in makes
an account with no role (roles pre-mapped from groups when configured, at that first sign-in only);
the provider's MFA claim satisfies the two-factor rule when configured; local sign-in keeps working
and can be switched off (break-glass accounts aside)."""

import logging
from urllib.parse import urlsplit

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.test import Client
from django.utils.html import escape
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.test import APIClient

from hrddp.accounts.models import Membership, Role, User
from hrddp.accounts.sign_in import LOCAL_SIGN_IN_OFF
from tests.access.matrix import PERSONAS
from tests.access.world import build_world, signed_in

from ..factories import UserFactory
from .identity_provider import (
    CLIENT_ID,
    PROVIDER_NAME,
    Provider,
    authorize_at_provider,
    run_provider,
    sign_in_through_provider,
    to_provider,
)

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"
HOME = "/"
API_TOKEN = "/api/v1/auth/token/"
ADMIN_LOGIN = "/admin/login/"


@pytest.fixture(scope="session")
def identity_provider():
    with run_provider() as server:
        yield Provider.discover(f"http://localhost:{server.server_port}")


@pytest.fixture
def sso(settings, identity_provider):
    """Single sign-on on, with the tests' provider, as the environment variables would set it."""
    identity_provider.configure(settings)
    return identity_provider


def signed_in_user(client):
    user_id = client.session.get("_auth_user_id")
    return User.objects.get(pk=user_id) if user_id else None


def amina(provider, sub="entra-amina", **claims):
    """Amina Diallo at the provider, with her usual claims and ``claims`` besides."""
    usual = {
        "email": "amina.diallo@un.example",
        "preferred_username": "amina.diallo@un.example",
        "given_name": "Amina",
        "family_name": "Diallo",
    }
    provider.set_user(sub, **(usual | claims))
    return sub


# --- Accounts: by subject, never by email --------------------------------------------------------


def test_first_sign_in_creates_an_account_without_role_and_shows_the_no_role_page(client, sso):
    sub = amina(sso)
    before = User.objects.count()

    answer = sign_in_through_provider(client, sso, sub)

    assert answer.status_code == 302 and answer["Location"] == HOME
    user = signed_in_user(client)
    assert User.objects.count() == before + 1
    assert user.oidc_subject == sub
    assert user.username == "amina.diallo@un.example"
    assert (user.email, user.first_name, user.last_name) == (
        "amina.diallo@un.example",
        "Amina",
        "Diallo",
    )
    assert not user.memberships.exists() and not user.entities.exists()
    assert not user.has_usable_password() and not user.is_staff
    home = client.get(HOME)
    assert home.status_code == 403
    assert "You have no role yet" in home.content.decode()


def test_the_sign_in_goes_on_to_the_page_asked_for_on_this_site_only(sso, mission):
    UserFactory(username="hro", oidc_subject="entra-hro", roles=[(mission, Role.HRO)])
    sso.set_user("entra-hro", email="hro@un.example")
    answer = sign_in_through_provider(Client(), sso, "entra-hro", next_url="/registry/violations/")
    assert answer["Location"] == "/registry/violations/"
    answer = sign_in_through_provider(Client(), sso, "entra-hro", next_url="https://evil.example/")
    assert answer["Location"] == HOME


def test_a_second_sign_in_finds_the_same_account_by_subject(sso):
    sub = amina(sso)
    first = Client()
    sign_in_through_provider(first, sso, sub)
    account = signed_in_user(first)
    # The provider's name for her changes; the account follows it, and stays the one account.
    amina(sso, sub, family_name="Diallo-Keita")

    second = Client()
    answer = sign_in_through_provider(second, sso, sub)

    assert answer.status_code == 302
    assert signed_in_user(second) == account
    assert User.objects.filter(oidc_subject=sub).count() == 1
    assert User.objects.filter(username__startswith="amina").count() == 1
    account.refresh_from_db()
    assert account.last_name == "Diallo-Keita"


def test_an_email_address_alone_never_takes_over_a_local_account(client, sso, mission):
    local = UserFactory(
        username="amina", email="amina.diallo@un.example", roles=[(mission, Role.HRO)]
    )
    # Another person at the provider, given the address (and the short name) the local account has.
    sso.set_user("entra-newcomer", email="amina.diallo@un.example", preferred_username="amina")

    sign_in_through_provider(client, sso, "entra-newcomer")

    newcomer = signed_in_user(client)
    assert newcomer != local
    assert newcomer.username == "amina-2"
    assert newcomer.oidc_subject == "entra-newcomer"
    assert not newcomer.memberships.exists()
    local.refresh_from_db()
    assert local.oidc_subject is None
    assert client.get(HOME).status_code == 403  # the newcomer has none of the HRO's roles


def test_a_subject_linked_by_an_administrator_signs_in_to_that_account(client, sso, mission):
    hro = UserFactory(username="hro", oidc_subject="entra-hro", roles=[(mission, Role.HRO)])
    sso.set_user("entra-hro", email="someone.else@un.example", preferred_username="x")

    sign_in_through_provider(client, sso, "entra-hro")

    assert signed_in_user(client) == hro
    assert client.get(HOME).status_code == 200


def test_a_deactivated_account_cannot_sign_in_through_the_provider(client, sso, mission):
    UserFactory(username="gone", oidc_subject="entra-gone", is_active=False)
    sso.set_user("entra-gone", email="gone@un.example")

    answer = sign_in_through_provider(client, sso, "entra-gone")

    assert answer["Location"] == LOGIN
    assert signed_in_user(client) is None
    assert User.objects.filter(oidc_subject="entra-gone").count() == 1  # no new account either


# --- Roles from the provider's groups, when configured -------------------------------------------


def test_group_mapping_grants_the_configured_roles_at_first_sign_in_only(
    client, sso, settings, mission, caplog
):
    settings.OIDC_GROUP_ROLES = (
        "hrddp-hro=mission:hro, hrddp-managers=mission:manager,"
        "hrddp-ghost=nowhere:hro, hrddp-odd=mission:chief, malformed"
    )
    sub = amina(sso, groups=["hrddp-hro", "hrddp-ghost", "hrddp-odd", "unrelated"])

    with caplog.at_level(logging.WARNING, logger="hrddp.accounts.oidc"):
        sign_in_through_provider(client, sso, sub)

    user = signed_in_user(client)
    assert set(user.memberships.values_list("entity__code", "role")) == {("mission", Role.HRO)}
    assert "unknown entity 'nowhere'" in caplog.text
    assert "unknown role 'chief'" in caplog.text
    assert "'malformed' is not group=entity code:role" in caplog.text
    assert client.get(HOME).status_code == 200

    # Later sign-ins change no role: an administrator's decision is not undone by the provider.
    Membership.objects.filter(user=user).delete()
    amina(sso, sub, groups=["hrddp-hro", "hrddp-managers"])
    sign_in_through_provider(Client(), sso, sub)
    assert not Membership.objects.filter(user=user).exists()


def test_without_group_mapping_groups_give_no_role(client, sso, mission):
    sub = amina(sso, groups=["hrddp-hro"])
    sign_in_through_provider(client, sso, sub)
    assert not signed_in_user(client).memberships.exists()


# --- Two-factor: the provider's MFA claim, when configured ---------------------------------------


@pytest.fixture
def sso_manager(sso, mission):
    """A manager (two-factor required), linked to the provider, with an authenticator app."""
    manager = UserFactory(
        username="manager", oidc_subject="entra-manager", roles=[(mission, Role.MANAGER)]
    )
    TOTPDevice.objects.create(user=manager, name="phone", confirmed=True)
    return manager


def test_the_providers_mfa_claim_satisfies_the_two_factor_rule_when_configured(
    client, sso, settings, sso_manager
):
    settings.OIDC_MFA_SATISFIES_TWO_FACTOR = True
    sso.set_user("entra-manager", email="manager@un.example", amr=["pwd", "mfa"])

    answer = sign_in_through_provider(client, sso, "entra-manager")

    assert answer["Location"] == HOME
    assert client.get(HOME).status_code == 200
    assert client.get("/registry/violations/").status_code == 200


@pytest.mark.parametrize(
    ("setting", "amr"),
    [
        (False, ["pwd", "mfa"]),  # the claim is there, but the setting is off
        (True, ["pwd"]),  # the setting is on, the provider checked one factor
        (True, None),  # the setting is on, the ID token says nothing of how
    ],
    ids=["setting-off", "amr-without-mfa", "no-amr"],
)
def test_otherwise_the_products_own_second_factor_is_asked(
    client, sso, settings, sso_manager, setting, amr
):
    settings.OIDC_MFA_SATISFIES_TWO_FACTOR = setting
    claims = {"email": "manager@un.example"} | ({"amr": amr} if amr is not None else {})
    sso.set_user("entra-manager", **claims)

    sign_in_through_provider(client, sso, "entra-manager")

    assert signed_in_user(client) == sso_manager
    home = client.get(HOME)
    assert home.status_code == 302
    assert urlsplit(home["Location"]).path == "/accounts/two-factor/verify/"


def test_a_first_sign_in_mapped_to_manager_without_mfa_must_set_up_the_second_factor(
    client, sso, settings, mission
):
    settings.OIDC_MFA_SATISFIES_TWO_FACTOR = True
    settings.OIDC_GROUP_ROLES = "hrddp-managers=mission:manager"
    sub = amina(sso, groups=["hrddp-managers"], amr=["pwd"])

    sign_in_through_provider(client, sso, sub)

    home = client.get(HOME)
    assert urlsplit(home["Location"]).path == "/accounts/two-factor/setup/"


def test_a_password_sign_in_in_the_same_session_does_not_inherit_the_providers_mfa(
    client, sso, settings, sso_manager
):
    settings.OIDC_MFA_SATISFIES_TWO_FACTOR = True
    sso.set_user("entra-manager", amr=["pwd", "mfa"])
    sign_in_through_provider(client, sso, "entra-manager")
    assert client.get(HOME).status_code == 200

    assert client.post(LOGIN, {"username": "manager", "password": "pw"}).status_code == 302

    assert urlsplit(client.get(HOME)["Location"]).path == "/accounts/two-factor/verify/"


# --- Local accounts: on by default, can be switched off ------------------------------------------


def test_local_sign_in_works_beside_single_sign_on_by_default(client, sso, hro):
    page = client.get(LOGIN).content.decode()
    assert f"Sign in with {PROVIDER_NAME}" in page
    assert 'name="password"' in page
    assert client.post(LOGIN, {"username": "hro", "password": "pw"}).status_code == 302
    assert signed_in_user(client) == hro


def test_the_button_names_your_organisation_when_no_provider_name_is_set(client, sso, settings):
    settings.OIDC_PROVIDER_NAME = ""
    assert "Sign in with your organisation" in client.get(LOGIN).content.decode()


@pytest.fixture
def local_sign_in_off(settings):
    settings.LOCAL_SIGN_IN = False
    settings.LOCAL_SIGN_IN_BREAK_GLASS = []


def refused_on_the_page(answer):
    return answer.status_code == 200 and escape(str(LOCAL_SIGN_IN_OFF)) in answer.content.decode()


def test_local_sign_in_off_refuses_password_sign_in_on_the_page_while_sso_works(
    client, sso, local_sign_in_off, hro
):
    page = client.get(LOGIN).content.decode()
    assert 'name="password"' not in page
    assert f"Sign in with {PROVIDER_NAME}" in page

    answer = client.post(LOGIN, {"username": "hro", "password": "pw"})

    assert refused_on_the_page(answer)
    assert signed_in_user(client) is None
    # Refused before the password is checked: no failed attempt counts towards a lockout.
    assert not AccessFailureLog.objects.exists() and not AccessAttempt.objects.exists()

    sub = amina(sso)
    assert sign_in_through_provider(client, sso, sub)["Location"] == HOME
    assert signed_in_user(client).oidc_subject == sub


def test_local_sign_in_off_refuses_the_apis_password_token(sso, local_sign_in_off, hro):
    answer = APIClient().post(API_TOKEN, {"username": "hro", "password": "pw"}, format="json")
    assert answer.status_code == 400
    assert answer.json()["non_field_errors"] == [str(LOCAL_SIGN_IN_OFF)]
    assert "token" not in answer.json()


def test_local_sign_in_off_refuses_the_admins_password_sign_in(client, local_sign_in_off):
    UserFactory(username="root", is_staff=True, is_superuser=True)
    answer = client.post(ADMIN_LOGIN, {"username": "root", "password": "pw"})
    assert refused_on_the_page(answer)
    assert signed_in_user(client) is None


def test_local_sign_in_off_leaves_the_break_glass_accounts_their_password(
    client, sso, settings, local_sign_in_off, hro
):
    settings.LOCAL_SIGN_IN_BREAK_GLASS = ["root"]
    root = UserFactory(username="root", is_staff=True, is_superuser=True)
    page = client.get(LOGIN).content.decode()
    assert "<details" in page and 'name="password"' in page  # folded under the SSO button

    assert refused_on_the_page(client.post(LOGIN, {"username": "hro", "password": "pw"}))
    assert client.post(LOGIN, {"username": "root", "password": "pw"}).status_code == 302
    assert signed_in_user(client) == root
    token = APIClient().post(API_TOKEN, {"username": "hro", "password": "pw"}, format="json")
    assert token.status_code == 400


def test_local_sign_in_off_without_sso_says_there_is_no_way_in(client, local_sign_in_off):
    page = client.get(LOGIN).content.decode()
    assert 'name="password"' not in page and "Sign in with" not in page
    assert "no other way to sign in is configured" in page


# --- The flow refuses what it did not start or cannot check --------------------------------------


def test_a_tampered_state_is_refused(client, sso):
    sub = amina(sso)
    path, query = authorize_at_provider(sso, to_provider(client), sub)
    before = User.objects.count()

    state = query["state"]
    tampered = state[:-1] + ("y" if state.endswith("x") else "x")
    answer = client.get(path, {**query, "state": tampered})

    assert answer.status_code == 400
    assert signed_in_user(client) is None
    assert User.objects.count() == before


def test_a_code_from_another_browsers_sign_in_is_refused(client, sso):
    """The state is bound to the session that started the sign-in: another browser, handed the
    redirect back, gets nothing."""
    sub = amina(sso)
    path, query = authorize_at_provider(sso, to_provider(client), sub)

    other = Client()
    answer = other.get(path, query)

    assert answer.status_code == 302 and answer["Location"] == LOGIN
    assert signed_in_user(other) is None
    assert "did not succeed" in other.get(LOGIN).content.decode()


def test_an_id_token_from_another_issuer_is_refused(client, sso, settings):
    settings.OIDC_OP_ISSUER = "https://login.elsewhere.example/v2.0"
    answer = sign_in_through_provider(client, sso, amina(sso))
    assert answer["Location"] == LOGIN
    assert signed_in_user(client) is None
    assert not User.objects.filter(oidc_subject="entra-amina").exists()


def test_failed_single_sign_ons_lock_no_one_out_and_sign_ins_are_logged(client, sso, settings):
    """django-axes counts failed passwords per account and address; failed single sign-ons (no
    account) must not lock everyone behind one office address out."""
    settings.OIDC_OP_ISSUER = "https://login.elsewhere.example/v2.0"
    for _ in range(settings.AXES_FAILURE_LIMIT + 1):
        assert sign_in_through_provider(Client(), sso, amina(sso))["Location"] == LOGIN
    assert not AccessAttempt.objects.exists()

    settings.OIDC_OP_ISSUER = sso.issuer
    assert sign_in_through_provider(client, sso, amina(sso))["Location"] == HOME
    assert AccessLog.objects.filter(username=signed_in_user(client).username).exists()


def test_an_id_token_not_signed_with_the_providers_keys_is_refused(client, sso, settings):
    """The keys come from another provider's JWKS: the signature check, made over HTTP against
    the keys fetched, fails."""
    with run_provider() as other_server:
        other = Provider.discover(f"http://localhost:{other_server.server_port}")
        settings.OIDC_OP_JWKS_ENDPOINT = other.jwks_uri
        answer = sign_in_through_provider(client, sso, amina(sso))
    assert answer.status_code == 400
    assert signed_in_user(client) is None


def test_the_sign_in_asks_for_openid_email_profile_with_a_nonce_and_pkce(client, sso):
    location = to_provider(client)
    assert f"client_id={CLIENT_ID}" in location
    assert "code_challenge=" in location and "nonce=" in location
    assert "scope=openid+email+profile" in location


# --- Off unless configured; who may use the URLs --------------------------------------------------


def test_single_sign_on_is_off_without_a_client_id(client, identity_provider):
    page = client.get(LOGIN).content.decode()
    assert "Sign in with" not in page and 'name="password"' in page
    assert client.get("/oidc/authenticate/").status_code == 404
    assert client.get("/oidc/callback/", {"code": "x", "state": "y"}).status_code == 404


def test_every_persona_may_start_a_sign_in_and_a_bare_callback_goes_back_to_login(sso):
    """The access matrix's rows are for single sign-on off (404); on, the URLs are public."""
    world = build_world()
    for persona in PERSONAS:
        client = Client() if persona == "anonymous" else signed_in(world.users[persona])
        start = client.get("/oidc/authenticate/")
        assert start.status_code == 302, persona
        assert start["Location"].startswith(sso.authorization_endpoint), persona
        assert client.get("/oidc/callback/")["Location"] == LOGIN, persona


def test_single_sign_on_without_an_issuer_configured_fails_the_checks_and_signs_no_one_in(
    client, sso, settings
):
    from hrddp.accounts.checks import single_sign_on_issuer

    settings.OIDC_OP_ISSUER = ""
    assert [error.id for error in single_sign_on_issuer(None)] == ["accounts.E001"]
    answer = sign_in_through_provider(client, sso, amina(sso))
    assert answer["Location"] == LOGIN
    assert signed_in_user(client) is None


def test_a_provider_that_cannot_be_reached_fails_the_sign_in_on_the_login_page(
    client, sso, settings
):
    settings.OIDC_OP_TOKEN_ENDPOINT = "http://127.0.0.1:9/token"  # nothing listens there
    answer = sign_in_through_provider(client, sso, amina(sso))
    assert answer.status_code == 302 and answer["Location"] == LOGIN
    assert signed_in_user(client) is None
    assert "did not succeed" in client.get(LOGIN).content.decode()
