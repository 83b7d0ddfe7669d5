"""A record's history through the API (issue 14), as its page shows it: ``history_of`` decides for
both which changes, fields and actors the caller may read; a record the caller may not see is 404;
50 changes a page, newest first, in a constant number of queries."""

from unittest import mock

import pghistory
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from hrddp.audit import history
from tests.factories import (
    AssignmentFactory,
    InstitutionFactory,
    PersonFactory,
    SourceFactory,
    UnitFactory,
    UserFactory,
    ViolationFactory,
)

pytestmark = pytest.mark.django_db

REGISTRY_READERS = ("hro", "manager", "auditor", "administrator")
STAFF_MEMBER = "a staff member"


def url_of(record):
    plural = {"Unit": "units", "Person": "people", "Violation": "violations"}
    plural["Institution"] = "institutions"
    return f"/api/v1/{plural[type(record).__name__]}/{record.pk}/history/"


def rename(obj, field, values):
    for value in values:
        setattr(obj, field, value)
        obj.save()


def entries(response):
    assert response.status_code == 200, response.content
    return response.json()["results"]


# The permission ladder: whoever may see the record's page, and only they.


def test_unit_history_is_for_whoever_browses_units(api_for, personas):
    unit = UnitFactory()
    rename(unit, "location", ["Kanda north"])
    for name, user in personas.items():
        response = api_for(user).get(url_of(unit))
        expected = {"anonymous": 401, "no_role": 403}.get(name, 200)
        assert response.status_code == expected, name
        if expected == 200:
            assert response.json()["results"][0]["changes"][0]["new"] == "Kanda north", name


@pytest.mark.parametrize("factory", [PersonFactory, ViolationFactory])
def test_person_and_violation_history_is_404_for_those_who_may_not_read_the_registry(
    api_for, personas, factory
):
    record = factory()
    for name, user in personas.items():
        expected = {"anonymous": 401, "no_role": 403, "ssr_advisor": 404, "outsider": 404}
        response = api_for(user).get(url_of(record))
        assert response.status_code == expected.get(name, 200), name


def test_a_record_that_does_not_exist_has_no_history(api_for, hro):
    assert api_for(hro).get("/api/v1/violations/999999/history/").status_code == 404


# Confidentiality: what the page hides, the API hides.


def test_a_units_commanders_are_in_its_history_for_registry_readers_only(
    api_for, personas, ssr_advisor
):
    unit = UnitFactory()
    AssignmentFactory(unit=unit, person=PersonFactory(name="Colonel Commander-Name"))
    for name in ("ssr_advisor", "outsider"):
        body = api_for(personas[name]).get(url_of(unit)).content.decode()
        assert "Command assignment" not in body and "Commander-Name" not in body, name
    for name in REGISTRY_READERS:
        whats = [row["what"] for row in entries(api_for(personas[name]).get(url_of(unit)))]
        assert any(what.startswith("Command assignment") for what in whats), name


def test_sources_history_is_for_human_rights_officers_only(api_for, hro, manager, auditor):
    source = SourceFactory(identity="Amina Witness-Identity")
    source.identity = "Second Identity-Name"
    source.contact = "secret-contact@example.org"
    source.save()
    violation = source.violation
    body = api_for(hro).get(url_of(violation)).content.decode()
    assert "Second Identity-Name" in body and "Amina Witness-Identity" in body
    for reader in (manager, auditor):
        response = api_for(reader).get(url_of(violation))
        body = response.content.decode()
        for secret in ("Amina Witness-Identity", "Second Identity-Name", "secret-contact"):
            assert secret not in body, reader.username
        assert not [row for row in entries(response) if row["what"].startswith("Source")]


@pytest.fixture
def reporter(db):
    return UserFactory(username="zq-staff-witness", first_name="Zebulon", last_name="Reporter")


@pytest.fixture
def staff_report(reporter):
    """A violation reported by a staff member (a witness, domain.md 7), saved as by them."""
    with pghistory.context(user=reporter.pk):
        violation = ViolationFactory(staff_report=True)
        violation.reported_by = reporter
        violation.location = "Kanda market"
        violation.save()
    return violation


def test_the_reporter_of_an_abuse_is_not_named_to_non_hros(
    api_for, staff_report, hro, manager, auditor, administrator
):
    for reader in (manager, auditor, administrator):
        response = api_for(reader).get(url_of(staff_report))
        body = response.content.decode()
        assert "Zebulon" not in body and "zq-staff-witness" not in body, reader.username
        rows = entries(response)
        assert rows and all(row["concealed"] and row["user"] is None for row in rows)
        fields = [change["field"] for row in rows for change in row["changes"]]
        assert "reported by" not in fields and "location" in fields
    rows = entries(api_for(hro).get(url_of(staff_report)))
    assert {row["user"] for row in rows} == {"Zebulon Reporter"}
    assert not any(row["concealed"] for row in rows)
    assert "reported by" in [change["field"] for row in rows for change in row["changes"]]


def test_the_page_and_the_api_show_the_same_changes(api_for, client_for, manager, staff_report):
    """One function, ``history_of``, for both: the page's rows are the API's rows."""
    page = client_for(manager).get(reverse("registry:violation_detail", args=[staff_report.pk]))
    rows = entries(api_for(manager).get(url_of(staff_report)))
    shown = page.content.decode().split("record-history", 1)[1]
    assert shown.count(STAFF_MEMBER) == len(rows)
    for row in rows:
        assert row["what"] in shown


def test_who_made_a_change_is_named_when_no_identity_is_at_stake(api_for, hro, auditor):
    institution = InstitutionFactory()
    api_for(hro).patch(
        f"/api/v1/institutions/{institution.pk}/", {"name": "Renamed"}, format="json"
    )
    [latest, *_older] = entries(api_for(auditor).get(url_of(institution)))
    assert latest["user"] == (hro.get_full_name() or hro.username)
    assert latest["concealed"] is False and latest["label"] == "changed"
    assert {"field": "name", "old": mock.ANY, "new": "Renamed"} in latest["changes"]


# Paging: newest first, 50 a page; a page that cannot exist is 404 (past the end) or 400.


def test_a_long_history_comes_a_page_at_a_time_newest_first(api_for, hro):
    unit = UnitFactory()
    rename(unit, "location", [f"Camp {n}" for n in range(history.LIMIT + 5)])
    api = api_for(hro)
    first = api.get(url_of(unit)).json()
    assert len(first["results"]) == history.LIMIT and first["previous"] is None
    older = api.get(first["next"]).json()
    assert older["next"] is None and older["previous"].endswith("/history/")
    assert len(older["results"]) == 6  # the last 5 changes, and the creation

    def news(body):
        return {change["new"] for row in body["results"] for change in row["changes"]}

    camps = {f"Camp {n}" for n in range(history.LIMIT + 5)}
    assert news(first) | news(older) == camps and not news(first) & news(older)
    assert api.get(url_of(unit), {"page": 3}).status_code == 404


@pytest.mark.parametrize("number", ["abc", "0", str(history.MAX_PAGE + 1)])
def test_a_page_that_is_not_a_page_number_is_a_400_on_the_field(api_for, hro, number):
    response = api_for(hro).get(url_of(UnitFactory()), {"page": number})
    assert response.status_code == 400 and "page" in response.json()


@pytest.mark.parametrize("factory", [UnitFactory, PersonFactory, ViolationFactory])
def test_history_reads_in_a_constant_number_of_queries(api_for, hro, factory):
    record = factory()
    field = {"Unit": "location", "Person": "rank", "Violation": "location"}
    name = field[type(record).__name__]
    api = api_for(hro)
    rename(record, name, ["First"])
    api.get(url_of(record))  # the token's first use of the minute writes its expiry
    with CaptureQueriesContext(connection) as few:
        assert api.get(url_of(record)).status_code == 200
    rename(record, name, [f"Later {n}" for n in range(10)])
    with CaptureQueriesContext(connection) as many:
        assert len(entries(api.get(url_of(record)))) >= 11
    assert len(many) == len(few)
