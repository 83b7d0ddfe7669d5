"""Security headers: with production settings every page carries a Content Security Policy
without 'unsafe-inline', HSTS and the usual headers; and no template needs 'unsafe-inline'.

The production case imports the settings in a fresh interpreter with DEBUG off, as
tests/test_settings.py does, and requests the login page through Django's test client over
HTTPS (the proxy's X-Forwarded-Proto in production). Only the static files storage is swapped:
the manifest it reads is written by collectstatic at deploy time.
"""

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from .test_settings import BASE_DIR, PRODUCTION, UNSET

EXPECTED_POLICY = {
    "default-src": {"'self'"},
    "script-src": {"'self'"},
    "style-src": {"'self'"},
    "img-src": {"'self'", "data:"},
    "font-src": {"'self'"},
    "connect-src": {"'self'"},
    "form-action": {"'self'"},
    "frame-ancestors": {"'none'"},
    "base-uri": {"'self'"},
    "object-src": {"'none'"},
}
EXPECTED_HEADERS = {
    "Strict-Transport-Security": "max-age=31536000; includeSubDomains; preload",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": ", ".join(
        f"{feature}=()"
        for feature in (
            "accelerometer",
            "autoplay",
            "browsing-topics",
            "camera",
            "display-capture",
            "geolocation",
            "gyroscope",
            "hid",
            "idle-detection",
            "magnetometer",
            "microphone",
            "midi",
            "payment",
            "serial",
            "usb",
            "xr-spatial-tracking",
        )
    ),
}

REQUEST_IN_PRODUCTION = """
import json
import django
django.setup()
from django.conf import settings
settings.STORAGES = {
    **settings.STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
from django.test import Client
client = Client()
host = {"host": "hrddp.example.org"}
secure = client.get("/accounts/login/", secure=True, headers=host)
plain = client.get("/accounts/login/", headers=host)
print(json.dumps({
    "status": secure.status_code,
    "headers": dict(secure.headers),
    "plain": [plain.status_code, plain.headers.get("Location")],
}))
"""


def policy(header):
    """The header's directives and their sources, as a dict of sets."""
    directives = {}
    for directive in header.split(";"):
        name, *sources = directive.split()
        directives[name] = set(sources)
    return directives


def production_response():
    completed = subprocess.run(
        [sys.executable, "-c", REQUEST_IN_PRODUCTION],
        cwd=BASE_DIR,
        env={**UNSET, **PRODUCTION, "DJANGO_SETTINGS_MODULE": "hrddp.settings"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert completed.returncode == 0, completed.stderr
    return json.loads(completed.stdout.splitlines()[-1])


def test_production_pages_carry_the_security_headers():
    response = production_response()

    assert response["status"] == 200
    headers = response["headers"]
    assert policy(headers["Content-Security-Policy"]) == EXPECTED_POLICY
    assert {name: headers.get(name) for name in EXPECTED_HEADERS} == EXPECTED_HEADERS
    # Plain HTTP is sent to HTTPS, where HSTS keeps the browser from then on.
    assert response["plain"] == [301, "https://hrddp.example.org/accounts/login/"]


def test_the_policy_allows_no_inline_script_or_style():
    header = production_response()["headers"]["Content-Security-Policy"]

    assert "unsafe" not in header
    assert policy(header)["script-src"] == {"'self'"}
    assert policy(header)["style-src"] == {"'self'"}


def test_development_pages_carry_the_same_policy(client):
    """So that a page breaking the policy shows at once in development and in the browser tests."""
    response = client.get("/accounts/login/")

    assert policy(response.headers["Content-Security-Policy"]) == EXPECTED_POLICY
    assert response.headers["X-Frame-Options"] == "DENY"


INLINE = re.compile(
    r"<script(?![^>]*\bsrc=)[^>]*>"  # a script without src
    r"|<style\b"  # a style block
    r"|\sstyle\s*="  # a style attribute
    r"|\son[a-z]+\s*=",  # an event handler attribute
    re.IGNORECASE,
)


def template_files():
    roots = [BASE_DIR / "templates", *BASE_DIR.glob("hrddp/*/templates")]
    roots.append(BASE_DIR / "assessments" / "templates")
    for root in roots:
        for path in Path(root).rglob("*"):
            if path.suffix in {".html", ".svg"}:
                yield path


def test_no_template_holds_inline_script_or_style():
    found = {
        str(path.relative_to(BASE_DIR)): INLINE.findall(path.read_text())
        for path in template_files()
    }

    assert len(found) > 50
    assert {path: hits for path, hits in found.items() if hits} == {}


# Answers that carry a user's identity are never cached


def not_stored(response):
    directives = {part.strip() for part in response.headers.get("Cache-Control", "").split(",")}
    return {"no-store", "private"} <= directives


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/", "/registry/units/", "/accounts/password/", "/api/v1/units/"])
def test_trust_11_answers_to_a_signed_in_user_are_not_stored(client, hro, path):
    client.force_login(hro)

    response = client.get(path)

    assert response.status_code == 200
    assert not_stored(response)
