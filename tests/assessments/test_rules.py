"""Decision rules D1–D7, the record floors and the residual computation (domain.md 4.4, 4.5)."""

import datetime

import pytest
import time_machine
from django.utils import timezone

from assessments import workflow
from assessments.models import Decision, Level, MeasureStatus
from assessments.risk import level_for_score, risk_profile
from hrddp.accounts.models import Role
from hrddp.registry.models import VerificationStatus
from hrddp.support.models import Communication, CommunicationKind, RequestStatus
from tests.factories import (
    AssignmentFactory,
    PersonFactory,
    UnitFactory,
    UserFactory,
    ViolationFactory,
    add_risk,
    category,
    complete_assessment,
    make_request,
)

pytestmark = pytest.mark.django_db


def blocked_rules(request, action, user, **data):
    with pytest.raises(workflow.TransitionBlocked) as error:
        workflow.apply(request.pk, action, user, reason=data.pop("reason", "Decided."), **data)
    return {b.rule for b in error.value.blockers}


@pytest.mark.parametrize(
    ("score", "level"),
    [(1, "low"), (6, "low"), (7, "medium"), (14, "medium"), (15, "high"), (25, "high")],
)
def test_score_bands(score, level):
    assert level_for_score(score) == level


def test_record_floor_medium_for_a_recent_countable_grave_violation(
    draft_request, to_decision, unit
):
    ViolationFactory(units=[unit], date=timezone.localdate() - datetime.timedelta(days=100))
    assessment = to_decision(draft_request)
    profile = risk_profile(assessment)
    assert profile.floor == Level.MEDIUM and profile.inherent == Level.MEDIUM
    assert any("floor medium" in reason for reason in profile.inherent_reasons)


def test_record_floor_high_for_a_recent_pattern(draft_request, to_decision, unit):
    for days in (10, 20, 30):
        ViolationFactory(units=[unit], date=timezone.localdate() - datetime.timedelta(days=days))
    profile = risk_profile(to_decision(draft_request))
    assert profile.floor == Level.HIGH and profile.inherent == Level.HIGH


def test_record_floor_high_for_a_current_commander_with_a_grave_violation(
    draft_request, to_decision, unit
):
    colonel = PersonFactory()
    AssignmentFactory(
        person=colonel, unit=unit, start=timezone.localdate() - datetime.timedelta(days=30)
    )
    ViolationFactory(people=[colonel], date=timezone.localdate() - datetime.timedelta(days=3000))
    profile = risk_profile(to_decision(draft_request))
    assert profile.floor == Level.HIGH


def test_alleged_violation_raises_no_floor_and_blocks_nothing(
    draft_request, to_decision, unit, manager
):
    """Acceptance scenario 3."""
    ViolationFactory(
        units=[unit],
        category=category("unlawful_killing"),
        verification_status=VerificationStatus.ALLEGED,
        date=timezone.localdate() - datetime.timedelta(days=5),
    )
    assessment = to_decision(draft_request)
    assert risk_profile(assessment).floor is None
    workflow.apply(draft_request.pk, "approve", manager, reason="Low risk.")
    draft_request.refresh_from_db()
    assert draft_request.status == RequestStatus.APPROVED


def test_residual_is_the_highest_re_rated_level_and_ignores_the_floor(
    draft_request, to_decision, unit
):
    for days in (10, 20, 30):
        ViolationFactory(units=[unit], date=timezone.localdate() - datetime.timedelta(days=days))

    def prepare(assessment):
        add_risk(assessment, 4, 4, residual=(2, 3))  # 16 high -> 6 low
        add_risk(assessment, 3, 3, residual=(2, 4))  # 9 medium -> 8 medium

    profile = risk_profile(to_decision(draft_request, prepare))
    assert profile.inherent == Level.HIGH
    assert profile.residual == Level.MEDIUM


def test_residual_of_a_risk_not_re_rated_keeps_its_score(draft_request, to_decision):
    profile = risk_profile(to_decision(draft_request, lambda a: add_risk(a, 5, 4)))
    assert profile.residual == Level.HIGH


def test_residual_never_below_low(draft_request, to_decision):
    assert risk_profile(to_decision(draft_request)).residual == Level.LOW


def test_d1_no_approval_without_an_assessment_submitted_for_decision(
    draft_request, to_decision, manager, hro
):
    to_decision(draft_request)
    workflow.apply(draft_request.pk, "send_back", manager, reason="More on F5.")
    draft_request.__class__.objects.filter(pk=draft_request.pk).update(
        status=RequestStatus.AWAITING_DECISION
    )
    assert "D1" in blocked_rules(draft_request, "approve", manager)


def test_d1_no_approval_with_an_assessment_older_than_the_validity_period(
    draft_request, to_decision, manager
):
    to_decision(draft_request)
    with time_machine.travel(timezone.now() + datetime.timedelta(days=366)):
        assert "D1" in blocked_rules(draft_request, "approve", manager)


def test_d2_high_residual_needs_a_waiver_by_a_manager(draft_request, to_decision, manager):
    to_decision(
        draft_request, lambda a: add_risk(a, 5, 5, measures=[("screening", MeasureStatus.AGREED)])
    )
    assert blocked_rules(draft_request, "approve", manager) == {"D2"}
    workflow.apply(
        draft_request.pk, "approve", manager, reason="Vital.", waiver_reason="Famine relief convoy."
    )
    decision = Decision.objects.get(request=draft_request)
    assert decision.is_waiver and decision.residual_level == Level.HIGH


def test_d2_waivers_are_listed(draft_request, to_decision, manager):
    to_decision(
        draft_request, lambda a: add_risk(a, 5, 5, measures=[("screening", MeasureStatus.AGREED)])
    )
    workflow.apply(
        draft_request.pk, "approve", manager, reason="Vital.", waiver_reason="Famine relief convoy."
    )
    assert list(Decision.objects.exclude(waiver_reason="").values_list("request", flat=True)) == [
        draft_request.pk
    ]


def test_d3_recent_grave_violation_needs_an_agreed_measure(
    draft_request, to_decision, manager, unit
):
    """Acceptance scenario 1: fuel for a unit whose sub-unit has a verified torture case four months old."""
    company = UnitFactory(parent=unit)
    ViolationFactory(
        units=[company],
        category=category("torture"),
        date=timezone.localdate() - datetime.timedelta(days=120),
    )
    assessment = to_decision(
        draft_request, lambda a: add_risk(a, 2, 2, measures=[("screening", MeasureStatus.PROPOSED)])
    )
    assert risk_profile(assessment).inherent in (Level.MEDIUM, Level.HIGH)
    assert "D3" in blocked_rules(draft_request, "approve", manager)
    assessment.risks.get().measures.update(status=MeasureStatus.AGREED)
    workflow.apply(draft_request.pk, "approve", manager, reason="Measures agreed.")
    draft_request.refresh_from_db()
    assert draft_request.status == RequestStatus.APPROVED


def test_d4_drafter_of_the_assessment_cannot_decide(
    mission, ssr_advisor, unit, to_decision, draft_request
):
    """Acceptance scenario 4: the HRO who drafted the assessment cannot approve it."""
    hro_manager = UserFactory(roles=[(mission, Role.HRO), (mission, Role.MANAGER)])
    workflow.apply(draft_request.pk, "submit", ssr_advisor)
    workflow.apply(draft_request.pk, "start_assessment", hro_manager)
    complete_assessment(workflow.current_assessment(draft_request))
    workflow.apply(draft_request.pk, "submit_for_decision", hro_manager)
    draft_request.refresh_from_db()
    states = {s.action.name: s for s in workflow.allowed_actions(draft_request, hro_manager)}
    assert not states["approve"].enabled
    assert {b.rule for b in states["approve"].blockers} == {"D4"}
    assert "D4" in blocked_rules(draft_request, "approve", hro_manager)
    assert "D4" in blocked_rules(draft_request, "reject", hro_manager)


def test_d4_drafter_of_the_request_cannot_decide(mission, unit, to_decision):
    requester_manager = UserFactory(roles=[(mission, Role.REQUESTER), (mission, Role.MANAGER)])
    request = make_request(mission, requester_manager, [unit])
    workflow.apply(request.pk, "submit", requester_manager)
    hro = UserFactory(roles=[(mission, Role.HRO)])
    workflow.apply(request.pk, "start_assessment", hro)
    complete_assessment(workflow.current_assessment(request))
    workflow.apply(request.pk, "submit_for_decision", hro)
    assert "D4" in blocked_rules(request, "approve", requester_manager)


def test_d5_extended_scope_cannot_be_submitted_for_decision_until_s1_s5_answered(
    mission, ssr_advisor, hro, unit
):
    """Acceptance scenario 2."""
    request = make_request(mission, ssr_advisor, [unit], support_types=("hr_ihl_training",))
    assert request.is_extended_scope
    workflow.apply(request.pk, "submit", ssr_advisor)
    workflow.apply(request.pk, "start_assessment", hro)
    assessment = complete_assessment(workflow.current_assessment(request), scope=False)
    assert "D5" in blocked_rules(request, "submit_for_decision", hro)
    assessment.scope_answers.exclude(code="S5").update(rating=Level.LOW, answer="Answered.")
    assert "D5" in blocked_rules(request, "submit_for_decision", hro)
    assessment.scope_answers.update(rating=Level.LOW, answer="Answered.")
    workflow.apply(request.pk, "submit_for_decision", hro)


def test_d5_also_guards_the_approval(mission, ssr_advisor, hro, manager, unit, to_decision):
    request = make_request(mission, ssr_advisor, [unit], support_types=("standard_setting",))
    assessment = to_decision(request)
    assessment.scope_answers.filter(code="S3").update(answer="")
    assert "D5" in blocked_rules(request, "approve", manager)


def test_d6_capacity_support_at_medium_risk_needs_an_accountability_safeguard(
    draft_request, to_decision, manager
):
    assessment = to_decision(
        draft_request,
        lambda a: add_risk(a, 3, 3, measures=[("non_lethal_only", MeasureStatus.AGREED)]),
    )
    assert blocked_rules(draft_request, "approve", manager) == {"D6"}
    risk = assessment.risks.get()
    add_risk(assessment, 1, 1, measures=[("monitor_access", MeasureStatus.IN_PLACE)])
    assert risk.measures.count() == 1
    workflow.apply(draft_request.pk, "approve", manager, reason="Safeguard in place.")


def test_d6_does_not_apply_to_governance_support(mission, ssr_advisor, manager, unit, to_decision):
    request = make_request(
        mission, ssr_advisor, [unit], support_types=("oversight_accountability",)
    )
    to_decision(request, lambda a: add_risk(a, 3, 3))
    workflow.apply(request.pk, "approve", manager, reason="Governance support.")


def test_d6_applies_on_inherent_risk_even_when_residual_is_low(draft_request, to_decision, manager):
    to_decision(
        draft_request,
        lambda a: add_risk(a, 3, 3, residual=(1, 2), measures=[("limits", MeasureStatus.AGREED)]),
    )
    assert blocked_rules(draft_request, "approve", manager) == {"D6"}


def test_d7_support_becomes_active_only_after_the_policy_notification(
    draft_request, to_decision, manager, ssr_advisor
):
    to_decision(draft_request)
    workflow.apply(draft_request.pk, "approve", manager, reason="Low risk.")
    assert blocked_rules(draft_request, "activate", ssr_advisor) == {"D7"}
    Communication.objects.create(
        request=draft_request,
        kind=CommunicationKind.POLICY_NOTIFICATION,
        date=timezone.localdate(),
        counterpart="Chief of Defence Staff",
        summary="HRDDP letter and conditions.",
        recorded_by=ssr_advisor,
    )
    workflow.apply(draft_request.pk, "activate", ssr_advisor)
    draft_request.refresh_from_db()
    assert draft_request.status == RequestStatus.ACTIVE


def test_approval_sets_review_due_and_valid_until(draft_request, to_decision, manager):
    to_decision(draft_request)
    workflow.apply(draft_request.pk, "approve", manager, reason="Low risk.")
    draft_request.refresh_from_db()
    today = timezone.localdate()
    assert draft_request.review_due == today + datetime.timedelta(days=180)
    assert draft_request.valid_until == today + datetime.timedelta(days=365)
