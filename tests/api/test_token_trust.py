"""Issue 12, holes 6 and 2 (tokens): an API token is a password a programme tool holds. It must not
be readable at rest or in the admin, must lapse (8 hours idle, 30 days at most), must stop working
when what it was issued for changes (password, roles, second factor, signing out), can be listed
and revoked by its owner, and is refused to a role that needs a second factor when issued without
one. The API's 500 and 429 answers are JSON like the rest."""

import re
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.db import connection
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.test import APIClient

from hrddp.accounts import two_factor
from hrddp.accounts.models import Membership, Role, User
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

TOKEN_URL = "/api/v1/auth/token/"
READ = "/api/v1/violations/"
TOKENS_PAGE = "/accounts/api-tokens/"
REVOKE = "/accounts/api-tokens/revoke/"


def code_of(device):
    return TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift).token()


def token_for(username, device=None):
    body = {"username": username, "password": "pw"}
    if device is not None:
        body["otp_token"] = f"{code_of(device):06d}"
    response = APIClient().post(TOKEN_URL, body, format="json")
    assert response.status_code == 200, response.content
    return response.json()["token"]


def call(key, path=READ, method="get"):
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return getattr(api, method)(path)


# At rest, and in the admin


def test_trust_6_token_hashed_at_rest_no_table_holds_the_key(hro):
    key = token_for("hro")
    assert call(key).status_code == 200

    holders = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(include_views=False):
            cursor.execute(
                f'SELECT count(*) FROM "{table}" AS row WHERE row::text LIKE %s', [f"%{key}%"]
            )
            if cursor.fetchone()[0]:
                holders.append(table)
    assert holders == []


def test_trust_2_token_the_admin_lists_no_token(client_for, hro):
    key = token_for("hro")
    superuser = UserFactory(username="root", is_staff=True, is_superuser=True)
    admin = client_for(superuser)

    index = admin.get("/admin/")
    assert index.status_code == 200
    assert "/admin/authtoken/" not in index.text
    assert "/admin/accounts/apitoken/" not in index.text
    for url in ("/admin/authtoken/tokenproxy/", "/admin/accounts/apitoken/"):
        response = admin.get(url)
        assert response.status_code == 404, url
        assert key not in response.text


# Lifetimes: 8 hours idle, 30 days at most


def test_trust_6_token_lapses_after_8_hours_without_use(hro):
    with time_machine.travel(datetime(2026, 3, 2, 8, 0, tzinfo=UTC), tick=False) as traveller:
        key = token_for("hro")
        traveller.shift(timedelta(hours=7, minutes=50))
        assert call(key).status_code == 200
        traveller.shift(timedelta(hours=7, minutes=50))  # used 7h50 ago: still alive
        assert call(key).status_code == 200
        traveller.shift(timedelta(hours=8, minutes=1))
        response = call(key)
    assert response.status_code == 401
    assert response["Content-Type"] == "application/json"


def test_trust_6_token_lapses_30_days_after_issue_however_often_used(hro):
    with time_machine.travel(datetime(2026, 3, 2, 8, 0, tzinfo=UTC), tick=False) as traveller:
        key = token_for("hro")
        for _ in range(29 * 24 // 6):  # used every six hours for 29 days
            traveller.shift(timedelta(hours=6))
            assert call(key).status_code == 200
        traveller.shift(timedelta(days=1, hours=1))  # 30 days and 1 hour after issue
        assert call(key).status_code == 401


# Revoked when what it was issued for changes


def test_trust_6_token_revoked_by_a_password_change(client_for, hro):
    key = token_for("hro")
    response = client_for(hro).post(
        "/accounts/password/",
        {
            "old_password": "pw",
            "new_password1": "a new Pa55word!",
            "new_password2": "a new Pa55word!",
        },
    )
    assert response.status_code == 302

    assert call(key).status_code == 401


@pytest.mark.parametrize("change", ["added", "changed", "removed"])
def test_trust_6_token_revoked_by_a_role_change(change, mission, auditor):
    extra = Membership.objects.create(user=auditor, entity=mission, role=Role.HRO)
    key = token_for("auditor")
    assert call(key).status_code == 200

    if change == "added":  # the auditor becomes a manager, who must use a second factor
        Membership.objects.create(user=auditor, entity=mission, role=Role.MANAGER)
    elif change == "changed":
        extra.role = Role.MANAGER
        extra.save()
    else:
        extra.delete()

    assert call(key).status_code == 401


def test_trust_6_token_revoked_when_two_factor_sign_in_is_turned_on(hro):
    key = token_for("hro")
    device = TOTPDevice.objects.create(user=hro, name="phone", confirmed=False)
    assert two_factor.confirm_device(device, f"{code_of(device):06d}")

    assert call(key).status_code == 401


def test_trust_6_token_revoked_when_two_factor_sign_in_is_turned_off(client_for, hro):
    device = TOTPDevice.objects.create(user=hro, name="phone", confirmed=True)
    key = token_for("hro", device)
    assert call(key).status_code == 200

    response = client_for(hro).post("/accounts/two-factor/off/")
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=hro).exists()

    assert call(key).status_code == 401


def test_trust_6_token_revoked_when_the_authenticator_is_deleted_in_the_admin_way(hro):
    device = TOTPDevice.objects.create(user=hro, name="phone", confirmed=True)
    key = token_for("hro", device)

    device.delete()

    assert call(key).status_code == 401


def test_trust_6_token_revoked_by_signing_out_of_the_site(client, hro):
    key = token_for("hro")
    assert client.post("/accounts/login/", {"username": "hro", "password": "pw"}).status_code == 302

    client.post("/accounts/logout/")

    assert call(key).status_code == 401


def test_trust_6_token_revoked_by_the_api_sign_out(hro):
    first, second = token_for("hro"), token_for("hro")

    assert call(first, "/api/v1/auth/logout/", "post").status_code == 204
    assert call(first).status_code == 401
    assert call(second).status_code == 200

    assert call(second, "/api/v1/auth/logoutall/", "post").status_code == 204
    assert call(second).status_code == 401


# The second factor


def test_trust_6_token_without_second_factor_refused_once_the_account_needs_one(auditor):
    key = token_for("auditor")  # an auditor needs no second factor
    assert call(key).status_code == 200

    # Given access to the Django admin (no membership changes): now a second factor is required.
    User.objects.filter(pk=auditor.pk).update(is_staff=True)

    response = call(key)
    assert response.status_code == 401
    assert response["Content-Type"] == "application/json"
    assert "second factor" in response.json()["detail"]


def test_a_manager_token_issued_with_the_second_factor_works(manager):
    device = TOTPDevice.objects.create(user=manager, name="phone", confirmed=True)
    assert call(token_for("manager", device), "/api/v1/support-requests/").status_code == 200


# The owner's list


def test_trust_6_owner_lists_and_revokes_their_tokens(client_for, hro):
    first, second = token_for("hro"), token_for("hro")
    page = client_for(hro).get(TOKENS_PAGE)
    assert page.status_code == 200
    assert first not in page.text and second not in page.text
    assert first[:8] in page.text and second[:8] in page.text
    digests = re.findall(r'name="token" value="([0-9a-f]+)"', page.text)
    assert len(digests) == 2

    # The rows are newest first: the first form revokes the second token.
    response = client_for(hro).post(REVOKE, {"token": digests[0]})
    assert response.status_code == 302

    assert call(second).status_code == 401
    assert call(first).status_code == 200
    response = client_for(hro).post(REVOKE, {"all": "1"})
    assert response.status_code == 302
    assert call(first).status_code == 401


def test_trust_6_nobody_revokes_someone_elses_token(client_for, hro, ssr_advisor):
    key = token_for("hro")
    digest = re.search(r'name="token" value="([0-9a-f]+)"', client_for(hro).get(TOKENS_PAGE).text)
    other = client_for(ssr_advisor)

    assert key[:8] not in other.get(TOKENS_PAGE).text
    assert other.post(REVOKE, {"token": digest.group(1)}).status_code == 404
    assert call(key).status_code == 200


def test_trust_6_revoking_is_post_only_with_csrf(hro):
    from django.test import Client

    from tests.conftest import force_sign_in

    key = token_for("hro")
    browser = force_sign_in(Client(enforce_csrf_checks=True), hro)
    assert browser.get(REVOKE).status_code == 405
    assert browser.post(REVOKE, {"all": "1"}).status_code == 403
    assert call(key).status_code == 200


# Errors in JSON


def test_trust_6_a_server_error_in_the_api_answers_json(hro, monkeypatch):
    from hrddp.api import views_registry

    def explode(*args, **kwargs):
        raise RuntimeError("a fault")

    monkeypatch.setattr(views_registry.ViolationViewSet, "list", explode)
    api = APIClient(raise_request_exception=False)
    api.credentials(HTTP_AUTHORIZATION=f"Token {token_for('hro')}")

    response = api.get(READ)

    assert response.status_code == 500
    assert response["Content-Type"] == "application/json"
    assert response.json()["detail"]


def test_trust_6_a_locked_out_token_request_answers_json_429(hro):
    api = APIClient()
    for _ in range(5):
        response = api.post(TOKEN_URL, {"username": "hro", "password": "wrong"}, format="json")

    assert response.status_code == 429
    assert response["Content-Type"] == "application/json"
    assert "blocked for 15 minutes" in response.json()["detail"]
    assert "token" not in response.json()
