"""The state diagram of domain.md 4.5 and 5, written out by hand and compared with the workflow.

tests/assessments/test_workflow.py reads its expected answers from ``workflow.TRANSITIONS``, the
table it tests; here nothing is read from that table but the names of its actions. For every
request state × every action × every role (the SSR advisor who drafted the request, the HRO, a
manager, the product itself with ``user=None``, and an SSR advisor of another entity) the test
drives ``workflow.apply`` on a real request, walked to that state through the workflow, in a world
where every decision rule passes: a refusal can then only come from the diagram ("state") or the
role ("role"). The workflow checks the role before the state.

One request per state; each cell runs in a savepoint that is rolled back, so cells do not see
each other's changes.
"""

import pytest
from django.db import transaction
from django.utils import timezone

from assessments import workflow
from hrddp.accounts.models import Role
from hrddp.support.models import Communication, CommunicationKind
from hrddp.support.models import RequestStatus as S
from tests.factories import UserFactory, complete_assessment, make_request

pytestmark = pytest.mark.django_db

REQUESTER, HRO, MANAGER, SYSTEM, OUTSIDER = "requester", "hro", "manager", "system", "outsider"
ROLES = (REQUESTER, HRO, MANAGER, SYSTEM, OUTSIDER)

# Support under monitoring (domain.md 5): under review is still active support.
MONITORED = (S.ACTIVE, S.UNDER_REVIEW)
# A request not yet ended: everything but rejected, withdrawn and closed.
OPEN = (
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
STAYS = "stays"  # the request keeps its state (a new assessment version is submitted)

# action: (who may take it, {from state: to state}). Written from domain.md 4.5 and 5:
#   draft → submitted → (returned → submitted) → under assessment → awaiting decision →
#   approved | approved with conditions | rejected → active → (under review → active) →
#   suspended → (resumed: active) | withdrawn; active → lapsed; active → closed.
# The SSR advisor drafts and submits; the HRO assesses and returns; the manager decides,
# suspends, resumes, withdraws; triggers put support under review and the sweep lapses it.
DIAGRAM = {
    "submit": ((REQUESTER,), {S.DRAFT: S.SUBMITTED, S.RETURNED: S.SUBMITTED}),
    "return": ((HRO,), {S.SUBMITTED: S.RETURNED}),
    "start_assessment": ((HRO,), {S.SUBMITTED: S.UNDER_ASSESSMENT}),
    "submit_for_decision": ((HRO,), {S.UNDER_ASSESSMENT: S.AWAITING_DECISION}),
    "send_back": ((MANAGER,), {S.AWAITING_DECISION: S.UNDER_ASSESSMENT}),
    "approve": ((MANAGER,), {S.AWAITING_DECISION: S.APPROVED}),
    "approve_with_conditions": ((MANAGER,), {S.AWAITING_DECISION: S.APPROVED_WITH_CONDITIONS}),
    "reject": ((MANAGER,), {S.AWAITING_DECISION: S.REJECTED}),
    "activate": (
        (MANAGER, REQUESTER),
        {S.APPROVED: S.ACTIVE, S.APPROVED_WITH_CONDITIONS: S.ACTIVE},
    ),
    "review": ((HRO, MANAGER, SYSTEM), {S.ACTIVE: S.UNDER_REVIEW}),
    "submit_version": (
        (HRO,),
        {S.ACTIVE: STAYS, S.UNDER_REVIEW: STAYS, S.SUSPENDED: STAYS},
    ),
    "renew": ((MANAGER,), {S.ACTIVE: S.ACTIVE, S.UNDER_REVIEW: S.ACTIVE}),
    "conclude_review": ((MANAGER,), {S.UNDER_REVIEW: S.ACTIVE}),
    "suspend": ((MANAGER,), {S.ACTIVE: S.SUSPENDED, S.UNDER_REVIEW: S.SUSPENDED}),
    "resume": ((MANAGER,), {S.SUSPENDED: S.ACTIVE}),
    "lapse": ((SYSTEM,), {S.ACTIVE: S.LAPSED, S.UNDER_REVIEW: S.LAPSED}),
    "reassess": ((HRO,), {S.LAPSED: S.UNDER_ASSESSMENT}),
    "close": ((MANAGER,), {S.ACTIVE: S.CLOSED, S.UNDER_REVIEW: S.CLOSED}),
    "withdraw": ((MANAGER,), dict.fromkeys(OPEN, S.WITHDRAWN)),
}


def expected(state, action_name, role):
    """The diagram's answer for one cell: ("allowed", target) or ("refused", rules)."""
    roles, moves = DIAGRAM[action_name]
    if role not in roles:  # the other entity's advisor is in no list: every action refuses them
        return ("refused", ("role",))
    if state not in moves:
        return ("refused", ("state",))
    target = moves[state]
    return ("allowed", state if target == STAYS else target)


# --- a world where every decision rule passes ------------------------------------------------


def letter(request, kind, author):
    return Communication.objects.create(
        request=request,
        kind=kind,
        date=timezone.localdate(),
        counterpart="Ministry of Defence",
        summary="Letter.",
        recorded_by=author,
    )


class World:
    """The personas, and requests walked through the workflow to any state."""

    def __init__(self, mission, ssr_advisor, hro, manager, outsider, support_types=("logistics",)):
        self.mission, self.ssr, self.hro, self.manager = mission, ssr_advisor, hro, manager
        self.users = {
            REQUESTER: ssr_advisor,
            HRO: hro,
            MANAGER: manager,
            SYSTEM: None,
            OUTSIDER: outsider,
        }
        self.support_types = support_types

    def request(self, units, support_types=None, created_by=None):
        return make_request(
            self.mission, created_by or self.ssr, units, support_types or self.support_types
        )

    def walk(self, request, state, prepare=None, drafter=None):
        """Take ``request`` (a draft) to ``state`` through the workflow; ``prepare(assessment)``
        runs on the first assessment before it is submitted for decision."""
        go = lambda action, user, **kw: workflow.apply(request.pk, action, user, **kw)  # noqa: E731
        reason = {"reason": "Because."}
        if state == S.DRAFT:
            pass
        elif state == S.WITHDRAWN:
            go("withdraw", self.manager, **reason)
        else:
            go("submit", self.ssr)
            if state == S.RETURNED:
                go("return", self.hro, **reason)
            elif state != S.SUBMITTED:
                go("start_assessment", drafter or self.hro)
                assessment = complete_assessment(workflow.current_assessment(request))
                if prepare:
                    prepare(assessment)
                if state != S.UNDER_ASSESSMENT:
                    go("submit_for_decision", self.hro)
                    self._decide(request, state, go, reason)
        request.refresh_from_db()
        assert request.status == state
        return request

    def _decide(self, request, state, go, reason):
        if state == S.AWAITING_DECISION:
            return
        if state == S.REJECTED:
            go("reject", self.manager, **reason)
            return
        if state == S.APPROVED_WITH_CONDITIONS:
            go("approve_with_conditions", self.manager, conditions="Monthly reports.", **reason)
        else:
            go("approve", self.manager, **reason)
        request.refresh_from_db()
        # The policy notification, dated on the decision's day and recorded after it (D7).
        letter(request, CommunicationKind.POLICY_NOTIFICATION, self.ssr)
        if state in (S.APPROVED, S.APPROVED_WITH_CONDITIONS):
            return
        go("activate", self.ssr)
        follow = {
            S.UNDER_REVIEW: ("review", self.hro),
            S.SUSPENDED: ("suspend", self.manager),
            S.LAPSED: ("lapse", None),
            S.CLOSED: ("close", self.manager),
        }
        if state in follow:
            action, user = follow[state]
            go(action, user, **reason)

    # What a cell needs besides the state, for the actions that work on a new version.

    def draft_new_version(self, request):
        """A complete new version in draft, made now (after any suspension)."""
        return workflow.new_version(request.pk, self.hro)

    def submitted_new_version(self, request):
        version = self.draft_new_version(request)
        workflow.apply(request.pk, "submit_version", self.hro)
        version.refresh_from_db()
        return version

    def ready_to_resume(self, request):
        version = self.submitted_new_version(request)
        letter(request, CommunicationKind.RESUMPTION, self.ssr)
        return version

    def prepare(self, request, action_name):
        """Make the guards of ``action_name`` pass on ``request`` in its current state."""
        steps = {
            "submit_version": self.draft_new_version,
            "renew": self.submitted_new_version,
            "resume": self.ready_to_resume,
        }
        if action_name in steps:
            steps[action_name](request)


@pytest.fixture
def world(mission, ssr_advisor, hro, manager, outsider):
    return World(mission, ssr_advisor, hro, manager, outsider)


class Rollback(Exception):
    def __init__(self, outcome):
        self.outcome = outcome


def attempt(world, request, action_name, role, prepare=False):
    """One cell, in a savepoint rolled back afterwards: ("allowed", new state) or
    ("refused", the refusal's rules)."""
    try:
        with transaction.atomic():
            if prepare:
                world.prepare(request, action_name)
            try:
                transition = workflow.apply(
                    request.pk,
                    action_name,
                    world.users[role],
                    reason="Because.",
                    conditions="Monthly reports.",
                    waiver_reason="",
                )
            except (workflow.TransitionError, workflow.RoleRefused) as refusal:
                raise Rollback(("refused", tuple(refusal.rules))) from None
            request.refresh_from_db()
            assert transition.to_status == request.status
            raise Rollback(("allowed", request.status))
    except Rollback as done:
        return done.outcome


# --- the tests --------------------------------------------------------------------------------


def test_the_diagram_names_every_action_of_the_workflow():
    assert set(workflow.TRANSITIONS) == set(DIAGRAM)


@pytest.mark.parametrize("state", S.values)
def test_every_action_by_every_role_follows_the_state_diagram(world, unit, state):
    request = world.walk(world.request([unit]), state)
    wrong = []
    for action_name in DIAGRAM:
        for role in ROLES:
            want = expected(state, action_name, role)
            got = attempt(world, request, action_name, role, prepare=want[0] == "allowed")
            if got != want:
                wrong.append(f"{state} × {action_name} × {role}: diagram {want}, workflow {got}")
    request.refresh_from_db()
    assert request.status == state
    assert wrong == []


@pytest.mark.parametrize("state", S.values)
def test_the_page_offers_each_role_what_the_diagram_allows(world, unit, state):
    """The actions a page shows (enabled or with their blockers) are the diagram's for the role."""
    request = world.walk(world.request([unit]), state)
    for role in ROLES:
        offered = {s.action.name for s in workflow.allowed_actions(request, world.users[role])}
        allowed = {a for a in DIAGRAM if expected(state, a, role)[0] == "allowed"}
        assert offered == allowed, (state, role)


def test_a_rejected_request_cannot_be_approved_or_activated(world, unit):
    request = world.walk(world.request([unit]), S.REJECTED)
    for action_name in ("approve", "approve_with_conditions", "activate", "resume", "renew"):
        assert attempt(world, request, action_name, MANAGER) == ("refused", ("state",))


def test_no_requester_or_hro_can_decide(world, unit, mission):
    """Not the drafting advisor, not another advisor of the entity (D4 would not stop them)."""
    other_advisor = UserFactory(username="ssr2", roles=[(mission, Role.REQUESTER)])
    world.users["other advisor"] = other_advisor
    request = world.walk(world.request([unit]), S.AWAITING_DECISION)
    for action_name in ("approve", "approve_with_conditions", "reject", "send_back"):
        for role in (REQUESTER, "other advisor", HRO, SYSTEM, OUTSIDER):
            assert attempt(world, request, action_name, role) == ("refused", ("role",)), (
                action_name,
                role,
            )
