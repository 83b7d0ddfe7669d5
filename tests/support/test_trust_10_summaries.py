"""Issue 12, hole 10: an SSR advisor could unlock any unit's record summary, and its current
commanders' flags, by naming the unit in a throwaway draft (domain.md 7: summaries are for units
of the entity's requests, not of a scratch pad)."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from assessments import workflow
from hrddp.support.models import SupportRequest
from tests.factories import (
    AssignmentFactory,
    PersonFactory,
    UnitFactory,
    ViolationFactory,
    api_client,
    make_request,
)

pytestmark = pytest.mark.django_db

SUMMARY_NOTE = "Summary of the record, as shown to SSR advisors"


@pytest.fixture
def guarded_unit():
    """A unit with a grave violation and a commander with one: what a summary would reveal."""
    unit = UnitFactory(name="Presidential Guard")
    colonel = PersonFactory()
    AssignmentFactory(person=colonel, unit=unit, start=datetime.date(2020, 1, 1))
    recent = timezone.localdate() - datetime.timedelta(days=10)
    ViolationFactory(units=[unit], date=recent)
    ViolationFactory(people=[colonel], date=recent)
    return unit


def test_trust_10_a_draft_unlocks_no_summary(client_for, mission, ssr_advisor, guarded_unit):
    make_request(mission, ssr_advisor, [guarded_unit], title="Throwaway")
    page = client_for(ssr_advisor).get(reverse("registry:unit_detail", args=[guarded_unit.pk]))
    assert page.status_code == 200
    assert SUMMARY_NOTE not in page.content.decode()
    response = api_client(ssr_advisor).get(f"/api/v1/units/{guarded_unit.pk}/record/")
    assert response.status_code == 404


def test_trust_10_a_submitted_request_opens_the_summary(
    client_for, mission, ssr_advisor, guarded_unit
):
    request = make_request(mission, ssr_advisor, [guarded_unit])
    workflow.apply(request.pk, "submit", ssr_advisor)
    page = client_for(ssr_advisor).get(reverse("registry:unit_detail", args=[guarded_unit.pk]))
    assert SUMMARY_NOTE in page.content.decode()
    body = api_client(ssr_advisor).get(f"/api/v1/units/{guarded_unit.pk}/record/").json()
    assert body["view"] == "summary"
    assert body["flags"]["current_commander_has_countable_grave"] is True


def test_trust_10_a_draft_withdrawn_unlocks_no_summary(
    client_for, mission, ssr_advisor, manager, guarded_unit
):
    request = make_request(mission, ssr_advisor, [guarded_unit], title="Throwaway")
    workflow.apply(request.pk, "withdraw", manager, reason="Never mind.")
    response = api_client(ssr_advisor).get(f"/api/v1/units/{guarded_unit.pk}/record/")
    assert response.status_code == 404


def request_form(entity, units):
    return {
        "entity": entity.pk,
        "title": "Rations",
        "policy_types": ["logistics"],
        "description": "Dry rations.",
        "recipient_units": [u.pk for u in units],
        "currency": "USD",
        "urgency": "routine",
    }


def test_trust_10_a_request_names_at_most_the_recipient_cap_on_the_page(
    client_for, settings, mission, ssr_advisor
):
    settings.MAX_RECIPIENT_UNITS = 20
    units = [UnitFactory() for _ in range(21)]
    client = client_for(ssr_advisor)
    response = client.post(reverse("support:create"), request_form(mission, units))
    assert response.status_code == 200
    assert "at most 20 recipient units" in response.content.decode()
    assert not SupportRequest.objects.exists()
    response = client.post(reverse("support:create"), request_form(mission, units[:20]))
    assert response.status_code == 302
    assert SupportRequest.objects.get().recipient_units.count() == 20


def test_trust_10_a_request_names_at_most_the_recipient_cap_in_the_api(
    settings, mission, ssr_advisor
):
    settings.MAX_RECIPIENT_UNITS = 20
    units = [UnitFactory() for _ in range(21)]
    body = {
        "entity": "mission",
        "title": "Rations",
        "support_types": ["logistics"],
        "recipient_units": [u.pk for u in units],
        "currency": "USD",
    }
    response = api_client(ssr_advisor).post("/api/v1/support-requests/", body, format="json")
    assert response.status_code == 400
    assert "at most 20 recipient units" in " ".join(response.json()["recipient_units"])
    assert not SupportRequest.objects.exists()
    request = make_request(mission, ssr_advisor, units[:1])
    response = api_client(ssr_advisor).patch(
        f"/api/v1/support-requests/{request.pk}/",
        {"recipient_units": [u.pk for u in units]},
        format="json",
    )
    assert response.status_code == 400
    assert request.recipient_units.count() == 1
