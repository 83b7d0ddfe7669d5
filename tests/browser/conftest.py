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


@pytest.fixture
def sign_in(page, live_server):
    page.set_default_timeout(10_000)

    def as_user(username, password="pw"):
        page.context.clear_cookies()
        page.goto(f"{live_server.url}/accounts/login/")
        page.get_by_label("Username").fill(username)
        page.get_by_label("Password").fill(password)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_url(f"{live_server.url}/")
        return page

    return as_user
