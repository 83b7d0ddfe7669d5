"""Saving an assessment's content: factors, extended-scope answers, recommendation, risks, measures.

Pages, commands and any future API call these plain functions. Each one locks the request and the
assessment (in that order, as ``workflow.apply`` does, so the two never deadlock), refuses the
edit when the assessment may no longer change, compares the revision the editor started from
(optimistic locking: two people saving the same assessment never silently overwrite each other)
and bumps it. Statuses are never assigned here: only ``workflow.py`` does that.
"""

from contextlib import contextmanager

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from hrddp.support.models import Communication, SupportRequest

from .models import Assessment, AssessmentStatus, FactorRating, Measure, Risk, ScopeAnswer
from .queries import can_record_letter
from .workflow import ASSESSING_STATES

MAIN_FIELDS = ("recommendation", "rationale", "risk_of_not_supporting", "monitoring_plan")
FACTOR_FIELDS = ("rating", "narrative", "evidence")
SCOPE_FIELDS = ("rating", "answer")
RISK_FIELDS = (
    "description",
    "factor",
    "likelihood",
    "severity",
    "residual_likelihood",
    "residual_severity",
)
MEASURE_FIELDS = ("measure_type", "details", "responsible", "due_date", "status")


class EditRefused(Exception):
    """The assessment cannot be edited now (frozen, submitted, or the request is elsewhere)."""


class ConflictError(Exception):
    """Someone else saved the assessment since the editor loaded it."""

    def __init__(self, current):
        self.current = current
        super().__init__(_("The assessment was saved by someone else in the meantime."))


def edit_refusal(assessment):
    """Why ``assessment`` cannot be edited now, or None when it can."""
    if assessment.is_frozen:
        return _(
            "Version %(version)s is frozen by a decision and cannot change. "
            "Start a new version to revise it."
        ) % {"version": assessment.version}
    if assessment.status != AssessmentStatus.DRAFT:
        return _(
            "This assessment has been submitted for decision. It can be edited again only if a "
            "manager sends it back for more assessment."
        )
    if assessment.request.status not in ASSESSING_STATES:
        return _(
            "The request is “%(status)s”; an assessment is edited only while its request is "
            "under assessment, active, under review or suspended."
        ) % {"status": assessment.request.get_status_display()}
    return None


@contextmanager
def editing(assessment_pk, revision):
    """The locked assessment, if it may be edited from ``revision``; bumps the revision after."""
    with transaction.atomic():
        request_pk = Assessment.objects.values_list("request_id", flat=True).get(pk=assessment_pk)
        request = SupportRequest.objects.select_for_update().get(pk=request_pk)
        assessment = Assessment.objects.select_for_update().get(pk=assessment_pk)
        assessment.request = request
        refusal = edit_refusal(assessment)
        if refusal:
            raise EditRefused(refusal)
        if revision is None or int(revision) != assessment.revision:
            raise ConflictError(assessment)
        yield assessment
        # Under the row lock, so a plain increment cannot lose an update.
        assessment.revision += 1
        assessment.save(update_fields=["revision", "updated_at"])


def save_main(assessment_pk, revision, fields, factors, scope_answers=None, perceptions=None):
    """Save the recommendation ``fields``, ``factors`` ({code: {rating, narrative, evidence}}),
    for an extended-scope request ``scope_answers`` ({code: {rating, answer}}) and, unless None,
    the community ``perceptions`` consulted (factor F8), all or nothing."""
    with editing(assessment_pk, revision) as assessment:
        for name in MAIN_FIELDS:
            if name in fields:
                setattr(assessment, name, fields[name])
        assessment.full_clean(exclude=["request", "drafter"])
        assessment.save(update_fields=[*MAIN_FIELDS, "updated_at"])
        _update_rows(FactorRating, assessment, factors, FACTOR_FIELDS)
        if scope_answers and assessment.request.is_extended_scope:
            _update_rows(ScopeAnswer, assessment, scope_answers, SCOPE_FIELDS)
        if perceptions is not None:
            assessment.perceptions_consulted.set(perceptions)
        return assessment


def _update_rows(model, assessment, values_by_code, field_names):
    rows = list(model.objects.filter(assessment=assessment, code__in=list(values_by_code)))
    for row in rows:
        for name in field_names:
            setattr(row, name, values_by_code[row.code].get(name, getattr(row, name)))
        row.full_clean(exclude=["assessment"])
    model.objects.bulk_update(rows, field_names)


def save_risk(assessment_pk, revision, values, measures=(), risk_pk=None):
    """Create (``risk_pk`` None) or change a risk of the assessment, with its measures.

    ``measures``: dicts of MEASURE_FIELDS, with ``id`` for an existing measure of this risk and
    ``delete`` true to remove it.
    """
    with editing(assessment_pk, revision) as assessment:
        risk = Risk(assessment=assessment) if risk_pk is None else assessment.risks.get(pk=risk_pk)
        for name in RISK_FIELDS:
            if name in values:
                setattr(risk, name, values[name])
        risk.full_clean(exclude=["assessment"])
        risk.save()
        for item in measures:
            measure_pk = item.get("id")
            measure = risk.measures.get(pk=measure_pk) if measure_pk else Measure(risk=risk)
            if item.get("delete"):
                if measure.pk:
                    measure.delete()
                continue
            for name in MEASURE_FIELDS:
                if name in item:
                    setattr(measure, name, item[name])
            measure.full_clean(exclude=["risk"])
            measure.save()
        return risk


def delete_risk(assessment_pk, revision, risk_pk):
    with editing(assessment_pk, revision) as assessment:
        assessment.risks.get(pk=risk_pk).delete()


def record_intervention_communication(intervention, user, *, kind, date, counterpart, summary):
    """The intercession letter or the authorities' response, on the request's communications log."""
    if not can_record_letter(user, intervention):
        raise PermissionDenied(
            _("Your role does not allow recording letters for this intervention.")
        )
    return Communication.objects.create(
        request=intervention.request,
        intervention=intervention,
        kind=kind,
        date=date,
        counterpart=counterpart,
        summary=summary,
        recorded_by=user,
    )
