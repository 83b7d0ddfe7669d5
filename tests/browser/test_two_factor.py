"""A manager's first sign-in in the browser: the password, then the forced setup of an
authenticator app (the link emailed to the manager, then the secret shown on the page), then the
recovery codes, then the page they were going to."""

import re
from urllib.parse import urlsplit

import pytest
from django.core import mail
from django_otp.oath import TOTP
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def code_from_secret(secret):
    """What an authenticator app shows for the secret typed in by hand."""
    from base64 import b32decode

    key = b32decode(secret.replace(" ", "") + "=" * (-len(secret.replace(" ", "")) % 8))
    return f"{TOTP(key).token():06d}"


def test_a_managers_first_sign_in_sets_up_two_factor_then_goes_on(live_server, page, manager):
    manager.email = "manager@example.org"
    manager.save(update_fields=["email"])
    page.set_default_timeout(10_000)
    page.goto(f"{live_server.url}/requests/")
    page.get_by_label("Username").fill("manager")
    page.get_by_label("Password").fill("pw")
    page.get_by_role("button", name="Sign in").click()

    page.wait_for_url(f"{live_server.url}/accounts/two-factor/setup/**")
    page.get_by_role("button", name="Email me the link").click()
    expect(page.get_by_text("We emailed you a link")).to_be_visible()
    assert [message.to for message in mail.outbox] == [["manager@example.org"]]
    link = urlsplit(re.search(r"https?://\S+", mail.outbox[0].body).group(0))
    page.goto(f"{live_server.url}{link.path}?{link.query}")

    page.wait_for_url(f"{live_server.url}/accounts/two-factor/setup/**")
    qr_code = page.get_by_role("img", name="QR code of your two-factor secret")
    box = qr_code.locator("svg").bounding_box()
    assert box and box["width"] > 100
    secret = page.locator("#two-factor-secret").inner_text()
    page.get_by_label("Sign-in code").fill(code_from_secret(secret))
    page.get_by_role("button", name="Turn on two-factor sign-in").click()

    page.wait_for_url(f"{live_server.url}/accounts/two-factor/recovery-codes/**")
    expect(page.get_by_role("list", name="Your recovery codes").locator("li")).to_have_count(10)
    page.get_by_role("link", name="I have kept them: continue").click()
    page.wait_for_url(f"{live_server.url}/requests/")
    expect(page.locator("main h1")).to_have_count(1)
