"""The edit history of a request's assessments, read from django-pghistory's event tables.

The events carry the user that ``pghistory.middleware.HistoryMiddleware`` put in their context;
changes made outside a web request name the command or task instead (hrddp/audit/context.py).
Values are shown as every record's history shows them (hrddp/audit/history.py).
"""

from dataclasses import dataclass

from django.apps import apps
from django.contrib.postgres.expressions import ArraySubquery
from django.db.models import OuterRef
from pghistory.models import MiddlewareEvents

from hrddp.audit.history import Change, change

# The links between the assessment and its parts, not edits anyone made.
HIDDEN_COLUMNS = {"assessment_id", "risk_id", "request_id"}


@dataclass
class Edit(Change):
    version: int | None = None  # the assessment version the edited row belongs to


EDITS_LIMIT = 50


def _risk_events(**lookups):
    return apps.get_model("assessments", "RiskEvent").objects.filter(**lookups)


def with_edited_risks(assessments):
    """``assessments`` with ``edited_risk_ids``: every risk they ever had, deleted ones included,
    whose measures' edits ``assessment_edits`` reads; so that it need not ask for them itself."""
    risks = _risk_events(assessment_id=OuterRef("pk")).values("pgh_obj_id").distinct()
    return assessments.annotate(edited_risk_ids=ArraySubquery(risks))


def assessment_edits(assessments, limit=EDITS_LIMIT):
    """The latest ``limit`` recorded changes to these assessments and to their factors, answers,
    risks and measures, oldest first, in at most four queries; and whether older ones exist
    (each assessment's page pages through its whole history)."""
    assessments = list(assessments)
    if not assessments:
        return [], False
    versions = {a.pk: a.version for a in assessments}
    newest_first = ("-pgh_created_at", "-pgh_slug")
    events = list(
        MiddlewareEvents.objects.references(assessments)
        .select_related("user")
        .order_by(*newest_first)[: limit + 1]
    )
    if all(hasattr(a, "edited_risk_ids") for a in assessments):
        risk_assessment = {pk: a.pk for a in assessments for pk in a.edited_risk_ids}
    else:
        risk_assessment = dict(
            _risk_events(assessment_id__in=versions)
            .values_list("pgh_obj_id", "assessment_id")
            .distinct()
        )
    if risk_assessment:
        Risk = apps.get_model("assessments", "Risk")
        events += list(
            MiddlewareEvents.objects.references([Risk(pk=pk) for pk in risk_assessment])
            .across("assessments.MeasureEvent")
            .select_related("user")
            .order_by(*newest_first)[: limit + 1]
        )
    events.sort(key=lambda event: (event.pgh_created_at, event.pgh_slug), reverse=True)
    more = len(events) > limit
    events = events[:limit][::-1]
    measure_types = {}
    if any("measure_type_id" in (event.pgh_data or {}) for event in events):
        measure_types = {
            measure_type.pk: measure_type.label
            for measure_type in apps.get_model("assessments", "MeasureType").objects.all()
        }
    return [_edit(event, versions, risk_assessment, measure_types) for event in events], more


def _edit(event, versions, risk_assessment, measure_types):
    model = apps.get_model(event.pgh_obj_model)
    data = event.pgh_data or {}
    if "assessment_id" in data:
        assessment_id = data["assessment_id"]
    elif "risk_id" in data:
        assessment_id = risk_assessment.get(data["risk_id"])
    else:
        assessment_id = data.get("id")
    row = vars(change(event, hidden=HIDDEN_COLUMNS))
    row["what"] = (
        f"{model._meta.verbose_name.capitalize()} {_describe(data, measure_types)}".strip()
    )
    return Edit(**row, version=versions.get(assessment_id))


def _describe(data, measure_types):
    if "version" in data:
        return ""  # the assessment itself: the version column says which
    if "code" in data:
        return data["code"]
    if "measure_type_id" in data:
        return f"“{measure_types.get(data['measure_type_id'], '')}”"
    if "description" in data:
        return f"“{data['description'][:60]}”"
    return f"#{data.get('id', '')}"
