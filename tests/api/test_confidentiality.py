"""Confidentiality (domain.md 7) in API responses: identities for HROs only, records as the unit
page shows them, other entities' work as if it did not exist."""

import datetime

import pytest
from django.utils import timezone

from hrddp.registry.models import Source
from hrddp.support.models import RequestStatus
from tests.factories import (
    AssignmentFactory,
    PersonFactory,
    SourceFactory,
    UnitFactory,
    ViolationFactory,
    make_request,
)

pytestmark = pytest.mark.django_db

IDENTITY = "Amina Witness-Identity"
CONTACT = "+000 555 0199"


@pytest.fixture
def violation(unit, hro):
    violation = ViolationFactory(units=[unit], reported_by=hro)
    SourceFactory(violation=violation)
    return violation


def test_hro_sees_sources_identities_and_who_reported(api_for, hro, violation):
    body = api_for(hro).get(f"/api/v1/violations/{violation.pk}/").json()
    assert body["sources"][0]["identity"] == IDENTITY
    assert body["sources"][0]["contact"] == CONTACT
    assert body["reported_by"] == "hro"


@pytest.mark.parametrize("persona", ["manager", "auditor", "administrator"])
def test_identities_are_absent_for_everyone_else(api_for, personas, persona, violation):
    response = api_for(personas[persona]).get(f"/api/v1/violations/{violation.pk}/")
    assert response.status_code == 200
    body = response.json()
    source = body["sources"][0]
    assert source["kind"] == "witness" and source["description"]
    for name in Source.IDENTITY_FIELDS:
        assert name not in source
    assert "reported_by" not in body
    assert IDENTITY not in response.content.decode()
    assert CONTACT not in response.content.decode()


@pytest.mark.parametrize("persona", ["manager", "auditor", "administrator", "hro"])
def test_violation_list_never_carries_identities(api_for, personas, persona, violation):
    response = api_for(personas[persona]).get("/api/v1/violations/")
    assert response.json()["count"] == 1
    assert IDENTITY not in response.content.decode()


def test_violation_write_response_to_an_hro_keeps_identities(api_for, hro, violation):
    response = api_for(hro).patch(
        f"/api/v1/violations/{violation.pk}/", {"location": "Kanda market"}, format="json"
    )
    assert response.status_code == 200, response.content
    assert response.json()["sources"][0]["identity"] == IDENTITY


# --- a unit's record --------------------------------------------------------------------------


@pytest.fixture
def record_unit(unit):
    child = UnitFactory(parent=unit, name="A Company")
    colonel = PersonFactory()
    AssignmentFactory(person=colonel, unit=unit, start=datetime.date(2020, 1, 1))
    recent = timezone.localdate() - datetime.timedelta(days=10)
    ViolationFactory(units=[child], date=recent, narrative="Secret narrative.")
    ViolationFactory(people=[colonel], date=recent - datetime.timedelta(days=5))
    return unit


def test_registry_reader_gets_the_record_by_route_with_flags(api_for, manager, record_unit):
    response = api_for(manager).get(f"/api/v1/units/{record_unit.pk}/record/")
    assert response.status_code == 200
    body = response.json()
    assert body["view"] == "full"
    assert len(body["routes"]["subtree"]["results"]) == 1
    assert len(body["routes"]["commanded_at_time"]["results"]) == 1
    assert len(body["routes"]["current_commanders"]["results"]) == 1
    assert body["routes"]["ancestors"]["results"] == []
    assert body["flags"] == {
        "recent_countable_grave": True,
        "recent_countable_grave_count": 2,
        "pattern": False,
        "current_commander_has_countable_grave": True,
    }
    assert "Secret narrative." not in response.content.decode()


def test_ssr_advisor_gets_the_summary_for_units_in_their_entitys_requests(
    api_for, mission, ssr_advisor, record_unit
):
    api = api_for(ssr_advisor)
    assert api.get(f"/api/v1/units/{record_unit.pk}/record/").status_code == 404
    make_request(mission, ssr_advisor, [record_unit], status=RequestStatus.SUBMITTED)
    response = api.get(f"/api/v1/units/{record_unit.pk}/record/")
    assert response.status_code == 200
    body = response.json()
    assert body["view"] == "summary"
    assert "routes" not in body
    assert body["summary"] == [
        {"category": "torture", "verification_status": "verified", "count": 2}
    ]
    assert body["flags"]["current_commander_has_countable_grave"] is True


def test_outsider_gets_no_record_of_another_entitys_recipient(
    api_for, mission, ssr_advisor, outsider, record_unit
):
    make_request(mission, ssr_advisor, [record_unit], status=RequestStatus.SUBMITTED)
    assert api_for(outsider).get(f"/api/v1/units/{record_unit.pk}/record/").status_code == 404


def test_record_of_a_missing_unit_is_404(api_for, hro):
    assert api_for(hro).get("/api/v1/units/999999/record/").status_code == 404


def test_ssr_advisor_sees_no_trigger_violation_of_an_intervention(
    api_for, mission, ssr_advisor, hro, manager, unit
):
    from assessments.monitoring import check_violation
    from tests.factories import active_request

    request = active_request(mission, ssr_advisor, hro, manager, units=[unit])
    violation = ViolationFactory(units=[unit], date=timezone.localdate())
    check_violation(violation.pk)
    intervention = request.interventions.get()
    as_ssr = api_for(ssr_advisor).get(f"/api/v1/interventions/{intervention.pk}/").json()
    as_hro = api_for(hro).get(f"/api/v1/interventions/{intervention.pk}/").json()
    assert "violation" not in as_ssr["trigger"]
    assert as_hro["trigger"]["violation"] == violation.pk
