"""The workflow through the API: ``allowed_actions`` as the request page's buttons, and every
refusal naming the rule that blocks it (D1–D7), with the page's 403 for a role never allowed."""

import datetime

import pytest
from django.utils import timezone

from assessments import workflow
from assessments.models import MeasureStatus
from hrddp.accounts.models import Role
from hrddp.support.models import Communication, CommunicationKind, RequestStatus
from tests.factories import (
    UserFactory,
    ViolationFactory,
    add_risk,
    complete_assessment,
    make_request,
)

pytestmark = pytest.mark.django_db


def transition(api, request, action, **body):
    return api.post(
        f"/api/v1/support-requests/{request.pk}/transitions/",
        {"action": action, **body},
        format="json",
    )


def refused_rule(response):
    assert response.status_code == 409, response.content
    return response.json()["rule"]


def status_of(request):
    request.refresh_from_db()
    return request.status


def test_detail_gives_status_and_the_callers_allowed_actions(api_for, draft_request, ssr_advisor):
    body = api_for(ssr_advisor).get(f"/api/v1/support-requests/{draft_request.pk}/").json()
    assert body["status"] == "draft"
    assert [a["action"] for a in body["allowed_actions"]] == ["submit"]
    assert body["support_types"] == ["logistics"]


def test_allowed_actions_show_what_blocks_approval(api_for, draft_request, to_decision, manager):
    ViolationFactory(
        units=list(draft_request.recipient_units.all()),
        date=timezone.localdate() - datetime.timedelta(days=120),
    )
    to_decision(draft_request)
    body = api_for(manager).get(f"/api/v1/support-requests/{draft_request.pk}/").json()
    assert body["status"] == "awaiting_decision"
    blocked = {a["action"]: {b["rule"] for b in a["blockers"]} for a in body["blocked_actions"]}
    assert {"D3", "D6"} <= blocked["approve"]
    assert {a["action"] for a in body["allowed_actions"]} >= {"reject", "send_back", "withdraw"}


def test_a_transition_applies_through_the_workflow(api_for, draft_request, ssr_advisor):
    response = transition(api_for(ssr_advisor), draft_request, "submit")
    assert response.status_code == 200, response.content
    assert response.json() == {"action": "submit", "from_status": "draft", "status": "submitted"}
    assert draft_request.transitions.get().actor == ssr_advisor


def test_role_never_allowed_answers_403(api_for, draft_request, to_decision, ssr_advisor, hro):
    to_decision(draft_request)
    for user in (ssr_advisor, hro):
        response = transition(api_for(user), draft_request, "approve", reason="Fine.")
        assert response.status_code == 403
    assert status_of(draft_request) == RequestStatus.AWAITING_DECISION


def test_system_action_answers_403_to_people(api_for, draft_request, manager):
    response = transition(api_for(manager), draft_request, "lapse", reason="Expired.")
    assert response.status_code == 403


def test_other_entitys_request_is_404(api_for, draft_request, outsider):
    assert transition(api_for(outsider), draft_request, "submit").status_code == 404


def test_wrong_state_answers_409(api_for, draft_request, manager):
    response = transition(api_for(manager), draft_request, "approve", reason="Fine.")
    assert refused_rule(response) == "state"


def test_missing_reason_is_a_400_field_error(api_for, draft_request, to_decision, manager):
    to_decision(draft_request)
    response = transition(api_for(manager), draft_request, "reject")
    assert response.status_code == 400
    assert "reason" in response.json()


def test_unknown_action_is_a_400_field_error(api_for, draft_request, manager):
    response = transition(api_for(manager), draft_request, "teleport")
    assert response.status_code == 400
    assert "action" in response.json()


def test_incomplete_request_cannot_be_submitted(api_for, mission, ssr_advisor, unit):
    request = make_request(mission, ssr_advisor, [unit], description="")
    response = transition(api_for(ssr_advisor), request, "submit")
    assert refused_rule(response) == "request"


def test_d1_no_approval_without_an_assessment_submitted_for_decision(
    api_for, draft_request, to_decision, manager
):
    to_decision(draft_request)
    workflow.apply(draft_request.pk, "send_back", manager, reason="More on F5.")
    type(draft_request).objects.filter(pk=draft_request.pk).update(
        status=RequestStatus.AWAITING_DECISION
    )
    response = transition(api_for(manager), draft_request, "approve", reason="Fine.")
    assert refused_rule(response) == "D1"
    assert "submitted" in response.json()["detail"]


def test_d2_high_residual_needs_a_waiver(api_for, draft_request, to_decision, manager):
    to_decision(
        draft_request, lambda a: add_risk(a, 5, 5, measures=[("screening", MeasureStatus.AGREED)])
    )
    api = api_for(manager)
    detail = api.get(f"/api/v1/support-requests/{draft_request.pk}/").json()
    assert detail["waiver_required"] is True
    assert refused_rule(transition(api, draft_request, "approve", reason="Vital.")) == "D2"
    response = transition(
        api, draft_request, "approve", reason="Vital.", waiver_reason="Famine relief convoy."
    )
    assert response.status_code == 200, response.content
    assert draft_request.decisions.get().waiver_reason == "Famine relief convoy."


def test_no_waiver_is_recorded_where_none_is_needed(api_for, draft_request, to_decision, manager):
    to_decision(draft_request)
    response = transition(
        api_for(manager), draft_request, "approve", reason="Low.", waiver_reason="Unneeded."
    )
    assert response.status_code == 200
    assert draft_request.decisions.get().waiver_reason == ""


def test_d3_recent_grave_violation_needs_an_agreed_measure(
    api_for, draft_request, to_decision, manager, unit
):
    """Acceptance scenario 1: a verified torture case four months old in the recipient's record."""
    ViolationFactory(units=[unit], date=timezone.localdate() - datetime.timedelta(days=120))
    to_decision(draft_request)
    response = transition(api_for(manager), draft_request, "approve", reason="Fine.")
    assert refused_rule(response) == "D3"
    assert {b["rule"] for b in response.json()["blockers"]} == {"D3", "D6"}
    assert status_of(draft_request) == RequestStatus.AWAITING_DECISION


def test_d4_drafter_cannot_decide(api_for, mission, unit, hro):
    """Acceptance scenario 4, for the drafter of the request who is also a manager."""
    drafter = UserFactory(
        username="drafter", roles=[(mission, Role.REQUESTER), (mission, Role.MANAGER)]
    )
    request = make_request(mission, drafter, [unit])
    workflow.apply(request.pk, "submit", drafter)
    workflow.apply(request.pk, "start_assessment", hro)
    complete_assessment(workflow.current_assessment(request))
    workflow.apply(request.pk, "submit_for_decision", hro)
    api = api_for(drafter)
    assert refused_rule(transition(api, request, "approve", reason="Mine.")) == "D4"
    assert refused_rule(transition(api, request, "reject", reason="Mine.")) == "D4"


def test_d5_extended_scope_needs_s1_to_s5(api_for, mission, ssr_advisor, hro, unit):
    """Acceptance scenario 2: IHL training cannot go to decision until S1–S5 are answered."""
    request = make_request(mission, ssr_advisor, [unit], support_types=("hr_ihl_training",))
    workflow.apply(request.pk, "submit", ssr_advisor)
    workflow.apply(request.pk, "start_assessment", hro)
    complete_assessment(workflow.current_assessment(request), scope=False)
    response = transition(api_for(hro), request, "submit_for_decision")
    assert refused_rule(response) == "D5"
    assert response.json()["detail"].endswith("S1, S2, S3, S4, S5.")


def test_d6_capacity_support_at_medium_risk_needs_a_safeguard(
    api_for, draft_request, to_decision, manager
):
    to_decision(
        draft_request,
        lambda a: add_risk(a, 3, 3, measures=[("non_lethal_only", MeasureStatus.AGREED)]),
    )
    response = transition(api_for(manager), draft_request, "approve", reason="Fine.")
    assert refused_rule(response) == "D6"


def test_d7_no_activation_before_the_policy_letter(
    api_for, draft_request, to_decision, manager, ssr_advisor
):
    to_decision(draft_request)
    workflow.apply(draft_request.pk, "approve", manager, reason="Low risk.")
    api = api_for(ssr_advisor)
    assert refused_rule(transition(api, draft_request, "activate")) == "D7"
    api.post(
        "/api/v1/communications/",
        {
            "request": draft_request.pk,
            "kind": CommunicationKind.POLICY_NOTIFICATION,
            "date": timezone.localdate().isoformat(),
            "counterpart": "Chief of Defence Staff",
            "summary": "HRDDP letter and conditions.",
        },
        format="json",
    )
    assert Communication.objects.filter(request=draft_request).count() == 1
    assert transition(api, draft_request, "activate").status_code == 200
    assert status_of(draft_request) == RequestStatus.ACTIVE
