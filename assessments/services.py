"""Saving an assessment's content: factors, extended-scope answers, recommendation, risks, measures.

Pages, commands and any future API call these plain functions. Each one locks the request and the
assessment (in that order, as ``workflow.apply`` does, so the two never deadlock), refuses the
edit when the assessment may no longer change, compares the revision the editor started from
(optimistic locking: two people saving the same assessment never silently overwrite each other)
and bumps it. Statuses are never assigned here: only ``workflow.py`` does that.
"""

from contextlib import contextmanager

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from hrddp.community.queries import consultable_perceptions
from hrddp.support.models import Communication, CommunicationKind, SupportRequest

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
# What an intervention puts on the request's communications log.
INTERVENTION_COMMUNICATION_KINDS = (CommunicationKind.INTERCESSION, CommunicationKind.RESPONSE)


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
        errors = {}
        for name in MAIN_FIELDS:
            if name in fields:
                setattr(assessment, name, fields[name])
        try:
            assessment.full_clean(exclude=["request", "drafter"])
        except ValidationError as error:
            errors.update(error.message_dict)
        if scope_answers and not assessment.request.is_extended_scope:
            errors["scope_answers"] = [_("Only an extended-scope request answers S1–S5.")]
        if perceptions is not None:
            allowed = set(consultable_perceptions(assessment).values_list("pk", flat=True))
            unknown = sorted(p.pk for p in perceptions if p.pk not in allowed)
            if unknown:
                errors["perceptions_consulted"] = [
                    _(
                        "Only perceptions of the recipients' institutions, units and areas can "
                        "be consulted (not %(ids)s)."
                    )
                    % {"ids": ", ".join(map(str, unknown))}
                ]
        factor_rows = _changed_rows(FactorRating, assessment, factors, FACTOR_FIELDS, errors)
        scope_rows = []
        if scope_answers and assessment.request.is_extended_scope:
            scope_rows = _changed_rows(
                ScopeAnswer, assessment, scope_answers, SCOPE_FIELDS, errors, "scope_answers"
            )
        if errors:
            raise ValidationError(errors)
        assessment.save(update_fields=[*MAIN_FIELDS, "updated_at"])
        FactorRating.objects.bulk_update(factor_rows, FACTOR_FIELDS)
        if scope_rows:
            ScopeAnswer.objects.bulk_update(scope_rows, SCOPE_FIELDS)
        if perceptions is not None:
            assessment.perceptions_consulted.set(perceptions)
        return assessment


def save_factor(assessment_pk, revision, code, values, perceptions=None, new_risk=None):
    """One section of the editor: factor ``code`` ({rating, narrative, evidence}), for F8 the
    ``perceptions`` consulted (unless None), and ``new_risk`` ({description, likelihood,
    severity}) added under this factor, all or nothing. Returns the assessment."""
    with transaction.atomic():
        assessment = save_main(
            assessment_pk, revision, fields={}, factors={code: values}, perceptions=perceptions
        )
        if new_risk:
            save_risk(assessment_pk, assessment.revision, {**new_risk, "factor": code})
            assessment.revision += 1
        return assessment


def _changed_rows(model, assessment, values_by_code, field_names, errors, key="factors"):
    """The rows of ``values_by_code`` with their new values, validated; errors under ``key``,
    each message naming its code (F1, S2...)."""
    rows = list(model.objects.filter(assessment=assessment, code__in=list(values_by_code)))
    for row in rows:
        for name in field_names:
            setattr(row, name, values_by_code[row.code].get(name, getattr(row, name)))
        try:
            row.full_clean(exclude=["assessment"])
        except ValidationError as error:
            errors.setdefault(key, []).extend(
                f"{row.code} {field}: {message}"
                for field, messages in error.message_dict.items()
                for message in messages
            )
    return rows


def _by_field(error):
    return {
        ("non_field_errors" if field == NON_FIELD_ERRORS else field): messages
        for field, messages in error.message_dict.items()
    }


def _apply_risk(risk, values, measures):
    """``risk`` with ``values`` set, and the changes ``measures`` asks for: (measures to save,
    measures to delete, errors by field; ``measures`` holds one dict per item, or the unknown
    ids). Nothing is saved."""
    for name in RISK_FIELDS:
        if name in values:
            setattr(risk, name, values[name])
    errors = {}
    try:
        risk.full_clean(exclude=["assessment"])
    except ValidationError as error:
        errors.update(_by_field(error))
    existing = {m.pk: m for m in risk.measures.all()} if risk.pk else {}
    unknown = sorted({item["id"] for item in measures if item.get("id")} - set(existing))
    if unknown:
        errors["measures"] = [
            _("Unknown id(s) for this risk: %(ids)s.") % {"ids": ", ".join(map(str, unknown))}
        ]
        return [], [], errors
    to_save, to_delete, item_errors = [], [], []
    for item in measures:
        measure = existing[item["id"]] if item.get("id") else Measure(risk=risk)
        if item.get("delete"):
            if measure.pk:
                to_delete.append(measure)
            item_errors.append({})
            continue
        for name in MEASURE_FIELDS:
            if name in item:
                setattr(measure, name, item[name])
        try:
            measure.full_clean(exclude=["risk"])
            item_errors.append({})
        except ValidationError as error:
            item_errors.append(_by_field(error))
        to_save.append(measure)
    if any(item_errors):
        errors["measures"] = item_errors
    return to_save, to_delete, errors


def risk_errors(risk, values, measures=()):
    """What is wrong with ``risk`` once ``values`` and ``measures`` (as ``save_risk`` takes them)
    are applied, by field; ``measures`` holds one dict per item. Empty when all is well."""
    return _apply_risk(risk, values, measures)[2]


def _flat(errors):
    """Errors with nested rows as a Django ValidationError (each row's messages numbered)."""
    flat = {}
    for field, value in errors.items():
        messages = []
        for index, item in enumerate(value, start=1):
            if isinstance(item, dict):
                messages.extend(
                    f"{index}. {name}: {message}" for name, msgs in item.items() for message in msgs
                )
            else:
                messages.append(item)
        flat[NON_FIELD_ERRORS if field == "non_field_errors" else field] = messages
    return ValidationError(flat)


def save_risk(assessment_pk, revision, values, measures=(), risk_pk=None):
    """Create (``risk_pk`` None) or change a risk of the assessment, with its measures.

    ``measures``: dicts of MEASURE_FIELDS, with ``id`` for an existing measure of this risk and
    ``delete`` true to remove it. A measure not listed stays as it is: removal is explicit.
    Raises ValidationError by field (``risk_errors``), saving nothing.
    """
    with editing(assessment_pk, revision) as assessment:
        risk = Risk(assessment=assessment) if risk_pk is None else assessment.risks.get(pk=risk_pk)
        to_save, to_delete, errors = _apply_risk(risk, values, measures)
        if errors:
            raise _flat(errors)
        risk.save()
        for measure in to_delete:
            measure.delete()
        for measure in to_save:
            measure.risk = risk
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
    if kind not in INTERVENTION_COMMUNICATION_KINDS:
        raise ValidationError(
            {"kind": _("An intervention records the intercession letter or the response.")}
        )
    communication = Communication(
        request=intervention.request,
        intervention=intervention,
        kind=kind,
        date=date,
        counterpart=counterpart,
        summary=summary,
        recorded_by=user,
    )
    communication.full_clean()
    communication.save()
    return communication
