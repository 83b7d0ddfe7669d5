"""``GET /api/v1/search/?q=`` (issue 15): the header's search, through the same function, with the
same visibility: people and violations for registry readers only."""

import pytest

from tests.factories import InstitutionFactory, PersonFactory, UnitFactory, api_client

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    army = InstitutionFactory(name="Mbuyi Defence Force")
    unit = UnitFactory(name="Mbuyi Battalion", institution=army)
    person = PersonFactory(name="Jean-Baptiste Mbuyi")
    return army, unit, person


def test_search_api_answers_sections_with_matcher_reasons(hro, world):
    army, unit, person = world
    response = api_client(hro).get("/api/v1/search/", {"q": "MBUYI Jean Baptiste"})
    assert response.status_code == 200
    data = response.json()
    assert set(data) == {"units", "people", "institutions", "violations"}
    (found,) = data["people"]["results"]
    assert found["id"] == person.pk and found["level"] == "likely"
    assert {"code": "word_order", "params": {}, "text": "the same names in another order"} in (
        found["reasons"]
    )
    assert data["people"]["list_url"] == "/registry/people/?q=MBUYI+Jean+Baptiste"
    units = api_client(hro).get("/api/v1/search/", {"q": "Mbuyi"}).json()["units"]
    assert units["results"] == [{"id": unit.pk, "name": unit.name, "institution": army.name}]
    assert units["more"] is False


def test_search_api_gives_ssr_advisors_no_people(ssr_advisor, world):
    data = api_client(ssr_advisor).get("/api/v1/search/", {"q": "Mbuyi"}).json()
    assert set(data) == {"units", "institutions"}


def test_search_api_refuses_anonymous_and_roleless_callers(no_role_user):
    assert api_client(None).get("/api/v1/search/", {"q": "x"}).status_code == 401
    assert api_client(no_role_user).get("/api/v1/search/", {"q": "x"}).status_code == 403
