"""API answers carry who calls and what they may see: no cache keeps them (issue 12, hole 11)."""

import pytest

pytestmark = pytest.mark.django_db


def test_trust_11_api_answers_to_a_token_are_not_stored(api_for, hro):
    response = api_for(hro).get("/api/v1/units/")

    assert response.status_code == 200
    directives = {part.strip() for part in response.headers["Cache-Control"].split(",")}
    assert {"no-store", "private"} <= directives


def test_trust_11_the_token_answer_is_not_stored(anonymous_api, hro):
    response = anonymous_api.post(
        "/api/v1/auth/token/", {"username": "hro", "password": "pw"}, format="json"
    )

    assert response.status_code == 200
    assert "no-store" in response.headers["Cache-Control"]
