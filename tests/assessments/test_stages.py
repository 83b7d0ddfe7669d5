"""Where a request stands (domain.md 4.5), derived from its status in one place: the stepper's
steps, who acts next, the natural next steps of each stage (which blocked actions are worth
showing) and the order of the actions on the page."""

from types import SimpleNamespace

import pytest

from assessments import stages, workflow
from assessments.models import AssessmentStatus
from hrddp.accounts.models import Role
from hrddp.support.models import RequestStatus as S

MAIN = ["Draft", "Submitted", "Under assessment", "Awaiting decision", "Approved", "Active"]


def current(steps):
    [step] = [s for s in steps if s.is_current]
    return step


# status -> (label of the current step, how many steps are done before it)
STEPPER = {
    S.DRAFT: ("Draft", 0),
    S.SUBMITTED: ("Submitted", 1),
    S.RETURNED: ("Returned to requester", 1),
    S.UNDER_ASSESSMENT: ("Under assessment", 2),
    S.AWAITING_DECISION: ("Awaiting decision", 3),
    S.APPROVED: ("Approved", 4),
    S.APPROVED_WITH_CONDITIONS: ("Approved with conditions", 4),
    S.REJECTED: ("Rejected", 4),
    S.ACTIVE: ("Active", 5),
    S.UNDER_REVIEW: ("Under review", 5),
    S.SUSPENDED: ("Suspended", 5),
    S.LAPSED: ("Lapsed", 5),
    S.CLOSED: ("Closed", 5),
}


@pytest.mark.parametrize("status", list(STEPPER))
def test_the_stepper_marks_one_current_step_per_status(status):
    steps = stages.journey(status)
    label, done = STEPPER[status]
    assert len(steps) == len(MAIN)
    assert str(current(steps).label) == label
    assert [s.state for s in steps] == ["done"] * done + ["current"] + ["todo"] * (5 - done)
    assert current(steps).branch == (label not in MAIN)


def test_every_status_has_a_place_in_the_stepper():
    assert set(STEPPER) | {S.WITHDRAWN} == set(S)


def test_a_withdrawn_request_shows_the_step_it_was_withdrawn_at():
    steps = stages.journey(S.WITHDRAWN, previous=S.UNDER_ASSESSMENT)
    assert [s.state for s in steps] == ["done", "done", "current", "todo", "todo", "todo"]
    assert str(current(steps).label) == "Withdrawn" and current(steps).ended
    # Without knowing where: the main line stays unmarked and the ending stands after it.
    steps = stages.journey(S.WITHDRAWN)
    assert str(current(steps).label) == "Withdrawn" and steps[-1].is_current


@pytest.mark.parametrize("status", [S.REJECTED, S.WITHDRAWN, S.CLOSED])
def test_nobody_acts_next_on_an_ended_request(status):
    assert stages.next_actors(status) == []
    assert current(stages.journey(status, previous=S.ACTIVE)).ended


@pytest.mark.parametrize(
    "status, roles",
    [
        (S.DRAFT, [Role.REQUESTER]),
        (S.RETURNED, [Role.REQUESTER]),
        (S.SUBMITTED, [Role.HRO]),
        (S.UNDER_ASSESSMENT, [Role.HRO]),
        (S.AWAITING_DECISION, [Role.MANAGER]),
        (S.APPROVED, [Role.REQUESTER, Role.MANAGER]),
        (S.ACTIVE, [Role.HRO, Role.MANAGER]),
        (S.SUSPENDED, [Role.MANAGER]),
        (S.LAPSED, [Role.HRO]),
    ],
)
def test_who_acts_next_follows_the_status(status, roles):
    assert stages.next_actors(status) == roles


@pytest.mark.parametrize("status", list(stages.NEXT_STEPS))
def test_every_natural_next_step_is_an_action_from_that_state(status):
    for name in stages.NEXT_STEPS[status]:
        assert status in workflow.TRANSITIONS[name].sources, (status, name)


def request_in(status, assessment_status=None, version=2):
    request = SimpleNamespace(status=status)
    assessment = (
        SimpleNamespace(status=assessment_status, version=version) if assessment_status else None
    )
    return request, assessment


def blocked(name):
    return workflow.ActionState(workflow.TRANSITIONS[name], blockers=["D1"])


def test_renewal_blocked_after_activation_is_not_shown():
    request, assessment = request_in(S.ACTIVE, AssessmentStatus.DECIDED, version=1)
    assert not stages.worth_showing(blocked("renew"), request, assessment)
    assert not stages.worth_showing(blocked("submit_version"), request, assessment)


def test_renewal_blocked_is_shown_once_a_new_version_is_submitted():
    request, assessment = request_in(S.UNDER_REVIEW, AssessmentStatus.SUBMITTED)
    assert stages.worth_showing(blocked("renew"), request, assessment)
    request, assessment = request_in(S.ACTIVE, AssessmentStatus.DRAFT)
    assert stages.worth_showing(blocked("submit_version"), request, assessment)


def test_a_blocked_approval_awaiting_decision_is_shown_and_an_enabled_action_always():
    request, assessment = request_in(S.AWAITING_DECISION, AssessmentStatus.SUBMITTED, 1)
    assert stages.worth_showing(blocked("approve"), request, assessment)
    enabled = workflow.ActionState(workflow.TRANSITIONS["withdraw"])
    assert stages.worth_showing(enabled, request, assessment)
    assert not stages.worth_showing(blocked("withdraw"), request, assessment)


def test_actions_in_page_order_approve_first_then_send_back_then_the_destructive_ones():
    names = ["withdraw", "reject", "send_back", "approve_with_conditions", "approve"]
    states = [workflow.ActionState(workflow.TRANSITIONS[name]) for name in names]
    assert [s.action.name for s in stages.in_page_order(states)] == [
        "approve",
        "approve_with_conditions",
        "send_back",
        "reject",
        "withdraw",
    ]


def test_the_destructive_actions_ask_for_confirmation():
    confirmed = {name for name, action in workflow.TRANSITIONS.items() if action.confirm}
    assert confirmed == {"reject", "withdraw", "suspend", "close"}


def test_the_destructive_actions_come_after_every_other_action():
    states = [workflow.ActionState(action) for action in workflow.TRANSITIONS.values()]
    confirms = [s.action.confirm for s in stages.in_page_order(states)]
    assert confirms == sorted(confirms)  # all False first, then all True
    assert stages.in_page_order(states)[0].action.name == "approve"
