"""Failed sign-ins are throttled per account and address together (django-axes), with a clear page
(429), a notice to the account's holder when a lock begins, and an audit record of every attempt."""

from datetime import timedelta

import pytest
import time_machine
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib.auth import authenticate, get_user_model
from django.core import mail
from django.test import RequestFactory
from django.utils import timezone

from tests.test_settings import PRODUCTION, settings_values

LOGIN = "/accounts/login/"


def sign_in(client, username, password, address="10.0.0.1", **headers):
    return client.post(
        LOGIN, {"username": username, "password": password}, REMOTE_ADDR=address, **headers
    )


def fail(client, username, times, address="10.0.0.1", **headers):
    for _ in range(times):
        response = sign_in(client, username, "wrong", address, **headers)
    return response


def is_signed_in(client):
    return "_auth_user_id" in client.session


@pytest.mark.django_db
def test_the_fifth_failed_sign_in_to_an_account_locks_it_with_a_clear_429_page(client, hro):
    response = fail(client, "hro", 4)
    assert response.status_code == 200  # the login form again, with its error

    response = fail(client, "hro", 1)

    assert response.status_code == 429
    assert "accounts/locked_out.html" in [t.name for t in response.templates]
    assert "Sign-in is locked for a while" in response.text
    assert "blocked for 15 minutes" in response.text


@pytest.mark.django_db
def test_a_locked_account_and_address_refuse_even_the_right_password(client, hro):
    fail(client, "hro", 5, address="10.0.1.1")

    response = sign_in(client, "hro", "pw", address="10.0.1.1")

    assert response.status_code == 429
    assert not is_signed_in(client)


@pytest.mark.django_db
def test_trust_11_guesses_from_elsewhere_never_lock_the_holder_out(client, manager):
    """An anonymous person who fails 5 times every 15 minutes, from one address or from many,
    locks only their own tries: the manager still signs in from their own address."""
    fail(client, "manager", 5, address="203.0.113.66")
    for number in range(5):
        fail(client, "manager", 1, address=f"198.51.100.{number}")
    assert sign_in(client, "manager", "pw", address="203.0.113.66").status_code == 429

    response = sign_in(client, "manager", "pw", address="10.0.0.8")

    assert response.status_code == 302
    assert is_signed_in(client)


@pytest.mark.django_db
def test_failures_at_other_accounts_do_not_count_against_an_account(client, hro, manager):
    for username in ("manager", "auditor", "someone", "nobody", "admin"):
        fail(client, username, 1, address="10.0.0.7")

    assert sign_in(client, "hro", "pw", address="10.0.0.7").status_code == 302
    assert is_signed_in(client)


@pytest.mark.django_db
def test_trust_11_the_holder_is_told_once_when_sign_in_is_locked_from_an_address(client, manager):
    manager.email = "manager@example.org"
    manager.save(update_fields=["email"])

    fail(client, "manager", 4, address="203.0.113.66")
    assert mail.outbox == []
    fail(client, "manager", 3, address="203.0.113.66")  # the lock begins at the fifth

    assert [message.to for message in mail.outbox] == [["manager@example.org"]]
    notice = mail.outbox[0]
    assert "locked" in notice.subject
    assert "203.0.113.66" in notice.body and "5 times" in notice.body
    assert manager.notifications.count() == 1
    # A name that is no account gets no notice, and raises nothing.
    assert fail(client, "nobody", 5, address="203.0.113.66").status_code == 429
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_fewer_failures_than_the_limit_still_let_the_user_in(client, hro):
    fail(client, "hro", 4)

    assert sign_in(client, "hro", "pw").status_code == 302
    assert is_signed_in(client)


@pytest.mark.django_db
def test_the_lock_ends_after_the_cool_off_time(client, hro):
    fail(client, "hro", 5)
    assert sign_in(client, "hro", "pw").status_code == 429

    with time_machine.travel(timezone.now() + timedelta(minutes=16)):
        response = sign_in(client, "hro", "pw")

    assert response.status_code == 302
    assert is_signed_in(client)


@pytest.mark.django_db
def test_the_failure_limit_and_cool_off_are_settings(client, hro, settings):
    settings.AXES_FAILURE_LIMIT = 2
    settings.AXES_COOLOFF_TIME = timedelta(minutes=1)

    response = fail(client, "hro", 2)
    assert response.status_code == 429
    assert "blocked for 1 minute." in response.text

    with time_machine.travel(timezone.now() + timedelta(minutes=2)):
        assert sign_in(client, "hro", "pw").status_code == 302


def test_the_limit_and_cool_off_come_from_the_environment_with_sane_defaults():
    names = ["AXES_FAILURE_LIMIT", "AXES_COOLOFF_TIME", "AXES_LOCKOUT_PARAMETERS"]
    defaults = settings_values(PRODUCTION, names)
    chosen = settings_values(
        {**PRODUCTION, "LOGIN_FAILURE_LIMIT": "8", "LOGIN_COOLOFF_MINUTES": "60"}, names
    )

    assert defaults == {
        "AXES_FAILURE_LIMIT": 5,
        "AXES_COOLOFF_TIME": "0:15:00",
        "AXES_LOCKOUT_PARAMETERS": [["username", "ip_address"]],
    }
    assert chosen["AXES_FAILURE_LIMIT"] == 8
    assert chosen["AXES_COOLOFF_TIME"] == "1:00:00"


@pytest.mark.django_db
def test_every_failed_sign_in_and_every_sign_in_leaves_an_audit_record(client, hro):
    fail(client, "hro", 2, address="10.0.0.3")
    sign_in(client, "hro", "pw", address="10.0.0.4")

    failures = AccessFailureLog.objects.filter(username="hro")
    assert failures.count() == 2
    assert set(failures.values_list("ip_address", flat=True)) == {"10.0.0.3"}
    assert AccessLog.objects.filter(username="hro", ip_address="10.0.0.4").count() == 1


@pytest.mark.django_db
def test_administrators_read_failed_sign_ins_in_the_admin(client, client_for, hro):
    fail(client, "hro", 2, address="10.0.0.3")
    admin = get_user_model().objects.create_superuser("root", "root@example.org", "pw")

    response = client_for(admin).get("/admin/axes/accessfailurelog/")

    assert response.status_code == 200
    assert "10.0.0.3" in response.text
    assert client.get("/admin/axes/accessattempt/").status_code == 200
    assert client.get("/admin/axes/accesslog/").status_code == 200


@pytest.mark.django_db
def test_the_admin_login_page_counts_towards_the_same_lock(client, hro):
    for _ in range(3):
        client.post(
            "/admin/login/", {"username": "hro", "password": "wrong"}, REMOTE_ADDR="10.2.2.2"
        )
    fail(client, "hro", 1, address="10.2.2.2")

    response = sign_in(client, "hro", "pw", address="10.2.2.2")

    assert response.status_code == 302  # 4 failures: not yet
    fail(client, "hro", 1, address="10.2.2.2")
    assert sign_in(client, "hro", "pw", address="10.2.2.2").status_code == 429


@pytest.mark.django_db
def test_authenticate_with_a_request_is_throttled_too_as_the_api_token_endpoint_calls_it(hro):
    factory = RequestFactory()

    def attempt(password):
        request = factory.post("/api/token/", REMOTE_ADDR="10.0.0.5")
        return authenticate(request=request, username="hro", password=password)

    assert attempt("pw") == hro
    for _ in range(5):
        assert attempt("wrong") is None

    assert attempt("pw") is None
    assert AccessAttempt.objects.filter(username="hro").exists()


@pytest.mark.django_db
def test_a_forged_forwarded_for_header_does_not_dodge_the_address_count_by_default(client, hro):
    for number in range(5):
        fail(client, "hro", 1, address="10.0.0.9", HTTP_X_FORWARDED_FOR=f"1.2.3.{number}")

    response = sign_in(client, "hro", "pw", address="10.0.0.9", HTTP_X_FORWARDED_FOR="5.6.7.8")

    assert response.status_code == 429
    assert set(AccessFailureLog.objects.values_list("ip_address", flat=True)) == {"10.0.0.9"}


@pytest.mark.django_db
def test_behind_a_trusted_proxy_the_address_is_the_one_the_proxy_saw(client, hro, settings):
    settings.AXES_IPWARE_META_PRECEDENCE_ORDER = ("HTTP_X_FORWARDED_FOR", "REMOTE_ADDR")
    settings.AXES_IPWARE_PROXY_COUNT = 1
    settings.AXES_IPWARE_PROXY_ORDER = "right-most"

    # The client forged "1.2.3.4"; the proxy (10.0.0.1) appended the address it saw.
    fail(client, "hro", 1, address="10.0.0.1", HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.9")

    assert list(AccessFailureLog.objects.values_list("ip_address", flat=True)) == ["203.0.113.9"]


def test_one_trusted_proxy_setting_reads_the_forwarded_for_header():
    names = [
        "AXES_IPWARE_META_PRECEDENCE_ORDER",
        "AXES_IPWARE_PROXY_COUNT",
        "AXES_IPWARE_PROXY_ORDER",
    ]
    default = settings_values(PRODUCTION, names[:1])
    behind_proxy = settings_values({**PRODUCTION, "TRUSTED_PROXY_COUNT": "1"}, names)

    assert default == {"AXES_IPWARE_META_PRECEDENCE_ORDER": ["REMOTE_ADDR"]}
    assert behind_proxy == {
        "AXES_IPWARE_META_PRECEDENCE_ORDER": ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"],
        "AXES_IPWARE_PROXY_COUNT": 1,
        "AXES_IPWARE_PROXY_ORDER": "right-most",
    }
