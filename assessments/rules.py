"""The decision rules D1–D8 (domain.md 4.5) as plain functions.

Each returns a list of ``Blocker``: which rule blocks, why, and what would unblock it. The
workflow refuses a transition with blockers; pages show them beside the disabled action.
"""

import datetime
from dataclasses import dataclass

from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from hrddp.policy.models import PolicySettings
from hrddp.screening.models import Participant
from hrddp.support.models import CommunicationKind

from .models import EFFECTIVE_MEASURE_STATUSES, AssessmentStatus, Level, Measure, ScopeQuestion
from .risk import at_least


@dataclass(frozen=True)
class Blocker:
    rule: str
    message: str
    remedy: str = ""
    # Where the remedy is done (D8: the request's screening page), when it has a page.
    url: str = ""

    def __str__(self):
        return f"{self.rule}: {self.message}"


def d1_assessment_current(assessment, today=None, policy=None):
    """No approval without an assessment submitted for decision and not older than the validity period."""
    today = today or timezone.localdate()
    if (
        assessment is None
        or assessment.status != AssessmentStatus.SUBMITTED
        or not assessment.submitted_at
    ):
        return [
            Blocker(
                "D1",
                _("No assessment has been submitted for decision."),
                _("The HRO submits the assessment for decision."),
            )
        ]
    validity = (policy or PolicySettings.get_solo()).validity_days
    submitted_on = timezone.localdate(assessment.submitted_at)
    if submitted_on < today - datetime.timedelta(days=validity):
        return [
            Blocker(
                "D1",
                _("The assessment is older than the validity period (%(days)s days).")
                % {"days": validity},
                _("Send it back for a new assessment."),
            )
        ]
    return []


def d2_waiver_for_high_residual(profile, waiver_reason):
    """Residual risk high: approval only with a waiver, a written reason by a manager."""
    if profile.residual == Level.HIGH and not (waiver_reason or "").strip():
        return [
            Blocker(
                "D2",
                _("The residual risk is high."),
                _("Write a waiver reason, or bring the residual risk down with measures."),
            )
        ]
    return []


def effective_measures(assessment):
    return Measure.objects.filter(
        risk__assessment=assessment, status__in=EFFECTIVE_MEASURE_STATUSES
    )


def _effective_measures(assessment, profile):
    """The measures agreed or in place, read once for D3 and D6 and kept on the profile."""
    if profile.effective_measures is None:
        profile.effective_measures = list(
            effective_measures(assessment).select_related("measure_type")
        )
    return profile.effective_measures


def d3_measure_for_recent_grave(assessment, profile):
    """A recipient with a recent countable grave violation: at least one measure agreed or in place."""
    if profile.has_recent_countable_grave and not _effective_measures(assessment, profile):
        units = ", ".join(
            str(u) for u, r in profile.records.items() if r.has_recent_countable_grave
        )
        return [
            Blocker(
                "D3",
                _("A recipient's record holds a recent countable grave violation (%(units)s).")
                % {"units": units},
                _("Agree a mitigatory measure with the authorities, or record one as in place."),
            )
        ]
    return []


def d4_four_eyes(request, assessment, user):
    """The drafter of the request or of the assessment cannot decide on it."""
    drafters = {request.created_by_id, getattr(assessment, "drafter_id", None)}
    if user.pk in drafters:
        return [
            Blocker(
                "D4",
                _("You drafted this request or its assessment, so you cannot decide on it."),
                _("Another manager of the entity decides."),
            )
        ]
    return []


def d5_extended_scope_answered(request, assessment):
    """An extended-scope request: the assessment answers S1–S5."""
    if not request.is_extended_scope:
        return []
    answered = (
        {a.code for a in assessment.scope_answers.all() if a.is_answered} if assessment else set()
    )
    missing = [code for code in ScopeQuestion.values if code not in answered]
    if missing:
        return [
            Blocker(
                "D5",
                _("Extended-scope questions not answered: %(codes)s.")
                % {"codes": ", ".join(missing)},
                _("Rate and explain each of S1–S5 in the assessment."),
            )
        ]
    return []


def d6_accountability_safeguard(request, assessment, profile):
    """Capacity support with residual or inherent risk medium or above: an accountability safeguard."""
    if not request.has_capacity_support:
        return []
    if not (at_least(profile.inherent, Level.MEDIUM) or at_least(profile.residual, Level.MEDIUM)):
        return []
    if any(
        measure.measure_type.is_accountability_safeguard
        for measure in _effective_measures(assessment, profile)
    ):
        return []
    return [
        Blocker(
            "D6",
            _("Capacity support at medium risk or above needs an accountability safeguard."),
            _(
                "Agree a measure marked * (screening, oversight, access for monitors...) or record one in place."
            ),
        )
    ]


def d7_communication_recorded(request, today=None):
    """Support becomes active only after the policy notification and conditions are communicated:
    a letter recorded and dated on or after the decision it notifies, and not dated in the
    future (a letter on file before the decision notified something else)."""
    letters = request.communications.filter(kind=CommunicationKind.POLICY_NOTIFICATION)
    if request.decided_at is None or not letters.sent_after(request.decided_at, today).exists():
        return [
            Blocker(
                "D7",
                _(
                    "No policy notification to the recipient authority has been recorded since "
                    "the decision."
                ),
                _(
                    "Record the letter (policy notification and conditions) in the communications "
                    "log, dated on or after the decision and not in the future."
                ),
            )
        ]
    return []


def unscreened_participants():
    """D8's count as an annotation of a request queryset (``unscreened_participants``), for a
    page that reads it with the request rather than apart."""
    counted = (
        Participant.objects.filter(request=OuterRef("pk"))
        .unscreened()
        .order_by()
        .values("request")
        .annotate(count=Count("pk"))
        .values("count")
    )
    return Coalesce(Subquery(counted), 0)


def d8_participants_screened(request):
    """A request with participants cannot be approved while any is unscreened: no outcome yet, or
    more information needed (domain.md 4.5, 4.6)."""
    # The request page reads the count with the request (``unscreened_participants()``); a
    # decision, on the locked request, counts afresh, once for every approving action weighed.
    unscreened = getattr(request, "unscreened_participants", None)
    if unscreened is None:
        unscreened = Participant.objects.filter(request=request).unscreened().count()
        request.unscreened_participants = unscreened
    if not unscreened:
        return []
    return [
        Blocker(
            "D8",
            ngettext(
                "%(count)s participant is not screened.",
                "%(count)s participants are not screened.",
                unscreened,
            )
            % {"count": unscreened},
            _("The HRO screens every participant and records an outcome for each."),
            reverse("screening:request", args=[request.pk]),
        )
    ]


# Resumption after a suspension (domain.md 5): named by this rule when it refuses.
RESUMPTION = "resumption"


def resumption_ready(request, assessment, today=None):
    """Resumption needs an assessment made after the suspension and a resumption letter recorded
    and dated after the suspension it ends (not before it, not in the future)."""
    blockers = []
    suspended_at = request.suspended_at
    if assessment is None or suspended_at is None or assessment.created_at <= suspended_at:
        blockers.append(
            Blocker(
                RESUMPTION,
                _("No assessment has been made since the suspension."),
                _("The HRO drafts a new version and submits it for decision."),
            )
        )
    letters = request.communications.filter(kind=CommunicationKind.RESUMPTION)
    if suspended_at is None or not letters.sent_after(suspended_at, today).exists():
        blockers.append(
            Blocker(
                RESUMPTION,
                _(
                    "No resumption letter to the authorities has been recorded since the suspension."
                ),
                _(
                    "Record the resumption communication in the log, dated on or after the "
                    "suspension and not in the future."
                ),
            )
        )
    return blockers


# What each refusing rule's code means, as the transition logs show it (domain.md 4.5): the
# rules' messages are written in the actor's language when they refuse, so the logs keep codes.
RULE_TITLES = {
    "D1": gettext_lazy("No approval without a current assessment"),
    "D2": gettext_lazy("High residual risk: approval only with a waiver"),
    "D3": gettext_lazy("A recent grave violation: approval only with a mitigatory measure"),
    "D4": gettext_lazy("The drafter cannot decide"),
    "D5": gettext_lazy("Extended scope: the assessment must answer S1–S5"),
    "D6": gettext_lazy("Capacity support at medium risk or above: an accountability safeguard"),
    "D7": gettext_lazy("Active only after the policy notification to the authority"),
    "D8": gettext_lazy("No approval while a participant is unscreened"),
    RESUMPTION: gettext_lazy("Resumption needs a new assessment and a resumption letter"),
    "state": gettext_lazy("Not possible from this state"),
    "role": gettext_lazy("Not allowed for this role"),
    "reason": gettext_lazy("A reason is required"),
    "conditions": gettext_lazy("The conditions must be written out"),
    "request": gettext_lazy("The request is incomplete"),
    "assessment": gettext_lazy("The assessment is missing or incomplete"),
    "intervention": gettext_lazy("An intervention is still open"),
}


def rule_title(code):
    """The title of a refusing rule in the reader's language; an unknown code shows as itself."""
    return RULE_TITLES.get(code, code)


def is_named_rule(rule):
    """The rules a refusal names before anything else: D1–D8 and the resumption rule."""
    return rule.startswith("D") or rule == RESUMPTION


# What the caller left out of the action's own form: named after every rule of the workflow.
FIELD_RULES = ("reason", "conditions")


def most_specific_first(blockers):
    """``blockers`` in the order a refusal names them (domain.md 4.5): the decision rules and the
    resumption rule, then the workflow's other conditions, then the form's missing fields; within
    each, in the order the guards found them (the resumption rule before D1 for resume)."""

    def rank(blocker):
        if is_named_rule(blocker.rule):
            return 0
        return 2 if blocker.rule in FIELD_RULES else 1

    return sorted(blockers, key=rank)


def approval_blockers(request, assessment, user, profile, waiver_reason="", today=None):
    return (
        d1_assessment_current(assessment, today=today, policy=getattr(profile, "policy", None))
        + d4_four_eyes(request, assessment, user)
        + (
            d2_waiver_for_high_residual(profile, waiver_reason)
            + d3_measure_for_recent_grave(assessment, profile)
            + d5_extended_scope_answered(request, assessment)
            + d6_accountability_safeguard(request, assessment, profile)
            if assessment is not None
            else []
        )
        + d8_participants_screened(request)
    )
