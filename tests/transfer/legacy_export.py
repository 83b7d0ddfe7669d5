"""The exports' cells as the Python path of issue 5 made them, kept as the oracle of the SQL path
(issue 11): the same columns, formatted one cell at a time in Python from ``values_list``.

``expected_rows(queryset, spec_name)`` gives the CSV rows (header first) the old path wrote for
the queryset a list view passed to ``export_response``.
"""

import datetime
from dataclasses import dataclass

from django.contrib.postgres.expressions import ArraySubquery
from django.db.models import CharField, Exists, F, OuterRef, Value
from django.db.models.functions import Coalesce, Concat
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from assessments.models import Decision, Intervention
from hrddp.community.models import Perception
from hrddp.registry.models import (
    Attribution,
    CommandAssignment,
    DatePrecision,
    Institution,
    Violation,
)
from hrddp.support.models import Communication, CommunicationKind, SupportRequest, SupportType

CHUNK_SIZE = 2000
TAB = "\t"


@dataclass(frozen=True)
class Column:
    """``paths``: one values_list lookup, an expression, or a tuple of them (``fmt`` then gets a
    tuple); ``fmt`` turns the value into a cell."""

    header: object
    paths: object
    fmt: object = None

    def lookups(self):
        return self.paths if isinstance(self.paths, tuple) else (self.paths,)


# Cell formatters


def choice_label(model, field_name):
    labels = dict(model._meta.get_field(field_name).flatchoices)
    return lambda value: str(labels.get(value, value or ""))


def translated(value):
    # Seeded vocabulary names are in the translation catalogue; added ones come out as typed.
    return gettext(value) if value else ""


def joined(values):
    return "; ".join(str(value) for value in values or [] if value)


def yes_no(value):
    return gettext("yes") if value else gettext("no")


def date_display(value):
    date, precision = value
    if date is None:
        return ""
    if precision == DatePrecision.YEAR:
        return f"{date:%Y}"
    if precision == DatePrecision.MONTH:
        return f"{date:%Y-%m}"
    return date


def local_date(value):
    return timezone.localdate(value) if value else None


# Built once, not for every row of a long export.
responsibility_label = choice_label(Attribution, "responsibility")
role_label = choice_label(CommandAssignment, "role")
SUPPORT_TYPE_LABELS = dict(SupportType.choices)


def attributions_display(values):
    """Each attribution as the list shows it: "1st Brigade (Direct)"."""
    parts = []
    for value in values or []:
        name, _sep, responsibility = value.rpartition(TAB)
        parts.append(f"{name} ({responsibility_label(responsibility)})")
    return "; ".join(parts)


def roles_at_units(values):
    parts = []
    for value in values or []:
        role, _sep, unit = value.partition(TAB)
        parts.append(f"{role_label(role)}, {unit}")
    return "; ".join(parts)


def support_types(values):
    return "; ".join(str(SUPPORT_TYPE_LABELS.get(code, code)) for code in values or [])


# Multi-valued columns, each one subquery inside the main query (no query per row)


def attributed_to():
    person = Concat(F("person__rank"), Value(" "), F("person__name"), output_field=CharField())
    label = Concat(
        Coalesce(F("unit__name"), person),
        Value(TAB),
        F("responsibility"),
        output_field=CharField(),
    )
    return ArraySubquery(
        Attribution.objects.filter(violation=OuterRef("pk"))
        .order_by("id")
        .annotate(label=label)
        .values("label")
    )


def current_roles():
    label = Concat(F("role"), Value(TAB), F("unit__name"), output_field=CharField())
    return ArraySubquery(
        CommandAssignment.objects.current()
        .filter(person=OuterRef("pk"))
        .order_by("-start", "pk")
        .annotate(label=label)
        .values("label")
    )


def recipient_unit_names():
    through = SupportRequest.recipient_units.through
    return ArraySubquery(
        through.objects.filter(supportrequest_id=OuterRef("pk"))
        .order_by("unit__name")
        .values("unit__name")
    )


def has_intercession_letter():
    return Exists(
        Communication.objects.filter(
            intervention=OuterRef("pk"), kind=CommunicationKind.INTERCESSION
        )
    )


@dataclass(frozen=True)
class Spec:
    name: str
    columns: tuple

    def headers(self):
        return [str(column.header) for column in self.columns]


VIOLATION_DATE = Column(_("Date"), ("date", "date_precision"), date_display)
VIOLATION_STATUS = Column(
    _("Status"), "verification_status", choice_label(Violation, "verification_status")
)
ATTRIBUTED_TO = Column(_("Attributed to"), attributed_to, attributions_display)

# Every registry record's reference, last in its kind's export (issue 16).
REFERENCE = Column(_("Reference"), "external_ref")

SPECS = {
    "institutions": Spec(
        "institutions",
        (
            Column(_("Name"), "name"),
            Column(_("Kind"), "kind", choice_label(Institution, "kind")),
            Column(_("Country or regional organisation"), "country"),
            Column(_("Units"), "unit_count"),
            REFERENCE,
        ),
    ),
    "units": Spec(
        "units",
        (
            Column(_("Name"), "name"),
            Column(_("Aliases"), "aliases", joined),
            Column(_("Institution"), "institution__name"),
            Column(_("Parent unit"), "parent__name"),
            Column(_("Location"), "location"),
            Column(_("Sub-units"), "child_count"),
            REFERENCE,
        ),
    ),
    "people": Spec(
        "people",
        (
            Column(_("Name"), "name"),
            Column(_("Aliases"), "aliases", joined),
            Column(_("Rank"), "rank"),
            Column(_("Current assignments"), current_roles, roles_at_units),
            Column(_("Violations attributed"), "violation_count"),
            REFERENCE,
        ),
    ),
    "assignments": Spec(
        "command-assignments",
        (
            Column(
                _("Person"), ("person__rank", "person__name"), lambda v: " ".join(filter(None, v))
            ),
            Column(_("Role"), "role", choice_label(CommandAssignment, "role")),
            Column(_("Unit"), "unit__name"),
            Column(_("Institution"), "unit__institution__name"),
            Column(_("From"), "start"),
            Column(_("To"), "end"),
            REFERENCE,
        ),
    ),
    "violations": Spec(
        "violations",
        (
            VIOLATION_DATE,
            Column(_("Category"), "category__name", translated),
            Column(_("Subtype"), "subtype__name", translated),
            Column(_("Grave"), "category__is_grave", yes_no),
            Column(_("Location"), "location"),
            VIOLATION_STATUS,
            Column(_("Scale"), "scale", choice_label(Violation, "scale")),
            Column(
                _("Source reliability"),
                "source_reliability",
                choice_label(Violation, "source_reliability"),
            ),
            ATTRIBUTED_TO,
            REFERENCE,
        ),
    ),
    "triage": Spec(
        "triage",
        (
            Column(_("Recorded"), "created_at", local_date),
            Column(_("Reported by staff"), "staff_report", yes_no),
            VIOLATION_DATE,
            Column(_("Category"), "category__name", translated),
            Column(_("Grave"), "category__is_grave", yes_no),
            Column(_("Location"), "location"),
            Column(_("Narrative"), "narrative"),
            ATTRIBUTED_TO,
        ),
    ),
    "my_reports": Spec(
        "my-reports",
        (
            VIOLATION_DATE,
            Column(_("Location"), "location"),
            Column(_("Kind of abuse"), "category__name", translated),
            VIOLATION_STATUS,
        ),
    ),
    "requests": Spec(
        "support-requests",
        (
            Column(_("Title"), "title"),
            Column(_("Entity"), "entity__name"),
            Column(_("Status"), "status", choice_label(SupportRequest, "status")),
            Column(_("Support types"), "support_types", support_types),
            Column(_("Recipient units"), recipient_unit_names, joined),
            Column(_("Urgency"), "urgency", choice_label(SupportRequest, "urgency")),
            Column(_("Respond by"), "respond_by"),
            Column(_("Created"), "created_at", local_date),
        ),
    ),
    "waivers": Spec(
        "waivers",
        (
            Column(_("Request"), "request__title"),
            Column(_("Entity"), "request__entity__name"),
            Column(_("Decision"), "kind", choice_label(Decision, "kind")),
            Column(
                _("Decided by"),
                ("decided_by__first_name", "decided_by__last_name", "decided_by__username"),
                lambda v: f"{v[0]} {v[1]}".strip() or v[2],
            ),
            Column(_("When"), "decided_at"),
            Column(_("Residual risk"), "residual_level", choice_label(Decision, "residual_level")),
            Column(_("Assessment version"), "assessment__version"),
            Column(_("Waiver reason"), "waiver_reason"),
        ),
    ),
    "interventions": Spec(
        "interventions",
        (
            Column(_("Unit concerned"), "unit__name"),
            Column(_("Request"), "request__title"),
            Column(_("Entity"), "request__entity__name"),
            Column(_("Status"), "status", choice_label(Intervention, "status")),
            Column(_("Opened"), "opened_on"),
            Column(_("Intercession due"), "intercession_due"),
            Column(_("Intercession letter sent"), has_intercession_letter, yes_no),
            Column(_("Response due"), "response_due"),
        ),
    ),
    "perceptions": Spec(
        "perceptions",
        (
            Column(_("Date"), "date"),
            Column(_("Area"), "area"),
            Column(_("Method"), "method", choice_label(Perception, "method")),
            Column(_("Population group"), "population_group"),
            Column(_("Unit"), "unit__name"),
            Column(_("Institution"), "institution__name"),
            Column(_("Trust in the force"), "trust_in_force"),
            Column(_("Trust in the mission"), "trust_in_mission"),
            Column(_("Concerns"), "concerns"),
        ),
    ),
}


def rows(queryset, spec):
    """The spec's cells for every row of ``queryset``, read in chunks through one query."""
    names, annotations, slices = [], {}, []
    for index, column in enumerate(spec.columns):
        start = len(names)
        for position, lookup in enumerate(column.lookups()):
            if callable(lookup):
                alias = f"export_{index}_{position}"
                annotations[alias] = lookup()
                names.append(alias)
            else:
                names.append(lookup)
        slices.append((column, start, len(names), isinstance(column.paths, tuple)))
    # The page's prefetches serve its template, not the export: one query here.
    queryset = queryset.prefetch_related(None).annotate(**annotations)
    for values in queryset.values_list(*names).iterator(chunk_size=CHUNK_SIZE):
        cells = []
        for column, start, end, composite in slices:
            value = values[start:end] if composite else values[start]
            cells.append(column.fmt(value) if column.fmt else value)
        yield cells


def plain(value):
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).replace(tzinfo=None) if timezone.is_aware(value) else value
    return value


# Spreadsheet programs run a cell beginning with one of these as a formula (CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value):
    value = plain(value)
    if isinstance(value, datetime.datetime):
        return value.isoformat(sep=" ", timespec="minutes")
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def expected_rows(queryset, spec_name):
    spec = SPECS[spec_name]
    return [spec.headers()] + [
        ["" if cell is None else str(csv_cell(cell)) for cell in cells]
        for cells in rows(queryset, spec)
    ]
