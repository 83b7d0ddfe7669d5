"""The decision an auditor reads months later (domain.md 4.5): who decided what, on which version,
why, under which conditions and waiver, at which risk levels; a rejection carries no waiver.

Written from the domain, not from ``workflow.record_decision``: its mutants that dropped the kind,
the reason, the conditions or a level, or kept a waiver on a rejection, passed every test before.
"""

import datetime

import pytest
import time_machine
from django.utils import timezone

from assessments import workflow
from assessments.models import AssessmentStatus, Decision, DecisionKind, Level, MeasureStatus
from hrddp.support.models import RequestStatus
from tests.factories import add_risk, make_request

pytestmark = pytest.mark.django_db

DECIDED = datetime.datetime(2026, 5, 4, 10, 0, tzinfo=datetime.UTC)


def medium_then_low(assessment):
    # 3 × 3 = 9: medium (7–14); re-rated 1 × 2 = 2 after mitigation: low (1–6). Capacity support
    # at medium risk needs an accountability safeguard (D6): screening, agreed.
    add_risk(assessment, 3, 3, residual=(1, 2), measures=[("screening", MeasureStatus.AGREED)])


def test_the_decision_record_keeps_what_the_manager_decided_and_why(
    mission, ssr_advisor, manager, unit, to_decision
):
    request = make_request(mission, ssr_advisor, [unit])
    assessment = to_decision(request, medium_then_low)
    with time_machine.travel(DECIDED, tick=False):
        workflow.apply(
            request.pk,
            "approve_with_conditions",
            manager,
            reason="Risks mitigated by the measures.",
            conditions="Monthly access for UN monitors.",
            waiver_reason="  Operational necessity.  ",
        )
    decision = Decision.objects.get(request=request)
    assert decision.kind == DecisionKind.APPROVE_WITH_CONDITIONS
    assert decision.assessment == assessment
    assert decision.decided_by == manager
    assert decision.reason == "Risks mitigated by the measures."
    assert decision.conditions == "Monthly access for UN monitors."
    assert decision.waiver_reason == "Operational necessity."
    assert (decision.inherent_level, decision.residual_level) == (Level.MEDIUM, Level.LOW)
    assessment.refresh_from_db()
    assert assessment.status == AssessmentStatus.DECIDED
    request.refresh_from_db()
    assert request.status == RequestStatus.APPROVED_WITH_CONDITIONS
    assert request.decided_at == DECIDED


def test_the_decision_record_of_an_approval_without_conditions_has_none(
    mission, ssr_advisor, manager, unit, to_decision
):
    request = make_request(mission, ssr_advisor, [unit])
    to_decision(request)
    workflow.apply(request.pk, "approve", manager, reason="Low risk.")
    decision = Decision.objects.get(request=request)
    assert (decision.kind, decision.conditions, decision.waiver_reason) == (
        DecisionKind.APPROVE,
        "",
        "",
    )


def test_the_decision_record_of_a_rejection_carries_no_waiver_and_sets_no_review(
    mission, ssr_advisor, manager, unit, to_decision
):
    request = make_request(mission, ssr_advisor, [unit])
    to_decision(request, medium_then_low)
    workflow.apply(
        request.pk, "reject", manager, reason="Too risky.", waiver_reason="Not a waiver."
    )
    decision = Decision.objects.get(request=request)
    assert (decision.kind, decision.reason, decision.waiver_reason) == (
        DecisionKind.REJECT,
        "Too risky.",
        "",
    )
    assert (decision.inherent_level, decision.residual_level) == (Level.MEDIUM, Level.LOW)
    request.refresh_from_db()
    assert request.status == RequestStatus.REJECTED
    assert (request.review_due, request.valid_until) == (None, None)


def test_an_approval_sets_the_review_and_validity_dates_from_the_decision_day(
    mission, ssr_advisor, manager, unit, to_decision
):
    # domain.md 5: review due = decision + 180 days, valid until = decision + 365 days.
    request = make_request(mission, ssr_advisor, [unit])
    to_decision(request)
    with time_machine.travel(DECIDED, tick=False):
        workflow.apply(request.pk, "approve", manager, reason="Low risk.")
        today = timezone.localdate()
    request.refresh_from_db()
    assert request.review_due == today + datetime.timedelta(days=180)
    assert request.valid_until == today + datetime.timedelta(days=365)
