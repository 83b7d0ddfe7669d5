""" "Forgot your password?" (issue 16): a reset link by email, through the product's mail queue,
throttled per address and per client address, the same answer whether or not an address is an
account's; a reset signs nobody in, spares no second factor and lifts no sign-in lock."""

import re
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
import time_machine
from django.core import mail
from django.test import Client
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice
from mailer.engine import send_all
from mailer.models import Message

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"
RESET = "/accounts/password/reset/"
LINK = re.compile(r"https?://\S+(/accounts/password/reset/[^/\s]+/[^/\s]+/)")
NEW_PASSWORD = "a-new-long-passphrase-42"


@pytest.fixture(autouse=True)
def queued_mail(settings):
    """Mail goes through django-mailer's queue, as in production, and out to the test outbox."""
    settings.EMAIL_BACKEND = "mailer.backend.DbBackend"
    settings.MAILER_EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


@pytest.fixture
def holder(hro):
    hro.email = "hro@example.org"
    hro.save(update_fields=["email"])
    return hro


def ask(client, email, address="10.0.0.1"):
    return client.post(RESET, {"email": email}, REMOTE_ADDR=address)


def delivered_link(email):
    """The reset link in the last message the queue delivered to ``email``: its path."""
    send_all()
    message = [m for m in mail.outbox if m.to == [email]][-1]
    return LINK.search(message.body).group(1)


def set_new_password(client, link):
    response = client.get(link)  # Django moves the token from the URL into the session
    assert response.status_code == 302
    form = response["Location"]
    return client.post(form, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})


def sign_in(client, username, password, address="10.0.0.1"):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=address)


def is_signed_in(client):
    return "_auth_user_id" in client.session


def test_the_login_page_links_to_forgot_your_password(client):
    page = client.get(LOGIN)

    assert 'href="/accounts/password/reset/"' in page.text
    assert "Forgot your password?" in page.text


def test_the_reset_email_goes_through_the_mail_queue(client, holder):
    response = ask(client, "HRO@example.org")

    assert response.status_code == 302
    assert response["Location"] == "/accounts/password/reset/sent/"
    assert mail.outbox == []  # queued in the database, not sent from the request
    assert Message.objects.count() == 1
    link = delivered_link("hro@example.org")
    assert link.startswith("/accounts/password/reset/")


def test_the_link_points_at_the_site_url(client, holder, settings):
    settings.SITE_URL = "https://hrddp.example.org"
    ask(client, "hro@example.org")
    send_all()

    assert "https://hrddp.example.org/accounts/password/reset/" in mail.outbox[-1].body


def test_an_unknown_address_gets_the_same_answer_and_no_email(client, holder):
    known = ask(client, "hro@example.org", address="10.0.0.1")
    unknown = ask(client, "nobody@example.org", address="10.0.0.2")

    assert unknown.status_code == known.status_code == 302
    assert unknown["Location"] == known["Location"]
    assert Message.objects.count() == 1  # the known one's only
    page = client.get(unknown["Location"])
    assert "If an account uses the address you entered" in page.text


def test_the_emailed_link_sets_the_password_without_signing_in(client, holder):
    ask(client, "hro@example.org")

    done = set_new_password(client, delivered_link("hro@example.org"))

    assert done.status_code == 302
    assert done["Location"] == "/accounts/password/reset/complete/"
    assert not is_signed_in(client)
    holder.refresh_from_db()
    assert holder.check_password(NEW_PASSWORD)


def test_the_emailed_link_works_once(client, holder):
    ask(client, "hro@example.org")
    link = delivered_link("hro@example.org")
    set_new_password(client, link)

    again = Client().get(link, follow=True)

    assert "This link no longer works" in again.text
    assert "new_password1" not in again.text


def test_a_reset_does_not_bypass_two_factor(client, holder):
    TOTPDevice.objects.create(user=holder, name="phone", confirmed=True)
    ask(client, "hro@example.org")
    set_new_password(client, delivered_link("hro@example.org"))

    browser = Client()
    assert sign_in(browser, "hro", NEW_PASSWORD).status_code == 302

    home = browser.get("/")
    assert home.status_code == 302  # every page still asks for the code
    assert home["Location"].startswith("/accounts/two-factor/verify/")
    assert "otp_device_id" not in browser.session


def test_a_locked_out_user_stays_locked_after_a_reset(client, holder):
    for _ in range(5):
        sign_in(Client(), "hro", "wrong", address="10.9.9.9")
    assert sign_in(Client(), "hro", "pw", address="10.9.9.9").status_code == 429

    ask(client, "hro@example.org")
    set_new_password(client, delivered_link("hro@example.org"))

    browser = Client()
    assert sign_in(browser, "hro", NEW_PASSWORD, address="10.9.9.9").status_code == 429
    assert not is_signed_in(browser)


def test_reset_requests_are_throttled_per_address(client, holder, settings):
    settings.PASSWORD_RESET_LIMIT_PER_ADDRESS = 3
    for n in range(3):
        assert ask(client, "hro@example.org", address=f"10.0.1.{n}").status_code == 302

    refused = ask(client, "hro@example.org", address="10.0.2.1")

    assert refused.status_code == 429
    assert "Too many requests" in refused.text
    assert Message.objects.count() == 3
    # Another address, from the same client, still goes on.
    assert ask(client, "other@example.org", address="10.0.2.1").status_code == 302


def test_the_throttle_tells_nothing_of_whether_an_address_is_an_accounts(client, settings):
    settings.PASSWORD_RESET_LIMIT_PER_ADDRESS = 3
    for n in range(3):
        ask(client, "nobody@example.org", address=f"10.0.1.{n}")

    assert ask(client, "nobody@example.org", address="10.0.2.1").status_code == 429


def test_reset_requests_are_throttled_per_client_address(client, holder, settings):
    settings.PASSWORD_RESET_LIMIT_PER_IP = 10
    for n in range(10):
        assert ask(client, f"user{n}@example.org", address="10.0.3.1").status_code == 302

    assert ask(client, "hro@example.org", address="10.0.3.1").status_code == 429
    assert Message.objects.count() == 0
    assert ask(client, "hro@example.org", address="10.0.3.2").status_code == 302


def test_the_throttle_forgets_requests_after_its_window(client, holder, settings):
    settings.PASSWORD_RESET_LIMIT_PER_ADDRESS = 1
    settings.PASSWORD_RESET_THROTTLE_MINUTES = 60
    ask(client, "hro@example.org")
    assert ask(client, "hro@example.org").status_code == 429

    with time_machine.travel(timezone.now() + timedelta(minutes=61)):
        assert ask(client, "hro@example.org").status_code == 302


def test_the_stored_request_keeps_no_address_in_the_clear(client, holder):
    from hrddp.accounts.models import PasswordResetRequest

    ask(client, "hro@example.org")

    stored = PasswordResetRequest.objects.get()
    assert "hro" not in stored.email_digest
    assert urlsplit(f"//{stored.ip_address}").hostname == "10.0.0.1"
