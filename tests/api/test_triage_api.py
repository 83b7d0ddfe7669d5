"""The triage queue in the API (issue 16): the page's filters and sort, the confirmation's
preview, the day's undo and the bulk decisions, through the same functions as the pages."""

import datetime

import pytest
import time_machine
from django.utils import timezone

from hrddp.registry import services
from hrddp.registry.models import VerificationChange, VerificationStatus, Violation
from tests.factories import UnitFactory, ViolationFactory, active_request, category

pytestmark = pytest.mark.django_db

TRIAGE = "/api/v1/violations/triage/"
BULK = "/api/v1/violations/triage/bulk/"


def alleged(days_ago=0, **kwargs):
    kwargs.setdefault("category", category("looting"))
    violation = ViolationFactory(verification_status=VerificationStatus.ALLEGED, **kwargs)
    Violation.objects.filter(pk=violation.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=days_ago)
    )
    return violation


def ids(response):
    assert response.status_code == 200, response.data
    return [row["id"] for row in response.json()["results"]]


def test_api_triage_filters_grave_staff_reports_and_sorts_by_gravity(api_for, hro):
    eyewitness = alleged(days_ago=5, category=category("torture"), staff_report=True)
    alleged(days_ago=1, category=category("torture"))
    newest = alleged(days_ago=0)
    ViolationFactory(category=category("torture"), verification_status="verified")
    client = api_for(hro)
    assert ids(client.get(TRIAGE, {"grave": "true", "staff_report": "true"})) == [eyewitness.pk]
    assert ids(client.get(TRIAGE))[0] == newest.pk
    assert ids(client.get(TRIAGE, {"sort": "gravity"}))[-1] == newest.pk


@pytest.mark.parametrize("persona", ["ssr_advisor", "manager", "auditor", "administrator"])
def test_api_triage_is_for_hros(api_for, persona, request):
    client = api_for(request.getfixturevalue(persona))
    assert client.get(TRIAGE).status_code == 403
    assert client.post(BULK, {"status": "credible", "ids": [1]}, format="json").status_code == 403


def test_api_preview_says_what_verifying_sets_off(api_for, mission, ssr_advisor, hro, manager):
    brigade = UnitFactory(name="1st Brigade")
    active_request(mission, ssr_advisor, hro, manager, units=[brigade], title="Fuel")
    torture = alleged(category=category("torture"), units=[brigade])
    response = api_for(hro).get(
        f"/api/v1/violations/{torture.pk}/verification-preview/", {"status": "verified"}
    )
    assert response.status_code == 200, response.data
    data = response.json()
    assert (data["becomes_countable"], data["requests_to_review"]) == (True, 1)
    assert data["intervention_units"] == ["1st Brigade"]
    assert data["requests"][0]["title"] == "Fuel"
    torture.refresh_from_db()
    assert torture.verification_status == VerificationStatus.ALLEGED


def test_api_undo_same_day_then_refused_the_next_day(api_for, hro):
    violation = alleged()
    services.set_verification_status(violation, VerificationStatus.CREDIBLE, hro)
    url = f"/api/v1/violations/{violation.pk}/verification-undo/"
    with time_machine.travel(timezone.now() + datetime.timedelta(days=1), tick=False):
        response = api_for(hro).post(url, {"reason": "Late."}, format="json")
        assert response.status_code == 409
        assert response.json()["rule"] == "undo_same_day"
    response = api_for(hro).post(url, {"reason": "Mistake."}, format="json")
    assert response.status_code == 200, response.data
    assert response.json()["verification_status"] == "alleged"
    assert VerificationChange.objects.order_by("pk").last().note == "Mistake."


def test_api_bulk_writes_each_change_and_leaves_grave_cases(api_for, hro):
    obvious = [alleged(), alleged()]
    grave = alleged(category=category("torture"))
    response = api_for(hro).post(
        BULK, {"status": "credible", "ids": [v.pk for v in [*obvious, grave]]}, format="json"
    )
    assert response.status_code == 200, response.data
    assert response.json() == {"changed": [v.pk for v in obvious], "refused": [grave.pk]}
    assert VerificationChange.objects.count() == 2
