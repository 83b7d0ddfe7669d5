"""The workflow of support requests and their assessments (domain.md 4.5), as data.

``TRANSITIONS`` says, for each action, from which states it may be taken, to which state it leads,
which roles (held in the request's entity) may take it, and which guards must pass. ``apply()`` is
the only code that assigns a request's or an assessment's ``status``: it locks the request row,
checks the table, runs the guards, applies the effect and writes the history row. Pages call
``allowed_actions()`` on the same table, so the page and the server never disagree.
"""

import datetime
import functools
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hrddp import texts
from hrddp.accounts.models import Role
from hrddp.policy.models import PolicySettings
from hrddp.screening import queries_screening as screening_queries
from hrddp.screening import services_screening as screening
from hrddp.support.models import RequestStatus as S
from hrddp.support.models import SupportRequest

from . import rules, snapshots
from .models import (
    OPEN_INTERVENTION_STATUSES,
    Assessment,
    AssessmentStatus,
    Decision,
    DecisionKind,
    Factor,
    FactorRating,
    Intervention,
    InterventionStatus,
    InterventionTransition,
    ScopeAnswer,
    ScopeQuestion,
    Transition,
)
from .risk import risk_profile
from .rules import Blocker

# Actions the product takes by itself (the sweep, the triggers): ``apply(..., user=None)``.
SYSTEM = "system"


# The rule a refusal names when no decision rule does: the state diagram of domain.md 4.5 (the
# action is not possible from this state) and the roles that may take the action.
STATE_RULE = "state"
ROLE_RULE = "role"


class TransitionError(Exception):
    """The action cannot be taken from the request's current state."""

    rules = (STATE_RULE,)


class TransitionBlocked(TransitionError):
    def __init__(self, blockers):
        self.blockers = rules.most_specific_first(blockers)
        super().__init__("; ".join(str(b) for b in self.blockers))

    @property
    def rules(self):
        """The codes of the rules that refused, the most specific first, each once."""
        return tuple(dict.fromkeys(b.rule for b in self.blockers))


class RoleRefused(PermissionDenied):
    """The user holds none of the roles the action allows (a 403 for the pages)."""

    rules = (ROLE_RULE,)


@dataclass(frozen=True)
class Action:
    name: str
    label: str
    sources: tuple
    # None: the request keeps its state (the transition is still recorded).
    target: str | None
    roles: tuple
    guards: tuple = ()
    effect: object = None
    needs_reason: bool = False
    # Fields the decision form asks for besides the reason.
    fields: tuple = ()
    style: str = "primary"
    # Destructive: the page asks the user to confirm before taking it (set apart from the others).
    confirm: bool = False


# --- guards: (request, assessment, user, data) -> [Blocker] -------------------------------


def request_complete(request, assessment, user, data):
    missing = []
    if not request.support_types:
        missing.append(_("support types"))
    if not request.recipient_units.exists():
        missing.append(_("recipient units"))
    if not request.description.strip():
        missing.append(_("description"))
    if missing:
        return [
            Blocker(
                "request",
                _("The request lacks: %(fields)s.") % {"fields": ", ".join(missing)},
                _("Edit the request and fill these in."),
            )
        ]
    return []


def assessment_complete(request, assessment, user, data):
    if assessment is None:
        return [
            Blocker(
                "assessment", _("There is no assessment."), _("Take the request into assessment.")
            )
        ]
    blockers = []
    unrated = [f.code for f in assessment.factors.all() if not (f.rating and f.narrative.strip())]
    if unrated:
        blockers.append(
            Blocker(
                "assessment",
                _("Factors not rated and explained: %(codes)s.") % {"codes": ", ".join(unrated)},
                _("Rate each factor and write its narrative."),
            )
        )
    if not (
        assessment.recommendation
        and assessment.rationale.strip()
        and assessment.risk_of_not_supporting.strip()
    ):
        blockers.append(
            Blocker(
                "assessment",
                _("The recommendation, its rationale or the risk of not supporting is missing."),
                _("Complete the recommendation section."),
            )
        )
    return blockers + rules.d5_extended_scope_answered(request, assessment)


def can_approve(request, assessment, user, data):
    profile = data.get("profile") or risk_profile(assessment)
    return rules.approval_blockers(
        request, assessment, user, profile, waiver_reason=data.get("waiver_reason")
    )


def needs_conditions(request, assessment, user, data):
    if data.get("preview") or (data.get("conditions") or "").strip():
        return []
    return [
        Blocker("conditions", _("Approval with conditions needs the conditions written out."), "")
    ]


def four_eyes(request, assessment, user, data):
    return rules.d4_four_eyes(request, assessment, user)


def policy_communicated(request, assessment, user, data):
    return rules.d7_communication_recorded(request)


# --- effects: (request, assessment, user, data) -> assessment or None -----------------------


def open_assessment(request, assessment, user, data):
    if assessment is not None and not assessment.is_frozen:
        return assessment
    return create_assessment(request, user)


def submit_assessment(request, assessment, user, data):
    assessment.status = AssessmentStatus.SUBMITTED
    assessment.submitted_at = timezone.now()
    assessment.save(update_fields=["status", "submitted_at", "updated_at"])
    snapshots.take(assessment, user)  # what the manager will know (domain.md 4.5)
    return assessment


def reopen_assessment(request, assessment, user, data):
    assessment.status = AssessmentStatus.DRAFT
    assessment.submitted_at = None
    assessment.save(update_fields=["status", "submitted_at", "updated_at"])
    return assessment


def record_decision(kind, request, assessment, user, data):
    profile = data.get("profile") or risk_profile(assessment)
    Decision.objects.create(
        request=request,
        assessment=assessment,
        kind=kind,
        reason=data.get("reason", ""),
        conditions=data.get("conditions", ""),
        waiver_reason=(data.get("waiver_reason") or "").strip()
        if kind != DecisionKind.REJECT
        else "",
        inherent_level=profile.inherent,
        residual_level=profile.residual,
        decided_by=user,
        # D8: who is excluded, as they stood at the decision (the letter's annex lists them).
        excluded_participants=screening_queries.excluded_of(request),
    )
    assessment.status = AssessmentStatus.DECIDED
    assessment.save(update_fields=["status", "updated_at"])
    request.decided_at = timezone.now()
    if kind != DecisionKind.REJECT:
        policy = PolicySettings.get_solo()
        today = timezone.localdate()
        request.review_due = today + datetime.timedelta(days=policy.review_period_days)
        request.valid_until = today + datetime.timedelta(days=policy.validity_days)
    return assessment


def decide(kind):
    """The effect of a decision of ``kind``: ``record_decision`` with its kind (a function of the
    module, so that what a decision records is tested when it is taken, not when the table is built)."""
    return functools.partial(record_decision, kind)


def no_open_intervention(request, assessment, user, data):
    # A page weighing several actions asks once (``allowed_actions`` shares ``data["seen"]``).
    seen = data.get("seen", {})
    if "open_intervention" not in seen:
        # The request page reads it with the request (has_open_intervention); a decision, on
        # the locked request, asks afresh.
        known = getattr(request, "has_open_intervention", None)
        seen["open_intervention"] = (
            known
            if known is not None
            else request.interventions.filter(status__in=OPEN_INTERVENTION_STATUSES).exists()
        )
    if seen["open_intervention"]:
        return [
            Blocker(
                "intervention",
                _("An intervention on this request is still open."),
                _("Resolve the intervention, or decide on it, first."),
            )
        ]
    return []


def draft_version(request, assessment, user, data):
    if assessment is None or assessment.status != AssessmentStatus.DRAFT or assessment.version == 1:
        return [
            Blocker(
                "assessment",
                _("There is no new assessment version being drafted."),
                _("Start a new version of the assessment."),
            )
        ]
    return assessment_complete(request, assessment, user, data)


def resumption_ready(request, assessment, user, data):
    return rules.resumption_ready(request, assessment)


def mark_suspended(request, assessment, user, data):
    request.suspended_at = timezone.now()
    return assessment


def reopen_from_lapse(request, assessment, user, data):
    return create_assessment(request, user, copy_from=assessment)


OPEN_STATES = (
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
# Support under monitoring: triggers, reminders and lapse apply.
MONITORED_STATES = (S.ACTIVE, S.UNDER_REVIEW)
# States in which a draft assessment version may be edited.
ASSESSING_STATES = (S.UNDER_ASSESSMENT, S.ACTIVE, S.UNDER_REVIEW, S.SUSPENDED)

TRANSITIONS = {
    action.name: action
    for action in [
        Action(
            "submit",
            gettext_lazy("Submit"),
            (S.DRAFT, S.RETURNED),
            S.SUBMITTED,
            (Role.REQUESTER,),
            guards=(request_complete,),
        ),
        Action(
            "return",
            gettext_lazy("Return to requester"),
            (S.SUBMITTED,),
            S.RETURNED,
            (Role.HRO,),
            needs_reason=True,
            style="secondary",
        ),
        Action(
            "start_assessment",
            gettext_lazy("Take into assessment"),
            (S.SUBMITTED,),
            S.UNDER_ASSESSMENT,
            (Role.HRO,),
            effect=open_assessment,
        ),
        Action(
            "submit_for_decision",
            gettext_lazy("Submit assessment for decision"),
            (S.UNDER_ASSESSMENT,),
            S.AWAITING_DECISION,
            (Role.HRO,),
            guards=(assessment_complete,),
            effect=submit_assessment,
        ),
        Action(
            "send_back",
            gettext_lazy("Send back for more assessment"),
            (S.AWAITING_DECISION,),
            S.UNDER_ASSESSMENT,
            (Role.MANAGER,),
            needs_reason=True,
            effect=reopen_assessment,
            style="secondary",
        ),
        Action(
            "approve",
            gettext_lazy("Approve"),
            (S.AWAITING_DECISION,),
            S.APPROVED,
            (Role.MANAGER,),
            guards=(can_approve,),
            effect=decide(DecisionKind.APPROVE),
            needs_reason=True,
            fields=("waiver_reason",),
            style="success",
        ),
        Action(
            "approve_with_conditions",
            gettext_lazy("Approve with conditions"),
            (S.AWAITING_DECISION,),
            S.APPROVED_WITH_CONDITIONS,
            (Role.MANAGER,),
            guards=(can_approve, needs_conditions),
            effect=decide(DecisionKind.APPROVE_WITH_CONDITIONS),
            needs_reason=True,
            fields=("conditions", "waiver_reason"),
            style="success",
        ),
        Action(
            "reject",
            gettext_lazy("Reject"),
            (S.AWAITING_DECISION,),
            S.REJECTED,
            (Role.MANAGER,),
            guards=(four_eyes,),
            effect=decide(DecisionKind.REJECT),
            needs_reason=True,
            style="danger",
            confirm=True,
        ),
        Action(
            "activate",
            gettext_lazy("Activate support"),
            (S.APPROVED, S.APPROVED_WITH_CONDITIONS),
            S.ACTIVE,
            (Role.MANAGER, Role.REQUESTER),
            guards=(policy_communicated,),
        ),
        Action(
            "review",
            gettext_lazy("Put under review"),
            (S.ACTIVE,),
            S.UNDER_REVIEW,
            (Role.HRO, Role.MANAGER, SYSTEM),
            needs_reason=True,
            style="secondary",
        ),
        Action(
            "submit_version",
            gettext_lazy("Submit the new assessment version"),
            (S.ACTIVE, S.UNDER_REVIEW, S.SUSPENDED),
            None,
            (Role.HRO,),
            guards=(draft_version,),
            effect=submit_assessment,
        ),
        Action(
            "renew",
            gettext_lazy("Renew the approval"),
            (S.ACTIVE, S.UNDER_REVIEW),
            S.ACTIVE,
            (Role.MANAGER,),
            guards=(can_approve, no_open_intervention),
            effect=decide(DecisionKind.RENEW),
            needs_reason=True,
            fields=("waiver_reason",),
            style="success",
        ),
        Action(
            "conclude_review",
            gettext_lazy("Conclude the review"),
            (S.UNDER_REVIEW,),
            S.ACTIVE,
            (Role.MANAGER,),
            guards=(no_open_intervention,),
            needs_reason=True,
        ),
        Action(
            "suspend",
            gettext_lazy("Suspend support"),
            (S.ACTIVE, S.UNDER_REVIEW),
            S.SUSPENDED,
            (Role.MANAGER,),
            effect=mark_suspended,
            needs_reason=True,
            style="danger",
            confirm=True,
        ),
        Action(
            "resume",
            gettext_lazy("Resume support"),
            (S.SUSPENDED,),
            S.ACTIVE,
            (Role.MANAGER,),
            guards=(resumption_ready, can_approve),
            effect=decide(DecisionKind.RESUME),
            needs_reason=True,
            fields=("waiver_reason",),
            style="success",
        ),
        Action(
            "lapse", gettext_lazy("Lapse"), MONITORED_STATES, S.LAPSED, (SYSTEM,), needs_reason=True
        ),
        Action(
            "reassess",
            gettext_lazy("Assess again"),
            (S.LAPSED,),
            S.UNDER_ASSESSMENT,
            (Role.HRO,),
            effect=reopen_from_lapse,
        ),
        Action(
            "close",
            gettext_lazy("Close"),
            MONITORED_STATES,
            S.CLOSED,
            (Role.MANAGER,),
            needs_reason=True,
            style="secondary",
            confirm=True,
        ),
        Action(
            "withdraw",
            gettext_lazy("Withdraw"),
            OPEN_STATES,
            S.WITHDRAWN,
            (Role.MANAGER,),
            needs_reason=True,
            style="danger",
            confirm=True,
        ),
    ]
}


def current_assessment(request):
    return request.assessments.order_by("-version").first()


def holds_role(request, user, roles):
    if user is None:
        return SYSTEM in roles
    return request.entity_id in user.entity_ids_for(*roles)


@dataclass
class ActionState:
    action: Action
    blockers: list = field(default_factory=list)

    @property
    def enabled(self):
        return not self.blockers


def allowed_actions(request, user, assessment=None, profile=None):
    """The actions ``user`` may take now on ``request``, each with what blocks it (if anything).

    Fields that the action's own form supplies (reason, conditions, waiver) are not held against
    it here; the D2 need for a waiver shows as a blocker whose remedy is the waiver field.
    """
    assessment = assessment if assessment is not None else current_assessment(request)
    states = []
    seen = {}  # what one guard found, for the next one that asks the same
    for action in TRANSITIONS.values():
        if request.status not in action.sources or not holds_role(request, user, action.roles):
            continue
        data = {"preview": True, "profile": profile, "seen": seen}
        if can_approve in action.guards and assessment is not None and profile is None:
            data["profile"] = profile = risk_profile(assessment)
        blockers = [b for guard in action.guards for b in guard(request, assessment, user, data)]
        if "waiver_reason" in action.fields:
            blockers = [b for b in blockers if b.rule != "D2"]
        states.append(ActionState(action, blockers))
    return states


def needs_waiver(profile):
    return bool(rules.d2_waiver_for_high_residual(profile, ""))


def waiver_needed(request):
    """Whether approving ``request`` now needs a waiver (D2), from its current assessment."""
    assessment = current_assessment(request)
    return assessment is not None and needs_waiver(risk_profile(assessment))


def record_refusal(error, model, row):
    """Append a refused attempt (``row``: the fields of a ``model`` log row) once the transaction
    that tried it has rolled back, in a transaction of its own (domain.md 4.5: every attempt is
    recorded, allowed or refused).

    A workflow call made inside another one's transaction (an intervention's suspend suspends its
    requests through ``apply``) writes its row there, which the outer call's rollback undoes: the
    rows ride on the error, and the outer call writes them again with its own."""
    attempts = [*getattr(error, "refused_attempts", ()), (model, row)]
    with transaction.atomic():
        for log_model, fields in attempts:
            log_model.objects.create(**fields, allowed=False, rules=list(error.rules))
    error.refused_attempts = attempts


def apply(request_pk, action_name, user, reason="", **data):
    """Take ``action_name`` on the request, as ``user``. Raises PermissionDenied for a role the
    action never allows, TransitionError for a wrong state, TransitionBlocked with the rules.

    Every attempt leaves a ``Transition`` row: the allowed one with the change, a refused one
    after the rollback (``allowed=False`` and the refusing rules' codes); the error is re-raised
    unchanged."""
    action = TRANSITIONS.get(action_name)
    if action is None:
        raise TransitionError(_("Unknown action."))
    attempt = {}
    try:
        return _apply(request_pk, action, user, reason, data, attempt)
    except (TransitionError, RoleRefused) as error:
        if attempt:
            record_refusal(error, Transition, attempt)
        raise


def _apply(request_pk, action, user, reason, data, attempt):
    """``apply`` in one transaction; ``attempt`` receives what a refusal records."""
    # A reason the product writes itself (the sweep, a trigger) is a text (hrddp.texts): stored
    # as its code and parameters, read in the reader's language; a person's reason is their words.
    reason_text = reason if texts.is_text(reason) else {}
    if reason_text:
        reason = ""
    with transaction.atomic():
        request = SupportRequest.objects.select_for_update().get(pk=request_pk)
        # What a refusal records: to_status is the state the action would have led to.
        attempt.update(
            request=request,
            action=action.name,
            from_status=request.status,
            to_status=action.target or request.status,
            actor=user,
            reason=(reason or "").strip(),
            reason_text=reason_text,
        )
        if not holds_role(request, user, action.roles):
            raise RoleRefused(_("Your role does not allow this action."))
        if request.status not in action.sources:
            raise TransitionError(
                _("“%(action)s” is not possible while the request is %(status)s.")
                % {"action": action.label, "status": request.get_status_display()}
            )
        assessment = current_assessment(request)
        if assessment is not None:
            assessment = Assessment.objects.select_for_update().get(pk=assessment.pk)
        attempt["assessment"] = assessment
        reason = (reason or "").strip()
        data = {**data, "reason": reason}
        blockers = []
        if action.needs_reason and not (reason or reason_text):
            blockers.append(Blocker("reason", _("Give a reason."), ""))
        blockers += [b for guard in action.guards for b in guard(request, assessment, user, data)]
        if blockers:
            raise TransitionBlocked(blockers)
        if action.effect:
            assessment = action.effect(request, assessment, user, data)
        from_status = request.status
        request.status = action.target or from_status
        request.save()
        return Transition.objects.create(
            request=request,
            assessment=assessment,
            action=action.name,
            from_status=from_status,
            to_status=request.status,
            actor=user,
            reason=reason,
            reason_text=reason_text,
        )


def create_assessment(request, user, copy_from=None):
    """A new draft version; with ``copy_from``, a copy of that version's content to edit."""
    last = request.assessments.order_by("-version").values_list("version", flat=True).first() or 0
    assessment = Assessment.objects.create(request=request, version=last + 1, drafter=user)
    if last:
        # Screening expires with the assessment (domain.md 4.6): participants are screened again.
        screening.expire(request)
    if copy_from is None:
        FactorRating.objects.bulk_create(
            FactorRating(assessment=assessment, code=code) for code in Factor.values
        )
        ScopeAnswer.objects.bulk_create(
            ScopeAnswer(assessment=assessment, code=code) for code in ScopeQuestion.values
        )
        return assessment
    for field_name in ("recommendation", "rationale", "risk_of_not_supporting", "monitoring_plan"):
        setattr(assessment, field_name, getattr(copy_from, field_name))
    assessment.save()
    assessment.perceptions_consulted.set(copy_from.perceptions_consulted.all())
    FactorRating.objects.bulk_create(
        FactorRating(
            assessment=assessment,
            code=f.code,
            rating=f.rating,
            narrative=f.narrative,
            evidence=f.evidence,
        )
        for f in copy_from.factors.all()
    )
    ScopeAnswer.objects.bulk_create(
        ScopeAnswer(assessment=assessment, code=a.code, rating=a.rating, answer=a.answer)
        for a in copy_from.scope_answers.all()
    )
    for risk in copy_from.risks.prefetch_related("measures"):
        measures = list(risk.measures.all())
        risk.pk = None
        risk.assessment = assessment
        risk.save()
        for measure in measures:
            measure.pk = None
            measure.risk = risk
            measure.save()
    return assessment


def new_version(request_pk, user):
    """Edit an assessment whose version is frozen by a decision: the decision keeps its version."""
    with transaction.atomic():
        request = SupportRequest.objects.select_for_update().get(pk=request_pk)
        if not holds_role(request, user, (Role.HRO,)):
            raise PermissionDenied(_("Only a human rights officer drafts assessments."))
        latest = current_assessment(request)
        if latest is None or not latest.is_frozen:
            raise TransitionError(_("The current assessment is not frozen; edit it directly."))
        if request.status not in ASSESSING_STATES:
            raise TransitionError(
                _(
                    "A new version is drafted while the support is active, under review or suspended."
                )
            )
        return create_assessment(request, user, copy_from=latest)


# --- interventions ---------------------------------------------------------------------------

IS = InterventionStatus
INTERVENTION_ACTIONS = {
    action.name: action
    for action in [
        Action(
            "escalate",
            gettext_lazy("Escalate to the manager"),
            (IS.OPEN,),
            IS.ESCALATED,
            (Role.HRO,),
            needs_reason=True,
        ),
        Action(
            "resolve",
            gettext_lazy("Resolved"),
            (IS.OPEN, IS.ESCALATED),
            IS.RESOLVED,
            (Role.HRO, Role.MANAGER),
            needs_reason=True,
            style="success",
        ),
        Action(
            "continue",
            gettext_lazy("Continue support with measures"),
            (IS.OPEN, IS.ESCALATED),
            IS.CONTINUED,
            (Role.MANAGER,),
            needs_reason=True,
        ),
        Action(
            "suspend",
            gettext_lazy("Suspend support to the units concerned"),
            (IS.OPEN, IS.ESCALATED),
            IS.SUSPENDED,
            (Role.MANAGER,),
            needs_reason=True,
            style="danger",
        ),
    ]
}


def open_intervention(trigger):
    """Open the intervention, and its log's first row: opened by the system."""
    policy = PolicySettings.get_solo()
    today = timezone.localdate()
    intervention = Intervention.objects.create(
        request=trigger.request,
        trigger=trigger,
        unit=trigger.unit,
        opened_on=today,
        intercession_due=today + datetime.timedelta(days=policy.intercession_due_days),
        response_due=today + datetime.timedelta(days=policy.response_due_days),
    )
    InterventionTransition.objects.create(
        intervention=intervention,
        action="open",
        from_status="",
        to_status=intervention.status,
        actor=None,
    )
    return intervention


def allowed_intervention_actions(intervention, user):
    return [
        action
        for action in INTERVENTION_ACTIONS.values()
        if intervention.status in action.sources
        and holds_role(intervention.request, user, action.roles)
    ]


def apply_intervention(intervention_pk, action_name, user, reason=""):
    """Take an intervention action. ``suspend`` suspends exactly the monitored requests of the
    manager's entities that benefit the unit concerned; other units' support stays active.

    Every attempt leaves an ``InterventionTransition`` row, as ``apply`` does for requests; the
    suspended requests leave theirs."""
    action = INTERVENTION_ACTIONS.get(action_name)
    if action is None:
        raise TransitionError(_("Unknown action."))
    attempt = {}
    try:
        return _apply_intervention(intervention_pk, action, user, reason, attempt)
    except (TransitionError, RoleRefused) as error:
        if attempt:
            record_refusal(error, InterventionTransition, attempt)
        raise


def _apply_intervention(intervention_pk, action, user, reason, attempt):
    """``apply_intervention`` in one transaction; ``attempt`` receives what a refusal records."""
    with transaction.atomic():
        intervention = (
            Intervention.objects.select_for_update()
            .select_related("request")
            .get(pk=intervention_pk)
        )
        attempt.update(
            intervention=intervention,
            action=action.name,
            from_status=intervention.status,
            to_status=action.target,
            actor=user,
            reason=(reason or "").strip(),
        )
        if not holds_role(intervention.request, user, action.roles):
            raise RoleRefused(_("Your role does not allow this action."))
        if intervention.status not in action.sources:
            raise TransitionError(
                _("“%(action)s” is not possible while the intervention is %(status)s.")
                % {"action": action.label, "status": intervention.get_status_display()}
            )
        reason = (reason or "").strip()
        if action.needs_reason and not reason:
            raise TransitionBlocked([Blocker("reason", _("Give a reason."), "")])
        from_status = intervention.status
        intervention.status = action.target
        if action.target not in (IS.OPEN, IS.ESCALATED):
            intervention.closed_at, intervention.closed_by = timezone.now(), user
        intervention.save()
        InterventionTransition.objects.create(
            intervention=intervention,
            action=action.name,
            from_status=from_status,
            to_status=intervention.status,
            actor=user,
            reason=reason,
        )
        suspended = []
        if action.name == "suspend":
            benefiting = SupportRequest.objects.filter(
                status__in=MONITORED_STATES,
                recipient_units=intervention.unit_id,
                entity_id__in=user.entity_ids_for(Role.MANAGER),
            ).distinct()
            for request in benefiting:
                suspended.append(apply(request.pk, "suspend", user, reason=reason))
        return intervention, suspended


def attempt_label(row):
    """The label of a log row's action (a ``Transition`` or an ``InterventionTransition``), in
    the reader's language; the opening of an intervention is the system's own step."""
    if isinstance(row, InterventionTransition):
        if row.action == "open":
            return gettext_lazy("Opened on a trigger")
        actions = INTERVENTION_ACTIONS
    else:
        actions = TRANSITIONS
    action = actions.get(row.action)
    return action.label if action else row.action
