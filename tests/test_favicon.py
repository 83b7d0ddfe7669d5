"""The favicon (issue 16): no 404 on every page. /favicon.ico answers (WhiteNoise, from static/root),
and every page names an SVG icon with the ICO as fallback."""

import pytest
from django.contrib.staticfiles import finders
from django.templatetags.static import static

pytestmark = pytest.mark.django_db


def test_favicon_ico_answers_at_the_sites_root(client):
    response = client.get("/favicon.ico")

    assert response.status_code == 200
    assert response["Content-Type"] in ("image/x-icon", "image/vnd.microsoft.icon")
    assert b"".join(response.streaming_content)[:4] == b"\x00\x00\x01\x00"  # an ICO header


def test_every_page_names_the_svg_favicon_and_the_ico_fallback(client):
    page = client.get("/accounts/login/").text

    assert f'<link rel="icon" href="{static("favicon.svg")}" type="image/svg+xml">' in page
    assert '<link rel="icon" href="/favicon.ico" sizes="any">' in page


def test_the_svg_favicon_is_a_static_file():
    path = finders.find("favicon.svg")

    assert path
    with open(path) as svg:
        assert svg.read().startswith("<svg")
