"""Where a request stands in its journey (domain.md 4.5), derived in one place from its status:
the steps of the stepper, who acts next, the natural next steps of each stage (the blocked actions
worth showing), and the order of the actions on the request page.

The state diagram itself, and who may take which action, stay in ``workflow.TRANSITIONS``; this
module only reads it.
"""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from hrddp.accounts.models import Role
from hrddp.support.models import RequestStatus as S

from .models import AssessmentStatus
from .workflow import SYSTEM, TRANSITIONS

# The main line of the journey, in order: the stepper's steps.
MAIN_LINE = (
    (S.DRAFT, _("Draft")),
    (S.SUBMITTED, _("Submitted")),
    (S.UNDER_ASSESSMENT, _("Under assessment")),
    (S.AWAITING_DECISION, _("Awaiting decision")),
    (S.APPROVED, _("Approved")),
    (S.ACTIVE, _("Active")),
)
STEP_OF = {status: index for index, (status, _label) in enumerate(MAIN_LINE)}

# The states off the main line, on the step they branch from: the stepper shows them in place of
# that step's label. Withdrawn branches from wherever the request was (``journey(previous=...)``).
BRANCH_OF = {
    S.RETURNED: S.SUBMITTED,
    S.APPROVED_WITH_CONDITIONS: S.APPROVED,
    S.REJECTED: S.APPROVED,
    S.UNDER_REVIEW: S.ACTIVE,
    S.SUSPENDED: S.ACTIVE,
    S.LAPSED: S.ACTIVE,
    S.CLOSED: S.ACTIVE,
}
# The journey ends there: nobody acts next.
ENDED = (S.REJECTED, S.WITHDRAWN, S.CLOSED)

# The actions each stage leads to naturally: what its actors are expected to do next. A blocked
# action is shown (with its rule and remedy) only when it is one of these; an enabled action is
# always offered. ``natural_next_steps`` adds the steps that a new assessment version opens.
NEXT_STEPS = {
    S.DRAFT: ("submit",),
    S.RETURNED: ("submit",),
    S.SUBMITTED: ("start_assessment", "return"),
    S.UNDER_ASSESSMENT: ("submit_for_decision",),
    S.AWAITING_DECISION: ("approve", "approve_with_conditions", "send_back", "reject"),
    S.APPROVED: ("activate",),
    S.APPROVED_WITH_CONDITIONS: ("activate",),
    S.ACTIVE: ("review", "suspend", "close"),
    S.UNDER_REVIEW: ("conclude_review", "suspend", "close"),
    S.SUSPENDED: ("resume",),
    S.LAPSED: ("reassess",),
}
# Actions that a new version of the assessment makes natural in a monitored or suspended request:
# drafting it leads to submitting it, and a submitted one to the manager's decision on it.
NEW_VERSION_STEPS = {
    AssessmentStatus.DRAFT: ("submit_version",),
    AssessmentStatus.SUBMITTED: ("renew", "resume"),
}


def natural_next_steps(request, assessment=None):
    """The names of the actions that the request's current stage leads to."""
    steps = set(NEXT_STEPS.get(request.status, ()))
    if (
        assessment is not None
        and assessment.version > 1
        and request.status in (S.ACTIVE, S.UNDER_REVIEW, S.SUSPENDED)
    ):
        steps.update(NEW_VERSION_STEPS.get(assessment.status, ()))
    return steps


def worth_showing(state, request, assessment=None, steps=None):
    """Whether the page shows an action state: always when enabled; blocked, only when it is a
    natural next step of the request's stage (``workflow.allowed_actions`` gives the states)."""
    if state.enabled:
        return True
    steps = natural_next_steps(request, assessment) if steps is None else steps
    return state.action.name in steps


def next_actors(status):
    """The roles that act next on a request in ``status``, from the roles of its natural next
    steps in the workflow's table (the system's own steps left out), in the order of ``Role``."""
    roles = {
        role
        for name in NEXT_STEPS.get(status, ())
        for role in TRANSITIONS[name].roles
        if role != SYSTEM
    }
    return [role for role in Role if role in roles]


def next_step_labels(status):
    return [TRANSITIONS[name].label for name in NEXT_STEPS.get(status, ())]


@dataclass(frozen=True)
class Step:
    label: str
    # "done", "current" or "todo"
    state: str
    # The current step is off the main line (returned, rejected, suspended...).
    branch: bool = False
    ended: bool = False

    @property
    def is_current(self):
        return self.state == "current"


def journey(status, previous=None):
    """The stepper's steps for a request in ``status``: the main line, each done, current or
    still to come; a branch state shows on the step it branches from, under its own label.
    ``previous``: for a withdrawn request, the state it was withdrawn from."""
    label = S(status).label
    if status in STEP_OF:
        anchor, branch = status, False
    elif status == S.WITHDRAWN:
        anchor, branch = BRANCH_OF.get(previous, previous) if previous else None, True
    else:
        anchor, branch = BRANCH_OF[status], True
    current = STEP_OF.get(anchor, -1)
    steps = []
    for index, (_status, step_label) in enumerate(MAIN_LINE):
        if index < current:
            state = "done"
        elif index == current:
            state = "current"
        else:
            state = "todo"
        steps.append(
            Step(
                label if index == current and branch else step_label,
                state,
                branch=branch and index == current,
                ended=status in ENDED and index == current,
            )
        )
    if current == -1:
        # Withdrawn from an unknown stage: the ending stands after the steps.
        steps.append(Step(label, "current", branch=True, ended=True))
    return steps


def journey_of(request):
    """``journey`` for a request; a withdrawn one is placed by the state it was withdrawn from
    (its withdrawal's row in the log)."""
    previous = None
    if request.status == S.WITHDRAWN:
        previous = (
            request.transitions.filter(allowed=True, to_status=S.WITHDRAWN)
            .values_list("from_status", flat=True)
            .last()
        )
    return journey(request.status, previous=previous)


def action_rank(action):
    """The order of the actions on the page: approving first, then the other steps forward,
    then sending back, then the destructive ones (confirmed, set apart)."""
    if action.confirm:
        return 3
    if action.style == "success":
        return 0
    if action.style == "primary":
        return 1
    return 2


TABLE_ORDER = {name: index for index, name in enumerate(TRANSITIONS)}


def in_page_order(states):
    """``states`` (``workflow.ActionState``) by ``action_rank``, then in the table's order."""
    return sorted(
        states, key=lambda state: (action_rank(state.action), TABLE_ORDER[state.action.name])
    )


# The manager's decisions on an assessment: the page shows what the decision rests on above them.
DECIDING = ("approve", "approve_with_conditions", "reject", "renew", "resume")
