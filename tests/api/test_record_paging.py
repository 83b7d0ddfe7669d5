"""The API's unit record (issue 11): each route a page at a time, as on the record page, with
its counts and flags; the page parameters documented in the OpenAPI schema."""

import pytest

from tests.factories import (
    ViolationFactory,
    days_ago,
    unit_chain,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def tree():
    return unit_chain("Brigade", "Battalion", "Company")


def test_api_record_pages_each_route_and_keeps_the_flags(tree, api_for, manager):
    brigade, battalion, company = tree
    for n in range(27):
        ViolationFactory(units=[company], date=days_ago(n + 1))
    url = f"/api/v1/units/{battalion.pk}/record/"
    body = api_for(manager).get(url).json()
    subtree = body["routes"]["subtree"]
    assert (subtree["count"], subtree["page"], subtree["next_page"]) == (27, 1, 2)
    assert len(subtree["results"]) == 25
    assert body["flags"]["pattern"] is True and body["record_count"] == 27
    body = api_for(manager).get(url, {"subtree_page": 2}).json()
    assert len(body["routes"]["subtree"]["results"]) == 2
    assert body["routes"]["subtree"]["previous_page"] == 1
    assert body["routes"]["subtree"]["next_page"] is None


def test_api_schema_documents_the_record_page_parameters(api_for, manager):
    schema = api_for(manager).get("/api/schema/", {"format": "json"}).json()
    [path] = [p for p in schema["paths"] if p.endswith("/units/{id}/record/")]
    names = {parameter["name"] for parameter in schema["paths"][path]["get"]["parameters"]}
    assert {"subtree_page", "commanded_at_time_page", "current_commanders_page"} <= names
    assert "ancestors_page" in names
