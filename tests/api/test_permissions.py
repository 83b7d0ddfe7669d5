"""Each resource's permission ladder: the same roles as the pages, 401 for a call without
credentials, 403 for a role that never may, 404 for a record the caller may not see."""

import datetime

import pytest
from django.utils import timezone

from assessments import workflow
from assessments.monitoring import check_violation
from hrddp.registry.models import Person, Unit
from hrddp.support.models import Communication, CommunicationKind
from tests.factories import (
    AssignmentFactory,
    InstitutionFactory,
    PersonFactory,
    UnitFactory,
    ViolationFactory,
    active_request,
)

pytestmark = pytest.mark.django_db

PERSONAS = ("anonymous", "no_role", "ssr_advisor", "outsider", "hro", "manager", "auditor")
PERSONAS += ("administrator",)
EVERY_ROLE = {p: 200 for p in PERSONAS} | {"anonymous": 401, "no_role": 403}
REGISTRY_READERS = EVERY_ROLE | {"ssr_advisor": 403, "outsider": 403}

LISTS = {
    "institutions": EVERY_ROLE,
    "units": EVERY_ROLE,
    "people": REGISTRY_READERS,
    "command-assignments": REGISTRY_READERS,
    "violations": REGISTRY_READERS,
    "support-requests": EVERY_ROLE,
    "assessments": EVERY_ROLE,
    "interventions": EVERY_ROLE,
    "communications": EVERY_ROLE,
    "policy-settings": EVERY_ROLE,
}


@pytest.mark.parametrize("resource", LISTS)
def test_list_ladder(resource, personas, api_for):
    for persona, expected in LISTS[resource].items():
        response = api_for(personas[persona]).get(f"/api/v1/{resource}/")
        assert response.status_code == expected, (persona, response.content)


def test_anonymous_call_is_told_to_authenticate_with_a_token(anonymous_api):
    response = anonymous_api.get("/api/v1/units/")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"


def test_session_authentication_works_for_the_browser(client_for, hro):
    response = client_for(hro).get("/api/v1/violations/")
    assert response.status_code == 200


@pytest.fixture
def records(mission, ssr_advisor, hro, manager, unit):
    """One record of each kind, the request side belonging to the mission."""
    person = PersonFactory()
    assignment = AssignmentFactory(person=person, unit=unit)
    request = active_request(mission, ssr_advisor, hro, manager, units=[unit])
    communication = Communication.objects.filter(request=request).first()
    violation = ViolationFactory(
        units=[unit], date=timezone.localdate() - datetime.timedelta(days=1)
    )
    check_violation(violation.pk)  # what the task does once the attribution commits
    intervention = request.interventions.get()
    return {
        "institutions": unit.institution,
        "units": unit,
        "people": person,
        "command-assignments": assignment,
        "violations": violation,
        "support-requests": request,
        "assessments": workflow.current_assessment(request),
        "interventions": intervention,
        "communications": communication,
    }


REGISTRY_DETAIL = EVERY_ROLE | {"ssr_advisor": 404, "outsider": 404}
ENTITY_DETAIL = EVERY_ROLE | {"outsider": 404}
DETAILS = {
    "institutions": EVERY_ROLE,
    "units": EVERY_ROLE,
    "people": REGISTRY_DETAIL,
    "command-assignments": REGISTRY_DETAIL,
    "violations": REGISTRY_DETAIL,
    "support-requests": ENTITY_DETAIL,
    "assessments": ENTITY_DETAIL,
    "interventions": ENTITY_DETAIL,
    "communications": ENTITY_DETAIL,
}


@pytest.mark.parametrize("resource", DETAILS)
def test_retrieve_ladder(resource, records, personas, api_for):
    record = records[resource]
    assert record is not None
    for persona, expected in DETAILS[resource].items():
        response = api_for(personas[persona]).get(f"/api/v1/{resource}/{record.pk}/")
        assert response.status_code == expected, (persona, response.content)


def test_outsider_lists_hold_nothing_of_the_other_entity(records, outsider, api_for):
    api = api_for(outsider)
    for resource in ("support-requests", "assessments", "interventions", "communications"):
        response = api.get(f"/api/v1/{resource}/")
        assert response.status_code == 200
        assert response.json()["count"] == 0, resource


# --- writes ---------------------------------------------------------------------------------

HRO_ONLY = {p: 403 for p in PERSONAS} | {"anonymous": 401, "hro": 201}


def registry_bodies():
    institution = InstitutionFactory()
    unit = UnitFactory(institution=institution)
    person = PersonFactory()
    return {
        "institutions": lambda n: {"name": f"Gendarmerie {n}", "kind": "gendarmerie"},
        "units": lambda n: {"name": f"Unit {n}", "institution": institution.pk, "parent": unit.pk},
        "people": lambda n: {"name": f"Person {n}", "rank": "Major", "aliases": ["Alias"]},
        "command-assignments": lambda n: {
            "person": person.pk,
            "unit": unit.pk,
            "role": "commander",
            "start": "2024-01-01",
        },
        "violations": lambda n: {
            "date": "2024-03-01",
            "location": f"Village {n}",
            "narrative": "What happened.",
            "category": "torture",
            "attributions": [{"unit": unit.pk, "responsibility": "direct"}],
        },
    }


@pytest.mark.parametrize(
    "resource", ["institutions", "units", "people", "command-assignments", "violations"]
)
def test_registry_create_ladder_only_hros_write(resource, personas, api_for):
    body = registry_bodies()[resource]
    for n, (persona, expected) in enumerate(HRO_ONLY.items()):
        response = api_for(personas[persona]).post(f"/api/v1/{resource}/", body(n), format="json")
        assert response.status_code == expected, (persona, response.content)


UPDATES = {
    "institutions": ("country", "Country"),
    "units": ("location", "Kanda"),
    "people": ("rank", "General"),
    "command-assignments": ("role", "deputy"),
    "violations": ("location", "Bora"),
}


@pytest.mark.parametrize("resource", UPDATES)
def test_registry_update_ladder(resource, records, personas, api_for):
    """Only HROs edit; someone who may not read the record at all is refused by role first,
    as the pages' role_required() does before any lookup."""
    record = records[resource]
    field, value = UPDATES[resource]
    for persona, expected in (HRO_ONLY | {"hro": 200}).items():
        response = api_for(personas[persona]).patch(
            f"/api/v1/{resource}/{record.pk}/", {field: value}, format="json"
        )
        assert response.status_code == expected, (persona, response.content)
    record.refresh_from_db()
    assert getattr(record, field) == value


def test_ssr_advisor_drafts_requests_for_their_own_entity_only(personas, api_for, unit, mission):
    body = {
        "entity": "mission",
        "title": "Rations",
        "support_types": ["logistics"],
        "recipient_units": [unit.pk],
        "description": "Rations for the battalion.",
    }
    expected = {p: 403 for p in PERSONAS} | {
        "anonymous": 401,
        "ssr_advisor": 201,
        # An SSR advisor of another entity: the mission is no entity of theirs.
        "outsider": 400,
    }
    for persona, code in expected.items():
        response = api_for(personas[persona]).post("/api/v1/support-requests/", body, format="json")
        assert response.status_code == code, (persona, response.content)
    assert mission.support_requests.get().created_by == personas["ssr_advisor"]


def test_communication_ladder(personas, api_for, draft_request):
    body = {
        "request": draft_request.pk,
        "kind": "other",
        "date": "2025-01-02",
        "counterpart": "Chief of Staff",
        "summary": "Meeting.",
    }
    expected = {p: 403 for p in PERSONAS} | {
        "anonymous": 401,
        "ssr_advisor": 201,
        "hro": 201,
        "manager": 201,
        # Another entity's request does not exist for the outsider.
        "outsider": 400,
    }
    for persona, code in expected.items():
        response = api_for(personas[persona]).post("/api/v1/communications/", body, format="json")
        assert response.status_code == code, (persona, response.content)
    assert draft_request.communications.count() == 3
    assert all(c.kind == CommunicationKind.OTHER for c in draft_request.communications.all())


def test_support_request_edit_by_its_entity_ssr_advisor_while_draft(
    personas, api_for, draft_request
):
    expected = {p: 403 for p in PERSONAS} | {
        "anonymous": 401,
        "ssr_advisor": 200,
        "outsider": 404,
    }
    for persona, code in expected.items():
        response = api_for(personas[persona]).patch(
            f"/api/v1/support-requests/{draft_request.pk}/", {"title": persona}, format="json"
        )
        assert response.status_code == code, (persona, response.content)
    draft_request.refresh_from_db()
    assert draft_request.title == "ssr_advisor"


def test_submitted_request_is_no_longer_edited(api_for, draft_request, ssr_advisor):
    workflow.apply(draft_request.pk, "submit", ssr_advisor)
    response = api_for(ssr_advisor).patch(
        f"/api/v1/support-requests/{draft_request.pk}/", {"title": "Changed"}, format="json"
    )
    assert response.status_code == 409
    draft_request.refresh_from_db()
    assert draft_request.title == "Fuel for patrols"


def test_registry_records_are_not_deleted(api_for, hro):
    unit = UnitFactory()
    response = api_for(hro).delete(f"/api/v1/units/{unit.pk}/")
    assert response.status_code == 405
    assert Unit.objects.filter(pk=unit.pk).exists() and Person.objects.count() == 0
