"""A record's history for its page and the API: who, when, what changed, read from the event
tables. ``history_of(record, user, page)`` is the one answer to "the changes of record X that user
U may read"; the pages and ``hrddp/api/history.py`` both ask it.

``record_history(obj, across=[...])`` takes the latest changes to ``obj`` and to the rows that
reference it (its attributions, its communications, ...) in one query, with the user who made
each change (pghistory's middleware puts the user in the context of every web request; a command
or a task names itself instead, see ``context.py``).

Who made a change is itself an identity when the record bears identities (a source) or was
reported by a staff member ("Report an abuse", domain.md 6.4 and 7): for anyone but an HRO, such
rows read "a staff member" (``conceal_actors``), and the user is not even handed to the template.
"""

from dataclasses import dataclass, field

from django.apps import apps
from django.db import models
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from pghistory.models import MiddlewareEvents

from hrddp.registry.identities import history_keys, history_value

LIMIT = 50
LABELS = {
    "insert": pgettext_lazy("history", "created"),
    "update": pgettext_lazy("history", "changed"),
    "delete": pgettext_lazy("history", "deleted"),
    "baseline": pgettext_lazy("history", "as when history began"),
}
# Bookkeeping columns, not changes anyone made.
HIDDEN_COLUMNS = frozenset({"id", "created_at", "updated_at", "revision"})


@dataclass
class Change:
    at: object
    user: object
    what: str
    label: str
    changes: list = field(default_factory=list)  # (field label, old, new)
    by: str = ""  # a command or task, when no user made the change
    concealed: bool = False  # who made it is an identity the reader may not see (domain.md 7)

    def conceal(self):
        self.user, self.by, self.concealed = None, "", True


PAGE_PARAMETER = "history_page"
# Further back than any record's history goes; a larger page would overflow the query's offset.
MAX_PAGE = 100_000
# The reporter of a violation: an identity (domain.md 7), never a value shown to non-HROs.
REPORTER_COLUMNS = frozenset({"reported_by_id"})


@dataclass
class History:
    rows: list
    more: bool  # older changes exist beyond the rows shown
    limit: int = LIMIT
    page: int = 1
    show_values: bool = True  # False: which fields changed, not their old and new values

    @property
    def newer_page(self):
        return self.page - 1 if self.page > 1 else None

    @property
    def older_page(self):
        return self.page + 1 if self.more else None


def history_page(request):
    """The page of history asked for (``?history_page=2``: the 50 changes before the latest 50).

    A page that cannot exist answers 404, as a page past the end does (``record_history``)."""
    try:
        page = max(1, int(request.GET.get(PAGE_PARAMETER, 1)))
    except ValueError:
        return 1
    if page > MAX_PAGE:
        raise Http404
    return page


def record_history(obj, across, page=1, limit=LIMIT, *, reader):
    """Changes to ``obj`` and to the rows referencing it, newest first, ``limit`` a page, in one
    query (no count: one more row than a page tells whether older ones exist). A page past the
    end of the history answers 404.

    ``across``: the event models to read (e.g. ``["registry.ViolationEvent",
    "registry.AttributionEvent"]``); leave out any the reader may not see. ``reader``: the user
    the rows are for; who made a change is concealed from them where it is an identity
    (``conceal_actors``).
    """
    start = (page - 1) * limit
    events = list(
        MiddlewareEvents.objects.references(obj)
        .across(*across)
        .select_related("user")
        .order_by("-pgh_created_at", "-pgh_slug")[start : start + limit + 1]
    )
    if page > 1 and not events:
        raise Http404
    hidden = () if _sees_identities(reader) else REPORTER_COLUMNS
    shown = events[:limit]
    keys = history_keys(shown)
    rows = [change(event, obj, hidden, keys) for event in shown]
    conceal_actors(rows, events, reader, known=_known_reports(obj))
    return History(rows=rows, more=len(events) > limit, limit=limit, page=page)


def _sees_identities(user):
    from hrddp.accounts.access import can_see_identities

    return can_see_identities(user)


def _known_reports(obj):
    """Whether ``obj`` is a staff report, when it is a violation: no query needed to know."""
    if obj is not None and hasattr(obj, "staff_report") and obj.pk:
        return {obj.pk: obj.staff_report}
    return {}


def identity_bearing(model):
    """A model whose rows hold identities (``IDENTITY_FIELDS``, e.g. a source)."""
    return bool(getattr(model, "IDENTITY_FIELDS", ()))


def conceals_actors(reader, violation):
    """Whether who acted on ``violation`` is hidden from ``reader``: a staff member's report, read
    by anyone but an HRO (domain.md 7). ``conceal_actors`` applies it to history rows; pages that
    list a violation's actors elsewhere (its verification table) ask here."""
    return violation.staff_report and not _sees_identities(reader)


def conceal_actors(rows, events, reader, known=None):
    """For anyone but an HRO, who made each change to an identity-bearing row (a source) or to a
    staff-reported violation and its rows reads "a staff member" (domain.md 7): the reporter of
    an abuse is a witness, and their own changes to their report would name them.

    ``rows`` are the ``Change`` rows made from ``events``, in the same order. At most one query:
    which of the violations the events belong to are staff reports (none when ``known`` says)."""
    if _sees_identities(reader):
        return rows
    known = dict(known or {})
    violation_ids = {}
    for index, event in enumerate(events[: len(rows)]):
        model = apps.get_model(event.pgh_obj_model)
        data = event.pgh_data or {}
        if identity_bearing(model):
            rows[index].conceal()
        elif model._meta.label == "registry.Violation":
            if data.get("staff_report"):
                rows[index].conceal()
            else:
                violation_ids[index] = data.get("id")
        elif data.get("violation_id") is not None:
            violation_ids[index] = data["violation_id"]
    unknown = {pk for pk in violation_ids.values() if pk not in known}
    if unknown:
        Violation = apps.get_model("registry", "Violation")
        reported = set(
            Violation.objects.filter(pk__in=unknown, staff_report=True).values_list("pk", flat=True)
        )
        known.update({pk: pk in reported for pk in unknown})
    for index, pk in violation_ids.items():
        if known.get(pk):
            rows[index].conceal()
    return rows


def change(event, obj=None, hidden=(), keys=None):
    """One event as a row: the changed fields with readable labels and values (``keys``: the
    ``history_keys`` of the rows shown, for sources' sealed identities)."""
    keys = {} if keys is None else keys
    model = apps.get_model(event.pgh_obj_model)
    fields = {f.column: f for f in model._meta.concrete_fields}
    data = event.pgh_data or {}
    skip = HIDDEN_COLUMNS | set(hidden)
    if obj is not None and model is not type(obj):
        # The reference to the record the page is about says nothing new.
        skip |= {
            f.column for f in fields.values() if f.is_relation and f.related_model is type(obj)
        }
    changes = [
        (
            field_label(fields.get(column), column),
            # Sources' identities are stored encrypted (registry/identities.py).
            display_value(fields.get(column), history_value(fields.get(column), old, data, keys)),
            display_value(fields.get(column), history_value(fields.get(column), new, data, keys)),
        )
        for column, (old, new) in sorted((event.pgh_diff or {}).items())
        if column not in skip
    ]
    context = event.pgh_context or {}
    return Change(
        at=event.pgh_created_at,
        user=event.user,
        what=_what(model, data, obj),
        label=LABELS.get(event.pgh_label, event.pgh_label),
        changes=changes,
        by=context.get("command") or context.get("task") or "",
    )


def field_label(field, column):
    return str(field.verbose_name) if field is not None else column


def display_value(field, value):
    if value is None or value == "" or value == []:
        return "—"
    if field is None:
        return value
    if field.choices:
        return dict(field.flatchoices).get(value, value)
    if isinstance(field, models.BooleanField):
        return _("yes") if value else _("no")
    if field.is_relation:
        return f"#{value}"
    if isinstance(value, list):
        return ", ".join(str(item) for item in value)
    return value


def _what(model, data, obj):
    name = str(model._meta.verbose_name).capitalize()
    if obj is not None and model is type(obj) and str(data.get("id")) == str(obj.pk):
        return name
    for key in ("name", "title", "kind", "code"):
        if data.get(key):
            value = data[key]
            try:
                value = dict(model._meta.get_field(key).flatchoices).get(value, value)
            except Exception:  # noqa: BLE001 - a column without a model field keeps its value
                pass
            return f"{name} “{value}”"
    return f"{name} #{data.get('id', '')}"


# Each record's history: which event tables a reader may read, given what they may see, and
# whether they see the old and new values. ``history_of`` is the one answer to "the history of
# record X that user U may read", for the record's page and for the API alike.


def _institution_events(user):
    return ["registry.InstitutionEvent"]


def _unit_events(user):
    from hrddp.accounts.access import can_read_registry

    across = ["registry.UnitEvent"]
    if can_read_registry(user):  # commanders are people: registry readers only (domain.md 7)
        across.append("registry.CommandAssignmentEvent")
    return across


def _person_events(user):
    return [
        "registry.PersonEvent",
        "registry.CommandAssignmentEvent",
        "registry.AttributionEvent",
        # A merge is a row of both people's history (issue 15).
        "registry.PersonMergeEvent",
    ]


def _violation_events(user):
    from hrddp.accounts.access import can_see_identities

    across = [
        "registry.ViolationEvent",
        "registry.VerificationChangeEvent",
        "registry.AttributionEvent",
        "registry.AccountabilityActionEvent",
    ]
    if can_see_identities(user):  # sources' events hold identities: HROs only
        across.append("registry.SourceEvent")
    return across


def _request_events(user):
    return [
        "support.SupportRequestEvent",
        "support.RecipientUnitEvent",
        "support.NamedIndividualEvent",
        "support.CommunicationEvent",
        "support.DeliveryEvent",
    ]


def _intervention_events(user):
    return ["assessments.InterventionEvent", "support.CommunicationEvent"]


def _perception_events(user):
    return ["community.PerceptionEvent"]


def _assessment_events(user):
    return [
        "assessments.AssessmentEvent",
        "assessments.FactorRatingEvent",
        "assessments.ScopeAnswerEvent",
        "assessments.RiskEvent",
        "assessments.PerceptionConsultedEvent",
    ]


def _everyone_sees_values(user):
    return True


def _registry_readers_see_values(user):
    # As on the request page: an SSR advisor sees which fields changed, not earlier texts.
    from hrddp.accounts.access import can_read_registry

    return can_read_registry(user)


# Model label -> (the event tables the user may read, whether the user sees the values).
RECORD_HISTORIES = {
    "registry.Institution": (_institution_events, _everyone_sees_values),
    "registry.Unit": (_unit_events, _everyone_sees_values),
    "registry.Person": (_person_events, _everyone_sees_values),
    "registry.Violation": (_violation_events, _everyone_sees_values),
    "support.SupportRequest": (_request_events, _everyone_sees_values),
    "assessments.Intervention": (_intervention_events, _everyone_sees_values),
    "community.Perception": (_perception_events, _everyone_sees_values),
    "assessments.Assessment": (_assessment_events, _registry_readers_see_values),
}


def history_of(record, user, page=1, limit=LIMIT):
    """The history of ``record`` that ``user`` may read, ``limit`` changes a page, newest first:
    only the event tables they may read (a source's events: HROs only; a unit's commanders:
    registry readers only), the reporter of a violation hidden from anyone but an HRO, who made a
    change concealed where it is an identity, and the values left out where the reader sees only
    which fields changed (``show_values``). A page past the end answers 404.

    Whether the user may see ``record`` at all is the caller's lookup (404 before this)."""
    events, sees_values = RECORD_HISTORIES[record._meta.label]
    history = record_history(record, events(user), page, limit, reader=user)
    history.show_values = sees_values(user)
    return history


# The pages that call with their request (``?history_page=``).


def request_history(support_request, request):
    return history_of(support_request, request.user, history_page(request))


def intervention_history(intervention, request):
    return history_of(intervention, request.user, history_page(request))


def perception_history(perception, request):
    return history_of(perception, request.user, history_page(request))


def assessment_history(assessment, request):
    return history_of(assessment, request.user, history_page(request))
