"""Interventions' actions and letters through the API, as on the intervention page."""

import datetime

import pytest
from django.utils import timezone

from assessments.monitoring import check_violation
from hrddp.support.models import RequestStatus
from tests.factories import ViolationFactory, active_request

pytestmark = pytest.mark.django_db


@pytest.fixture
def intervention(mission, ssr_advisor, hro, manager, unit):
    request = active_request(mission, ssr_advisor, hro, manager, units=[unit])
    check_violation(ViolationFactory(units=[unit], date=timezone.localdate()).pk)
    return request.interventions.get()


def act(api, intervention, action, reason="Because."):
    return api.post(
        f"/api/v1/interventions/{intervention.pk}/actions/",
        {"action": action, "reason": reason},
        format="json",
    )


def test_intervention_ladder(api_for, personas, intervention):
    expected = {
        "anonymous": 401,
        "no_role": 403,
        "ssr_advisor": 403,
        "auditor": 403,
        "administrator": 403,
        "outsider": 403,
    }
    for persona, code in expected.items():
        assert act(api_for(personas[persona]), intervention, "escalate").status_code == code


def test_hro_escalates_and_the_manager_suspends(api_for, hro, manager, intervention):
    detail = api_for(hro).get(f"/api/v1/interventions/{intervention.pk}/").json()
    assert set(detail["allowed_actions"]) == {"escalate", "resolve"}
    response = act(api_for(hro), intervention, "escalate")
    assert response.status_code == 200 and response.json()["status"] == "escalated"
    assert act(api_for(hro), intervention, "suspend").status_code == 403
    assert act(api_for(manager), intervention, "suspend", reason="").status_code == 400
    response = act(api_for(manager), intervention, "suspend", reason="No response.")
    assert response.status_code == 200 and response.json()["status"] == "suspended"
    intervention.request.refresh_from_db()
    assert intervention.request.status == RequestStatus.SUSPENDED
    assert act(api_for(manager), intervention, "resolve").status_code == 409


def test_intercession_letter_on_the_intervention(api_for, hro, ssr_advisor, intervention):
    body = {
        "request": intervention.request_id,
        "intervention": intervention.pk,
        "kind": "intercession",
        "date": timezone.localdate().isoformat(),
        "counterpart": "Chief of Staff",
        "summary": "Letter.",
    }
    assert api_for(hro).post("/api/v1/communications/", body, format="json").status_code == 201
    # The intervention's form offers intercession and response only.
    wrong = api_for(hro).post(
        "/api/v1/communications/", {**body, "kind": "suspension"}, format="json"
    )
    assert wrong.status_code == 400 and "kind" in wrong.json()
    # An SSR advisor records letters on requests, not for interventions.
    assert (
        api_for(ssr_advisor).post("/api/v1/communications/", body, format="json").status_code == 403
    )
    listed = api_for(ssr_advisor).get(f"/api/v1/communications/?intervention={intervention.pk}")
    assert listed.json()["count"] == 1


def test_overdue_filter_lists_open_interventions_past_their_response_date(
    api_for, hro, intervention
):
    api = api_for(hro)

    def listed(query):
        return [row["id"] for row in api.get(f"/api/v1/interventions/?{query}").json()["results"]]

    assert listed("overdue=true") == [] and listed("overdue=false") == [intervention.pk]
    intervention.response_due = timezone.localdate() - datetime.timedelta(days=1)
    intervention.save(update_fields=["response_due"])
    assert listed("overdue=true") == [intervention.pk] and listed("overdue=false") == []
    assert api.get(f"/api/v1/interventions/{intervention.pk}/").json()["overdue"] is True
