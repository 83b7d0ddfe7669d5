"""Sessions end after inactivity (SESSION_IDLE_MINUTES, default 30) and on a password change."""

from datetime import timedelta

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.test_settings import PRODUCTION, settings_values

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def idle_limit(settings):
    """The product's default (tests elsewhere run with long sessions, see conftest.py)."""
    settings.SESSION_COOKIE_AGE = 30 * 60


def sign_in(client, username="hro", password="pw"):
    response = client.post("/accounts/login/", {"username": username, "password": password})
    assert response.status_code == 302


def is_signed_in(client):
    response = client.get("/")
    return response.status_code == 200


def test_a_session_ends_after_thirty_idle_minutes(client, hro):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        sign_in(client)
        assert is_signed_in(client)

    with time_machine.travel(start + timedelta(minutes=31), tick=False):
        response = client.get("/")

    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")


def test_each_request_pushes_the_end_of_the_session_on(client, hro):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        sign_in(client)
    for minutes in (20, 40, 60):
        with time_machine.travel(start + timedelta(minutes=minutes), tick=False):
            assert is_signed_in(client), f"signed out after {minutes} minutes of activity"

    with time_machine.travel(start + timedelta(minutes=91), tick=False):
        assert not is_signed_in(client)


def test_the_idle_time_is_a_setting(client, hro, settings):
    settings.SESSION_COOKIE_AGE = 5 * 60
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        sign_in(client)

    with time_machine.travel(start + timedelta(minutes=6), tick=False):
        assert not is_signed_in(client)


def test_the_idle_minutes_come_from_the_environment_with_thirty_by_default():
    names = ["SESSION_COOKIE_AGE"]

    assert settings_values(PRODUCTION, names) == {"SESSION_COOKIE_AGE": 1800}
    assert settings_values({**PRODUCTION, "SESSION_IDLE_MINUTES": "10"}, names) == {
        "SESSION_COOKIE_AGE": 600
    }


def test_the_session_row_is_rewritten_at_most_once_a_minute(client, hro):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        sign_in(client)
    with (
        time_machine.travel(start + timedelta(seconds=50), tick=False),
        CaptureQueriesContext(connection) as within_a_minute,
    ):
        assert is_signed_in(client)
    with (
        time_machine.travel(start + timedelta(seconds=70), tick=False),
        CaptureQueriesContext(connection) as after_a_minute,
    ):
        assert is_signed_in(client)

    def writes(queries):
        return [q["sql"] for q in queries if q["sql"].startswith('UPDATE "django_session"')]

    assert writes(within_a_minute.captured_queries) == []
    assert len(writes(after_a_minute.captured_queries)) == 1
    # So the idle limit holds to within that minute: 30 minutes after the write at 1:10.
    with time_machine.travel(start + timedelta(minutes=31, seconds=20), tick=False):
        assert not is_signed_in(client)


def test_a_password_change_signs_out_the_users_other_sessions_and_keeps_this_one(client, hro):
    other_device = Client()
    sign_in(other_device)
    sign_in(client)
    assert is_signed_in(other_device)

    response = client.post(
        "/accounts/password/",
        {
            "old_password": "pw",
            "new_password1": "a-new-long-passphrase-42",
            "new_password2": "a-new-long-passphrase-42",
        },
    )

    assert response.status_code == 302
    assert is_signed_in(client)
    assert not is_signed_in(other_device)
    assert other_device.get("/").url.startswith("/accounts/login/")


def test_sessions_of_other_users_survive_a_password_change(client, hro, auditor):
    someone_else = Client()
    sign_in(someone_else, "auditor")
    sign_in(client)

    client.post(
        "/accounts/password/",
        {
            "old_password": "pw",
            "new_password1": "a-new-long-passphrase-42",
            "new_password2": "a-new-long-passphrase-42",
        },
    )

    assert is_signed_in(someone_else)
