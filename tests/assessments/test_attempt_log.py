"""Every attempt at a state change, allowed or refused, records who, when, action, from, to, why,
and the rule that refused it; interventions keep the same log; history cannot be edited by anyone
(domain.md 4.5). Issue 13, part 2."""

import datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import ProgrammingError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from assessments import monitoring, workflow
from assessments.models import (
    Intervention,
    InterventionStatus,
    InterventionTransition,
    MeasureStatus,
    Transition,
)
from hrddp.support.models import RequestStatus, SupportRequest
from tests.assessments.conftest import START, day
from tests.factories import ViolationFactory, add_risk, api_client, make_request

pytestmark = pytest.mark.django_db


def refused(request, **filters):
    return list(Transition.objects.filter(request=request, allowed=False, **filters))


def log_rows(request):
    return list(
        Transition.objects.filter(request=request).values_list(
            "action", "from_status", "to_status", "allowed", "rules"
        )
    )


def page_action(client, support_request, action, **fields):
    data = {"action": action, **{f"{action}-{name}": value for name, value in fields.items()}}
    return client.post(reverse("support:transition", args=[support_request.pk]), data)


def capacity_at_medium_risk(assessment):
    """Residual risk medium, with a measure that is no accountability safeguard: D6 refuses."""
    add_risk(assessment, 3, 3, measures=[("non_lethal_only", MeasureStatus.AGREED)])


@pytest.fixture
def intervention(draft_request, activate, unit):
    """An open intervention on the 3rd Battalion, opened by the trigger at START."""
    activate(draft_request)
    with time_machine.travel(START, tick=False):
        violation = ViolationFactory(units=[unit], location="Kibati", date=day(-3))
        [trigger] = monitoring.check_violation(violation.pk)
    return trigger.intervention


# --- requests: refused attempts are rows --------------------------------------------------------


def test_every_attempt_is_recorded_a_refused_approve_names_d6_on_the_page(
    client_for, draft_request, to_decision, manager
):
    to_decision(draft_request, capacity_at_medium_risk)
    response = page_action(client_for(manager), draft_request, "approve", reason="Fine.")
    assert response.status_code == 409
    draft_request.refresh_from_db()
    assert draft_request.status == RequestStatus.AWAITING_DECISION
    [row] = refused(draft_request)
    assert (row.action, row.from_status, row.to_status) == (
        "approve",
        RequestStatus.AWAITING_DECISION,
        RequestStatus.APPROVED,  # where the action would have led
    )
    assert row.rules == ["D6"] and row.actor == manager and row.reason == "Fine."
    assert row.at is not None and row.assessment == workflow.current_assessment(draft_request)
    page = client_for(manager).get(reverse("support:detail", args=[draft_request.pk]))
    text = page.content.decode()
    assert "Refused" in text
    assert "Capacity support at medium risk or above: an accountability safeguard" in text
    assert "<code>D6</code>" in text


def test_every_attempt_is_recorded_a_refused_approve_through_the_api_is_in_its_log(
    draft_request, to_decision, manager, hro
):
    to_decision(draft_request, capacity_at_medium_risk)
    api = api_client(manager)
    url = f"/api/v1/support-requests/{draft_request.pk}/transitions/"
    response = api.post(url, {"action": "approve", "reason": "Fine."}, format="json")
    assert response.status_code == 409 and response.json()["rule"] == "D6"
    body = api_client(hro).get(url).json()
    assert body["count"] == 4  # submit, start, submit for decision, the refused approve
    newest = body["results"][0]
    assert newest["action"] == "approve" and newest["allowed"] is False
    assert newest["rules"] == ["D6"] and newest["actor"] == "manager"
    assert newest["from_status"] == "awaiting_decision" and newest["to_status"] == "approved"
    assert newest["rule_titles"] == [
        "Capacity support at medium risk or above: an accountability safeguard"
    ]
    assert [row["allowed"] for row in body["results"][1:]] == [True, True, True]


def test_every_attempt_is_recorded_an_approve_on_an_expired_assessment_names_d1(
    draft_request, to_decision, manager
):
    with time_machine.travel(START, tick=False):
        to_decision(draft_request)
    with time_machine.travel(START + datetime.timedelta(days=366), tick=False):
        with pytest.raises(workflow.TransitionBlocked) as refusal:
            workflow.apply(draft_request.pk, "approve", manager, reason="Still fine.")
    assert refusal.value.rules[0] == "D1"
    [row] = refused(draft_request)
    assert row.rules[0] == "D1" and row.rules == list(refusal.value.rules)


def test_every_attempt_is_recorded_a_refusal_by_role(draft_request, to_decision, hro):
    to_decision(draft_request)
    with pytest.raises(workflow.RoleRefused):
        workflow.apply(draft_request.pk, "approve", hro, reason="I decide.")
    [row] = refused(draft_request)
    assert (row.action, row.actor, row.rules) == ("approve", hro, ["role"])
    assert row.to_status == RequestStatus.APPROVED


def test_every_attempt_is_recorded_a_refusal_by_state(draft_request, ssr_advisor):
    workflow.apply(draft_request.pk, "submit", ssr_advisor)
    with pytest.raises(workflow.TransitionError) as refusal:
        workflow.apply(draft_request.pk, "submit", ssr_advisor)
    assert refusal.value.rules == ("state",)  # re-raised unchanged
    assert log_rows(draft_request) == [
        ("submit", "draft", "submitted", True, []),
        ("submit", "submitted", "submitted", False, ["state"]),
    ]


def test_every_attempt_is_recorded_a_missing_reason_on_the_page(
    client_for, draft_request, ssr_advisor, hro
):
    workflow.apply(draft_request.pk, "submit", ssr_advisor)
    assert page_action(client_for(hro), draft_request, "return").status_code == 409
    [row] = refused(draft_request)
    assert (row.action, row.rules, row.reason) == ("return", ["reason"], "")


def test_every_attempt_is_recorded_an_action_without_target_keeps_the_state(
    draft_request, activate, hro
):
    activate(draft_request)
    with pytest.raises(workflow.TransitionBlocked):
        workflow.apply(draft_request.pk, "submit_version", hro)
    [row] = refused(draft_request)
    assert row.from_status == row.to_status == RequestStatus.ACTIVE
    assert row.rules == ["assessment"]


def test_an_unknown_action_is_not_an_attempt(draft_request, ssr_advisor):
    with pytest.raises(workflow.TransitionError):
        workflow.apply(draft_request.pk, "teleport", ssr_advisor)
    assert not Transition.objects.filter(request=draft_request).exists()


def test_allowed_rows_are_unchanged(draft_request, to_decision, manager):
    to_decision(draft_request)
    returned = workflow.apply(draft_request.pk, "reject", manager, reason="Too risky.")
    assert returned.allowed is True and returned.rules == []
    assert log_rows(draft_request) == [
        ("submit", "draft", "submitted", True, []),
        ("start_assessment", "submitted", "under_assessment", True, []),
        ("submit_for_decision", "under_assessment", "awaiting_decision", True, []),
        ("reject", "awaiting_decision", "rejected", True, []),
    ]


# --- interventions: their own rows -------------------------------------------------------------


def test_intervention_steps_are_rows_opened_by_the_system(intervention):
    [row] = intervention.transitions.all()
    assert (row.action, row.from_status, row.to_status, row.allowed) == (
        "open",
        "",
        InterventionStatus.OPEN,
        True,
    )
    assert row.actor is None


def test_intervention_steps_are_rows_allowed_and_refused_and_outcome_is_not_appended(
    client_for, intervention, hro, manager
):
    workflow.apply_intervention(intervention.pk, "escalate", hro, reason="No answer.")
    with pytest.raises(workflow.RoleRefused):
        workflow.apply_intervention(intervention.pk, "continue", hro, reason="Mine to decide.")
    with pytest.raises(workflow.TransitionError):
        workflow.apply_intervention(intervention.pk, "escalate", hro, reason="Again.")
    url = reverse("assessments:intervention_action", args=[intervention.pk])
    blank = client_for(manager).post(url, {"action": "resolve", "resolve-reason": "  "})
    assert blank.status_code == 400
    workflow.apply_intervention(intervention.pk, "resolve", manager, reason="Officers suspended.")
    rows = list(
        intervention.transitions.values_list(
            "action", "from_status", "to_status", "allowed", "rules", "reason"
        )
    )
    assert rows == [
        ("open", "", "open", True, [], ""),
        ("escalate", "open", "escalated", True, [], "No answer."),
        ("continue", "escalated", "continued", False, ["role"], "Mine to decide."),
        ("escalate", "escalated", "escalated", False, ["state"], "Again."),
        ("resolve", "escalated", "resolved", False, ["reason"], ""),
        ("resolve", "escalated", "resolved", True, [], "Officers suspended."),
    ]
    intervention.refresh_from_db()
    assert intervention.status == InterventionStatus.RESOLVED
    assert intervention.outcome == ""


def test_intervention_steps_are_rows_a_suspension_logs_the_requests_it_suspends(
    intervention, manager, draft_request
):
    workflow.apply_intervention(intervention.pk, "suspend", manager, reason="Pattern.")
    assert intervention.transitions.last().action == "suspend"
    assert Transition.objects.filter(
        request=draft_request, action="suspend", allowed=True, actor=manager
    ).exists()


def test_every_attempt_is_recorded_a_suspension_that_lost_a_race(
    intervention, manager, draft_request, mission, ssr_advisor, unit, monkeypatch
):
    """A request chosen for suspension that another change moved on first: the whole step is
    refused and both the request's and the intervention's attempts are in their logs."""
    other = make_request(mission, ssr_advisor, [unit], title="Rations")
    SupportRequest.objects.filter(pk=other.pk).update(status=RequestStatus.LAPSED)
    # Chosen as monitored, found lapsed when locked: the race, made certain.
    monkeypatch.setattr(
        workflow, "MONITORED_STATES", (*workflow.MONITORED_STATES, RequestStatus.LAPSED)
    )
    with pytest.raises(workflow.TransitionError):
        workflow.apply_intervention(intervention.pk, "suspend", manager, reason="Pattern.")
    intervention.refresh_from_db()
    assert intervention.status == InterventionStatus.OPEN
    step = intervention.transitions.last()
    assert (step.action, step.allowed, step.rules) == ("suspend", False, ["state"])
    [row] = refused(other)
    assert (row.action, row.from_status, row.rules) == ("suspend", "lapsed", ["state"])
    # The request suspended before the refusal was rolled back with it.
    assert not Transition.objects.filter(request=draft_request, action="suspend").exists()


def test_intervention_page_shows_its_log_and_old_notes_only_when_there_are_some(
    client_for, intervention, hro
):
    with pytest.raises(workflow.TransitionBlocked):
        workflow.apply_intervention(intervention.pk, "escalate", hro, reason="")
    url = reverse("assessments:intervention_detail", args=[intervention.pk])
    text = client_for(hro).get(url).content.decode()
    assert "Transition log" in text and "Opened on a trigger" in text
    assert "Refused" in text and "A reason is required" in text and "<code>reason</code>" in text
    assert "Notes recorded before the transition log" not in text
    Intervention.objects.filter(pk=intervention.pk).update(outcome="Escalate: no answer.")
    text = client_for(hro).get(url).content.decode()
    assert "Notes recorded before the transition log" in text and "no answer." in text


def test_intervention_api_serves_its_log_and_keeps_outcome_readable(intervention, hro, manager):
    workflow.apply_intervention(intervention.pk, "escalate", hro, reason="No answer.")
    response = api_client(hro).post(
        f"/api/v1/interventions/{intervention.pk}/actions/",
        {"action": "escalate", "reason": "Twice."},
        format="json",
    )
    assert response.status_code == 409
    api = api_client(manager)
    detail = api.get(f"/api/v1/interventions/{intervention.pk}/").json()
    assert detail["outcome"] == ""
    assert [(r["action"], r["allowed"]) for r in detail["transitions"]] == [
        ("escalate", False),
        ("escalate", True),
        ("open", True),
    ]
    log = api.get(f"/api/v1/interventions/{intervention.pk}/transitions/").json()
    assert log["count"] == 3 and log["results"][0]["rules"] == ["state"]
    assert log["results"][2]["actor"] is None


# --- history cannot be edited ------------------------------------------------------------------


@pytest.mark.parametrize("table", ["assessments_transition", "assessments_interventiontransition"])
def test_history_cannot_be_edited_refused_rows_and_intervention_rows(
    intervention, hro, manager, table
):
    with pytest.raises(workflow.RoleRefused):
        workflow.apply_intervention(intervention.pk, "suspend", hro, reason="Mine.")
    with pytest.raises(workflow.RoleRefused):
        workflow.apply(intervention.request_id, "close", hro, reason="Mine.")
    model = Transition if table == "assessments_transition" else InterventionTransition
    row = model.objects.filter(allowed=False).get()
    row.reason = "rewritten"
    with pytest.raises(ValidationError):
        row.save()
    with pytest.raises(ValidationError):
        row.delete()
    for attempt in (
        lambda: model.objects.filter(pk=row.pk).update(allowed=True, rules=[]),
        lambda: model.objects.filter(pk=row.pk).delete(),
    ):
        with pytest.raises(ProgrammingError, match="Cannot update or delete"), transaction.atomic():
            attempt()
    for sql in (
        f"UPDATE {table} SET allowed = true, rules = '{{}}' WHERE id = %s",
        f"DELETE FROM {table} WHERE id = %s",
    ):
        with pytest.raises(ProgrammingError, match="Cannot update or delete"):
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(sql, [row.pk])
    fresh = model.objects.get(pk=row.pk)
    assert (fresh.allowed, fresh.rules, fresh.reason) == (False, ["role"], "Mine.")


# --- the pages and the API are bounded, and 404 outside the entity -------------------------------


def test_request_page_queries_do_not_grow_with_50_log_rows(client_for, draft_request, ssr_advisor):
    client = client_for(ssr_advisor)
    url = reverse("support:detail", args=[draft_request.pk])
    workflow.apply(draft_request.pk, "submit", ssr_advisor)
    client.get(url)  # warm the caches of the first request
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    for _ in range(50):
        with pytest.raises(workflow.TransitionError):
            workflow.apply(draft_request.pk, "submit", ssr_advisor)
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)
    assert len(many) == len(few), [q["sql"] for q in many]
    text = response.content.decode()
    assert text.count("<code>state</code>") == 25  # one page of the 51 rows, newest first
    assert "?log_page=2#transition-log" in text
    older = client.get(url, {"log_page": 3}).content.decode()
    assert "Newer attempts" in older and older.count("<code>state</code>") == 0  # the submit


def test_a_user_outside_the_entity_gets_404_on_the_log(
    client_for, intervention, draft_request, outsider
):
    assert (
        client_for(outsider).get(reverse("support:detail", args=[draft_request.pk])).status_code
        == 404
    )
    api = api_client(outsider)
    assert api.get(f"/api/v1/support-requests/{draft_request.pk}/transitions/").status_code == 404
    assert api.get(f"/api/v1/interventions/{intervention.pk}/transitions/").status_code == 404


def test_the_log_endpoints_are_in_the_openapi_schema(hro):
    schema = api_client(hro).get("/api/schema/", {"format": "json"}).json()
    requests = schema["paths"]["/api/v1/support-requests/{id}/transitions/"]
    assert set(requests) >= {"get", "post"}
    assert "get" in schema["paths"]["/api/v1/interventions/{id}/transitions/"]
    outcome = schema["components"]["schemas"]["InterventionDetail"]["properties"]["outcome"]
    assert outcome.get("deprecated") is True
