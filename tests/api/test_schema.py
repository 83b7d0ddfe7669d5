"""The OpenAPI schema generates without a warning, and the docs page uses no CDN nor inline code."""

import re

import pytest
from django.contrib.staticfiles import finders
from django.core.management import call_command

pytestmark = pytest.mark.django_db


def test_schema_generates_and_validates_without_warnings(tmp_path):
    out = tmp_path / "schema.yaml"
    # --fail-on-warn raises on any warning; --validate checks it against the OpenAPI 3 spec.
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(out))
    text = out.read_text()
    assert "/api/v1/support-requests/{id}/transitions/:" in text
    assert "/api/v1/units/{id}/record/:" in text


def test_schema_names_the_domain_codes(client):
    response = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    schemas = response.json()["components"]["schemas"]
    assert "awaiting_decision" in schemas["RequestStatusEnum"]["enum"]
    assert schemas["FactorEnum"]["enum"] == [f"F{n}" for n in range(1, 9)]
    assert set(schemas["VerificationStatusEnum"]["enum"]) == {
        "alleged",
        "credible",
        "verified",
        "discounted",
    }
    assert "operational_training" in schemas["SupportTypesEnum"]["enum"]


def test_docs_page_serves_its_code_and_styles_as_files(client):
    response = client.get("/api/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "<style" not in html and " style=" not in html
    assert "http://" not in html and "https://" not in html
    sources = re.findall(r'<script src="([^"]+)"', html)
    assert len(sources) == len(html.split("<script")) - 1  # every script is a file
    assets = re.findall(r'(?:src|href)="(/static/[^"]+)"', html)
    assert any("swagger-ui-bundle" in url for url in assets)
    for url in assets:
        assert finders.find(url.removeprefix("/static/")), url
    script = client.get("/api/docs/?script=")
    assert script.status_code == 200
    assert "SwaggerUIBundle" in script.content.decode()
