"""``POST /api/v1/auth/token/``: username and password, and the second factor when the account
has one or its role requires one (managers, administrators)."""

import pytest
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.test import APIClient

from hrddp.api.models import ApiToken

pytestmark = pytest.mark.django_db

URL = "/api/v1/auth/token/"


def totp_code(device):
    return TOTP(device.bin_key).token()


def authenticator(user):
    return TOTPDevice.objects.create(user=user, name="phone", confirmed=True)


def test_token_for_username_and_password_then_calls_with_it(hro):
    api = APIClient()
    response = api.post(URL, {"username": "hro", "password": "pw"}, format="json")
    assert response.status_code == 200
    token = response.json()["token"]
    assert ApiToken.objects.get().user == hro
    api.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert api.get("/api/v1/violations/").status_code == 200


def test_each_sign_in_gets_a_new_token_and_both_work(hro):
    first = APIClient().post(URL, {"username": "hro", "password": "pw"}, format="json")
    second = APIClient().post(URL, {"username": "hro", "password": "pw"}, format="json")
    assert first.json()["token"] != second.json()["token"]
    for response in (first, second):
        api = APIClient()
        api.credentials(HTTP_AUTHORIZATION=f"Token {response.json()['token']}")
        assert api.get("/api/v1/violations/").status_code == 200


@pytest.mark.parametrize(
    "body",
    [
        {"username": "hro", "password": "wrong"},
        {"username": "nobody-here", "password": "pw"},
        {"username": "hro"},
        {},
    ],
)
def test_bad_credentials_answer_400_and_no_token(hro, body):
    response = APIClient().post(URL, body, format="json")
    assert response.status_code == 400
    assert "token" not in response.json()
    assert not ApiToken.objects.exists()


def test_inactive_account_gets_no_token(hro):
    hro.is_active = False
    hro.save()
    response = APIClient().post(URL, {"username": "hro", "password": "pw"}, format="json")
    assert response.status_code == 400


def test_a_wrong_token_is_refused():
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION="Token not-a-token")
    assert api.get("/api/v1/units/").status_code == 401


def test_manager_needs_the_second_factor(manager):
    device = authenticator(manager)
    api = APIClient()
    missing = api.post(URL, {"username": "manager", "password": "pw"}, format="json")
    assert missing.status_code == 400
    assert "otp_token" in missing.json()
    wrong_code = f"{(int(totp_code(device)) + 1) % 1_000_000:06d}"
    wrong = api.post(
        URL, {"username": "manager", "password": "pw", "otp_token": wrong_code}, format="json"
    )
    assert wrong.status_code == 400
    assert "otp_token" in wrong.json()
    device.refresh_from_db()
    device.throttling_failure_count = 0
    device.throttling_failure_timestamp = None
    device.save()
    right = api.post(
        URL,
        {"username": "manager", "password": "pw", "otp_token": totp_code(device)},
        format="json",
    )
    assert right.status_code == 200, right.content
    assert ApiToken.objects.get().two_factor
    api.credentials(HTTP_AUTHORIZATION=f"Token {right.json()['token']}")
    assert api.get("/api/v1/support-requests/").status_code == 200


def test_manager_without_an_authenticator_gets_no_token(manager):
    response = APIClient().post(
        URL, {"username": "manager", "password": "pw", "otp_token": "123456"}, format="json"
    )
    assert response.status_code == 400
    assert "otp_token" in response.json()
    assert not ApiToken.objects.exists()


def test_hro_who_turned_on_two_factor_needs_it_too(hro):
    device = authenticator(hro)
    missing = APIClient().post(URL, {"username": "hro", "password": "pw"}, format="json")
    assert missing.status_code == 400 and "otp_token" in missing.json()
    right = APIClient().post(
        URL, {"username": "hro", "password": "pw", "otp_token": totp_code(device)}, format="json"
    )
    assert right.status_code == 200


def test_a_half_signed_in_manager_session_is_anonymous_to_the_api(client, manager):
    """The session of a manager who has not entered their second factor reaches nothing."""
    client.force_login(manager)
    assert client.get("/api/v1/support-requests/").status_code in (401, 403)
