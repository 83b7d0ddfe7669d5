"""Browser tests: Playwright driving headless Chromium against the live test server.

Chromium comes from the system (Debian's ``chromium`` package) when present, so nothing is
downloaded; elsewhere ``make test`` installs Playwright's own build first.
"""

import os
import shutil

import pytest

# Playwright's sync API runs an event loop in the test thread; the test itself only reads and
# writes the database between browser steps, never concurrently with it.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    args = {**browser_type_launch_args, "args": CHROMIUM_FLAGS}
    executable = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium")
    if executable:
        args["executable_path"] = executable
    return args


def authenticator_code(user):
    """The code the user's authenticator app shows now (made for them if they have none). Each code
    is accepted once: the device forgets the last one used, so signing in twice within 30 seconds
    works as it would a minute apart."""
    from django_otp.oath import TOTP
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    TOTPDevice.objects.filter(pk=device.pk).update(last_t=-1)
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():0{device.digits}d}"


@pytest.fixture
def sign_in(page, live_server):
    """Signs in through the form; a user whose role requires two-factor sign-in then enters the
    code from their authenticator app."""
    from django.contrib.auth import get_user_model

    from hrddp.accounts.access import must_use_two_factor

    page.set_default_timeout(10_000)

    def as_user(username, password="pw"):
        user = get_user_model().objects.get(username=username)
        code = authenticator_code(user) if must_use_two_factor(user) else None
        page.context.clear_cookies()
        page.goto(f"{live_server.url}/accounts/login/")
        page.get_by_label("Username").fill(username)
        page.get_by_label("Password").fill(password)
        page.get_by_role("button", name="Sign in").click()
        if code:
            page.wait_for_url(f"{live_server.url}/accounts/two-factor/verify/**")
            page.get_by_label("Sign-in code").fill(code)
            page.get_by_role("button", name="Verify").click()
        page.wait_for_url(f"{live_server.url}/")
        return page

    return as_user
