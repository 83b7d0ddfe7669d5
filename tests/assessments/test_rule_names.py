"""A refusal names its most specific rule (domain.md 4.5): every action, in every state where the
diagram allows it, with its conditions failing one at a time, against a table written from
domain.md (``NAMED``), not from the code.

Each case walks a real request to the state (tests/assessments/test_state_diagram.py's ``World``,
where every rule passes), breaks exactly one condition, and reads the first of the refusal's
``.rules``.
"""

import datetime

import pytest
from django.utils import timezone

from assessments import workflow
from assessments.models import (
    Assessment,
    AssessmentStatus,
    MeasureStatus,
    Trigger,
    TriggerKind,
)
from hrddp.accounts.models import Role
from hrddp.support.models import CommunicationKind, SupportRequest
from hrddp.support.models import RequestStatus as S
from tests.assessments.test_state_diagram import DIAGRAM, World, expected, letter
from tests.factories import UnitFactory, UserFactory, ViolationFactory, add_risk

pytestmark = pytest.mark.django_db

# Who takes each action when it is allowed (domain.md 2).
ACTOR = {
    "submit": "requester",
    "return": "hro",
    "start_assessment": "hro",
    "submit_for_decision": "hro",
    "send_back": "manager",
    "approve": "manager",
    "approve_with_conditions": "manager",
    "reject": "manager",
    "activate": "requester",
    "review": "hro",
    "submit_version": "hro",
    "renew": "manager",
    "conclude_review": "manager",
    "suspend": "manager",
    "resume": "manager",
    "lapse": "system",
    "reassess": "hro",
    "close": "manager",
    "withdraw": "manager",
}

# Decisions that approve support: D1–D6 hold for each (domain.md 4.5; renew and resume approve
# again, on a new assessment version).
APPROVALS = ("approve", "approve_with_conditions", "renew", "resume")
WHERE = {
    "approve": S.AWAITING_DECISION,
    "approve_with_conditions": S.AWAITING_DECISION,
    "renew": S.ACTIVE,
    "resume": S.SUSPENDED,
}

# The expected rule, by (state, action): for each condition broken alone, the code the refusal
# names first. Written from domain.md 4.5 and 5. "reason": the why every state change records;
# "request", "assessment", "conditions": the form is incomplete; "intervention": an intervention
# on the request is still open; "resumption": the resumption rule of domain.md 5.
APPROVAL_RULES = {
    "reason": "reason",
    "assessment_too_old": "D1",
    "high_residual_without_waiver": "D2",
    "recent_grave_without_measure": "D3",
    "recent_grave_with_a_proposed_measure_only": "D3",
    "decider_drafted_the_request": "D4",
    "decider_drafted_the_assessment": "D4",
    "scope_questions_unanswered": "D5",
    "capacity_medium_without_safeguard": "D6",
    "capacity_medium_with_a_proposed_safeguard_only": "D6",
    "capacity_medium_with_an_agreed_measure_not_a_safeguard": "D6",
}
NAMED = {
    (S.DRAFT, "submit"): {"request_incomplete": "request"},
    (S.RETURNED, "submit"): {"request_incomplete": "request"},
    (S.SUBMITTED, "return"): {"reason": "reason"},
    (S.SUBMITTED, "start_assessment"): {},
    (S.UNDER_ASSESSMENT, "submit_for_decision"): {
        "factors_unrated": "assessment",
        "recommendation_missing": "assessment",
        "scope_questions_unanswered": "D5",
    },
    (S.AWAITING_DECISION, "send_back"): {"reason": "reason"},
    (S.AWAITING_DECISION, "approve"): {**APPROVAL_RULES, "assessment_not_submitted": "D1"},
    (S.AWAITING_DECISION, "approve_with_conditions"): {
        **APPROVAL_RULES,
        "assessment_not_submitted": "D1",
        "conditions_missing": "conditions",
    },
    (S.AWAITING_DECISION, "reject"): {
        "reason": "reason",
        "decider_drafted_the_request": "D4",
        "decider_drafted_the_assessment": "D4",
    },
    (S.APPROVED, "activate"): {
        "no_policy_notification": "D7",
        "policy_notification_dated_before_the_decision": "D7",
        "policy_notification_dated_in_the_future": "D7",
        "only_a_resumption_letter": "D7",
    },
    (S.APPROVED_WITH_CONDITIONS, "activate"): {"no_policy_notification": "D7"},
    (S.ACTIVE, "review"): {"reason": "reason"},
    (S.ACTIVE, "submit_version"): {
        "no_new_version": "assessment",
        "factors_unrated": "assessment",
        "scope_questions_unanswered": "D5",
    },
    (S.UNDER_REVIEW, "submit_version"): {"no_new_version": "assessment"},
    (S.SUSPENDED, "submit_version"): {"no_new_version": "assessment"},
    (S.ACTIVE, "renew"): {
        **APPROVAL_RULES,
        "no_new_version_submitted": "D1",
        "open_intervention": "intervention",
    },
    (S.UNDER_REVIEW, "renew"): {"open_intervention": "intervention", "reason": "reason"},
    (S.UNDER_REVIEW, "conclude_review"): {"open_intervention": "intervention", "reason": "reason"},
    (S.ACTIVE, "suspend"): {"reason": "reason"},
    (S.UNDER_REVIEW, "suspend"): {"reason": "reason"},
    (S.SUSPENDED, "resume"): {
        **APPROVAL_RULES,
        "no_new_version_since_the_suspension": "resumption",
        "new_version_drafted_before_the_suspension": "resumption",
        "no_resumption_letter": "resumption",
        "resumption_letter_dated_before_the_suspension": "resumption",
        "only_a_policy_notification": "resumption",
    },
    (S.ACTIVE, "lapse"): {"reason": "reason"},
    (S.UNDER_REVIEW, "lapse"): {"reason": "reason"},
    (S.LAPSED, "reassess"): {},
    (S.ACTIVE, "close"): {"reason": "reason"},
    (S.UNDER_REVIEW, "close"): {"reason": "reason"},
    **{
        (state, "withdraw"): {"reason": "reason"}
        for state in (
            S.DRAFT,
            S.SUBMITTED,
            S.RETURNED,
            S.UNDER_ASSESSMENT,
            S.AWAITING_DECISION,
            S.APPROVED,
            S.APPROVED_WITH_CONDITIONS,
            S.ACTIVE,
            S.UNDER_REVIEW,
            S.SUSPENDED,
            S.LAPSED,
        )
    },
}


# --- one condition broken at a time ------------------------------------------------------------


class Case:
    """A request in ``state`` where ``action`` would pass, then one condition broken."""

    def __init__(self, world, state, action, support_types=("logistics",), prepare=None):
        self.world, self.state, self.action = world, state, action
        self.unit = UnitFactory()
        # Only the letters the action needs: activate's own case records it (or not).
        self.request = world.walk(world.request([self.unit], support_types), state, prepare)
        self.user = world.users[ACTOR[action]]
        self.data = {"reason": "Because.", "conditions": "Monthly reports.", "waiver_reason": ""}

    def ready(self):
        self.world.prepare(self.request, self.action)
        return self

    @property
    def assessment(self):
        return workflow.current_assessment(self.request)

    def refused_by(self):
        """The rules of the refusal, the most specific first."""
        with pytest.raises((workflow.TransitionError, workflow.RoleRefused)) as refusal:
            workflow.apply(self.request.pk, self.action, self.user, **self.data)
        return refusal.value.rules

    def passes(self):
        return workflow.apply(self.request.pk, self.action, self.user, **self.data)


class WalkWorld(World):
    """The diagram's world, with the policy notification left out when a case says so."""

    notify = True

    def _decide(self, request, state, go, reason):
        if self.notify or state not in (S.APPROVED, S.APPROVED_WITH_CONDITIONS):
            return super()._decide(request, state, go, reason)
        if state == S.APPROVED_WITH_CONDITIONS:
            go("approve_with_conditions", self.manager, conditions="Monthly reports.", **reason)
        else:
            go("approve", self.manager, **reason)


@pytest.fixture
def world(mission, ssr_advisor, hro, manager, outsider):
    return WalkWorld(mission, ssr_advisor, hro, manager, outsider)


def high_residual(assessment):
    # A safeguard agreed, so D3 and D6 hold: only the residual level (high) remains.
    add_risk(assessment, 5, 5, measures=[("screening", MeasureStatus.AGREED)])


def medium(measures=()):
    return lambda assessment: add_risk(assessment, 2, 4, measures=measures)


def break_one(world, state, action, condition):
    """The case for ``condition`` broken alone, ready to be attempted."""
    later = action in ("renew", "resume")  # decided on a new version, not the first one
    governance = ("standard_setting",)  # not capacity support: D6 stays out of the way

    def on_decided_version(prepare, support_types=("logistics",)):
        """``prepare`` on the version the decision reads: the first one for approve, the new
        version for renew and resume (made on the version before it is submitted)."""
        if not later:
            return Case(world, state, action, support_types, prepare).ready()
        case = Case(world, state, action, support_types)
        version = workflow.new_version(case.request.pk, world.hro)
        prepare(version)
        workflow.apply(case.request.pk, "submit_version", world.hro)
        if action == "resume":
            letter(case.request, CommunicationKind.RESUMPTION, world.ssr)
        return case

    if condition == "reason":
        case = Case(world, state, action).ready()
        case.data["reason"] = "  "
    elif condition == "request_incomplete":
        case = Case(world, state, action).ready()
        SupportRequest.objects.filter(pk=case.request.pk).update(description=" ")
    elif condition == "factors_unrated":
        case = Case(world, state, action).ready()
        case.assessment.factors.filter(code="F3").update(rating="")
    elif condition == "recommendation_missing":
        case = Case(world, state, action).ready()
        Assessment.objects.filter(pk=case.assessment.pk).update(recommendation="")
    elif condition == "scope_questions_unanswered":
        # An extended-scope request whose S4 is unanswered on the version in question.
        unanswer = lambda a: a.scope_answers.filter(code="S4").update(rating="", answer="")  # noqa: E731
        if action in ("submit_for_decision", "submit_version"):
            case = Case(world, state, action, governance).ready()
            unanswer(case.assessment)
        else:
            case = on_decided_version(lambda a: None, governance)
            unanswer(case.assessment)
    elif condition == "assessment_too_old":
        case = on_decided_version(lambda a: None)
        Assessment.objects.filter(pk=case.assessment.pk).update(
            submitted_at=timezone.now() - datetime.timedelta(days=366)
        )
    elif condition == "assessment_not_submitted":
        case = Case(world, state, action).ready()
        Assessment.objects.filter(pk=case.assessment.pk).update(
            status=AssessmentStatus.DRAFT, submitted_at=None
        )
    elif condition == "no_new_version_submitted":
        case = Case(world, state, action)
        workflow.new_version(case.request.pk, world.hro)  # drafted, never submitted
    elif condition == "high_residual_without_waiver":
        case = on_decided_version(high_residual)
    elif condition in ("recent_grave_without_measure", "recent_grave_with_a_proposed_measure_only"):
        proposed = condition.endswith("proposed_measure_only")
        measures = [("written_commitment", MeasureStatus.PROPOSED)] if proposed else []
        case = on_decided_version(lambda a: add_risk(a, 1, 1, measures=measures), governance)
        ViolationFactory(units=[case.unit])  # verified torture, 30 days ago
    elif condition == "decider_drafted_the_request":
        case = Case(world, state, action).ready()
        SupportRequest.objects.filter(pk=case.request.pk).update(created_by=case.user)
    elif condition == "decider_drafted_the_assessment":
        case = Case(world, state, action).ready()
        Assessment.objects.filter(pk=case.assessment.pk).update(drafter=case.user)
    elif condition == "capacity_medium_without_safeguard":
        case = on_decided_version(medium())
    elif condition == "capacity_medium_with_a_proposed_safeguard_only":
        case = on_decided_version(medium([("screening", MeasureStatus.PROPOSED)]))
    elif condition == "capacity_medium_with_an_agreed_measure_not_a_safeguard":
        case = on_decided_version(medium([("written_commitment", MeasureStatus.AGREED)]))
    elif condition == "conditions_missing":
        case = Case(world, state, action).ready()
        case.data["conditions"] = " "
    elif condition.startswith(("no_policy_notification", "policy_notification_", "only_a_res")):
        world.notify = False
        case = Case(world, state, action)
        dated = {
            "policy_notification_dated_before_the_decision": -1,
            "policy_notification_dated_in_the_future": 1,
        }
        if condition in dated:
            note = letter(case.request, CommunicationKind.POLICY_NOTIFICATION, world.ssr)
            type(note).objects.filter(pk=note.pk).update(
                date=timezone.localdate() + datetime.timedelta(days=dated[condition])
            )
        elif condition == "only_a_resumption_letter":
            letter(case.request, CommunicationKind.RESUMPTION, world.ssr)
    elif condition == "open_intervention":
        case = Case(world, state, action).ready()
        trigger = Trigger.objects.create(
            request=case.request, kind=TriggerKind.MEASURE_OVERDUE, unit=case.unit
        )
        workflow.open_intervention(trigger)
    elif condition == "no_new_version":
        case = Case(world, state, action)  # the decided version is the current one
    elif condition == "no_new_version_since_the_suspension":
        case = Case(world, state, action)
        letter(case.request, CommunicationKind.RESUMPTION, world.ssr)
    elif condition == "new_version_drafted_before_the_suspension":
        # Drafted while active, submitted after the suspension: not dated after the suspension.
        case = Case(world, S.ACTIVE, action)
        world.draft_new_version(case.request)
        workflow.apply(case.request.pk, "suspend", world.manager, reason="Grave violation.")
        workflow.apply(case.request.pk, "submit_version", world.hro)
        letter(case.request, CommunicationKind.RESUMPTION, world.ssr)
    elif condition in ("no_resumption_letter", "only_a_policy_notification"):
        case = Case(world, state, action)
        world.submitted_new_version(case.request)
        if condition == "only_a_policy_notification":
            letter(case.request, CommunicationKind.POLICY_NOTIFICATION, world.ssr)
    elif condition == "resumption_letter_dated_before_the_suspension":
        case = Case(world, state, action)
        world.submitted_new_version(case.request)
        note = letter(case.request, CommunicationKind.RESUMPTION, world.ssr)
        type(note).objects.filter(pk=note.pk).update(
            date=timezone.localdate() - datetime.timedelta(days=1)
        )
    else:
        raise AssertionError(f"no way to break {condition!r}")
    return case


def cases(*conditions, actions=None):
    """(state, action, condition, expected rule) from ``NAMED`` for these conditions."""
    return [
        pytest.param(state, action, condition, rule, id=f"{state}-{action}-{condition}")
        for (state, action), broken in NAMED.items()
        for condition, rule in broken.items()
        if (not conditions or condition in conditions) and (actions is None or action in actions)
    ]


def check(world, state, action, condition, rule):
    case = break_one(world, state, action, condition)
    rules = case.refused_by()
    assert rules[0] == rule, (condition, rules)
    case.request.refresh_from_db()
    assert case.request.status == state


# --- the table covers the diagram -------------------------------------------------------------


def test_the_table_covers_every_action_in_every_state_the_diagram_allows():
    allowed = {
        (state, action)
        for action in DIAGRAM
        for state in S.values
        if expected(state, action, ACTOR[action])[0] == "allowed"
    }
    assert set(NAMED) == allowed


@pytest.mark.parametrize("state, action", list(NAMED))
def test_each_action_passes_when_no_rule_is_broken(world, state, action):
    """The baseline of every case below: nothing broken, the action is taken."""
    Case(world, state, action).ready().passes()


# --- the rules, each by its name --------------------------------------------------------------


@pytest.mark.parametrize(
    "state, action, condition, rule",
    cases("assessment_too_old", "assessment_not_submitted", "no_new_version_submitted"),
)
def test_d1_approval_without_a_current_submitted_assessment_names_d1(
    world, state, action, condition, rule
):
    check(world, state, action, condition, rule)


@pytest.mark.parametrize("action", ["approve", "renew", "resume"])
def test_d1_an_assessment_exactly_365_days_old_is_still_current(world, action):
    case = break_one(world, WHERE[action], action, "assessment_too_old")
    Assessment.objects.filter(pk=case.assessment.pk).update(
        submitted_at=timezone.now() - datetime.timedelta(days=365)
    )
    case.passes()


@pytest.mark.parametrize("state, action, condition, rule", cases("high_residual_without_waiver"))
def test_d2_high_residual_without_waiver_names_d2(world, state, action, condition, rule):
    check(world, state, action, condition, rule)


@pytest.mark.parametrize("action", APPROVALS)
def test_d2_a_waiver_reason_lets_high_residual_through(world, action):
    case = break_one(world, WHERE[action], action, "high_residual_without_waiver")
    case.data["waiver_reason"] = "Protection of civilians outweighs it."
    case.passes()


@pytest.mark.parametrize(
    "state, action, condition, rule",
    cases("recent_grave_without_measure", "recent_grave_with_a_proposed_measure_only"),
)
def test_d3_recent_countable_grave_without_agreed_measure_names_d3(
    world, state, action, condition, rule
):
    check(world, state, action, condition, rule)


@pytest.mark.parametrize(
    "state, action, condition, rule",
    cases("decider_drafted_the_request", "decider_drafted_the_assessment"),
)
def test_d4_the_drafter_cannot_decide_names_d4(world, state, action, condition, rule):
    check(world, state, action, condition, rule)


def test_d4_a_manager_who_drafted_the_assessment_as_hro_cannot_approve(world, mission, unit):
    """Both roles in one person, the assessment drafted through the workflow."""
    both = UserFactory(username="hro-manager", roles=[(mission, Role.HRO), (mission, Role.MANAGER)])
    request = world.walk(world.request([unit]), S.AWAITING_DECISION, drafter=both)
    with pytest.raises(workflow.TransitionBlocked) as refusal:
        workflow.apply(request.pk, "approve", both, reason="Fine.")
    assert refusal.value.rules[0] == "D4"


@pytest.mark.parametrize("state, action, condition, rule", cases("scope_questions_unanswered"))
def test_d5_extended_scope_with_unanswered_questions_names_d5(
    world, state, action, condition, rule
):
    check(world, state, action, condition, rule)


@pytest.mark.parametrize(
    "state, action, condition, rule",
    cases(
        "capacity_medium_without_safeguard",
        "capacity_medium_with_a_proposed_safeguard_only",
        "capacity_medium_with_an_agreed_measure_not_a_safeguard",
    ),
)
def test_d6_capacity_support_at_medium_risk_without_safeguard_names_d6(
    world, state, action, condition, rule
):
    check(world, state, action, condition, rule)


@pytest.mark.parametrize("state, action, condition, rule", cases(actions=("activate",)))
def test_d7_activation_names_d7(world, state, action, condition, rule):
    check(world, state, action, condition, rule)


@pytest.mark.parametrize("state, action, condition, rule", cases(actions=("resume",)))
def test_resume_names_the_resumption_rule(world, state, action, condition, rule):
    """Without a new version since the suspension, or without a resumption letter after it, the
    resumption rule (not D1); with both, D1–D6 as for an approval."""
    check(world, state, action, condition, rule)


def test_resume_with_nothing_done_since_the_suspension_names_the_resumption_rule(world):
    case = Case(world, S.SUSPENDED, "resume")
    assert case.refused_by()[0] == "resumption"


@pytest.mark.parametrize(
    "state, action, condition, rule",
    cases("open_intervention", actions=("renew", "conclude_review")),
)
def test_renew_or_conclude_review_with_an_open_intervention_names_the_intervention(
    world, state, action, condition, rule
):
    check(world, state, action, condition, rule)


@pytest.mark.parametrize("state, action, condition, rule", cases("reason"))
def test_missing_reason_names_the_reason(world, state, action, condition, rule):
    check(world, state, action, condition, rule)


@pytest.mark.parametrize("state, action, condition, rule", cases("request_incomplete"))
def test_submitting_an_incomplete_request_names_the_request(world, state, action, condition, rule):
    check(world, state, action, condition, rule)


@pytest.mark.parametrize(
    "state, action, condition, rule",
    cases("factors_unrated", "recommendation_missing", "no_new_version"),
)
def test_an_incomplete_assessment_names_the_assessment(world, state, action, condition, rule):
    check(world, state, action, condition, rule)


@pytest.mark.parametrize("state, action, condition, rule", cases("conditions_missing"))
def test_approval_with_conditions_without_conditions_names_the_conditions(
    world, state, action, condition, rule
):
    check(world, state, action, condition, rule)


def test_every_condition_in_the_table_is_tested_by_a_named_test():
    """Each condition of ``NAMED`` belongs to one of the named tests above."""
    named = {
        "assessment_too_old",
        "assessment_not_submitted",
        "no_new_version_submitted",
        "high_residual_without_waiver",
        "recent_grave_without_measure",
        "recent_grave_with_a_proposed_measure_only",
        "decider_drafted_the_request",
        "decider_drafted_the_assessment",
        "scope_questions_unanswered",
        "capacity_medium_without_safeguard",
        "capacity_medium_with_a_proposed_safeguard_only",
        "capacity_medium_with_an_agreed_measure_not_a_safeguard",
        "open_intervention",
        "reason",
        "request_incomplete",
        "factors_unrated",
        "recommendation_missing",
        "no_new_version",
        "conditions_missing",
    }
    by_action = {
        condition
        for (state, action), broken in NAMED.items()
        if action in ("activate", "resume")
        for condition in broken
    }
    assert {c for broken in NAMED.values() for c in broken} <= named | by_action


# --- two conditions broken: the form's missing field does not hide the rule -------------------

# (state, action, the rule broken, the field left empty) -> the rule named first. domain.md 4.5:
# "a refusal names its most specific rule"; writing a reason or the conditions would not lift a
# D-rule, the resumption rule or an open intervention, so they come before the empty field.
BEHIND_AN_EMPTY_FIELD = [
    (S.AWAITING_DECISION, "approve", "recent_grave_without_measure", "reason", "D3"),
    (S.AWAITING_DECISION, "approve", "decider_drafted_the_assessment", "reason", "D4"),
    (S.AWAITING_DECISION, "reject", "decider_drafted_the_request", "reason", "D4"),
    (
        S.AWAITING_DECISION,
        "approve_with_conditions",
        "capacity_medium_without_safeguard",
        "conditions",
        "D6",
    ),
    (S.ACTIVE, "renew", "open_intervention", "reason", "intervention"),
    (S.SUSPENDED, "resume", "no_new_version_since_the_suspension", "reason", "resumption"),
]


@pytest.mark.parametrize("state, action, condition, field, rule", BEHIND_AN_EMPTY_FIELD)
def test_a_missing_reason_or_condition_does_not_hide_the_rule_that_refuses(
    world, state, action, condition, field, rule
):
    case = break_one(world, state, action, condition)
    case.data[field] = ""
    rules = case.refused_by()
    assert rules[0] == rule, rules
    assert field in rules
