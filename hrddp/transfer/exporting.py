"""Export of any list page, as filtered, to CSV or XLSX (issues 5 and 11).

A list view passes its own filtered queryset (the one its page shows, so the same visibility and
the same order) to ``export_response``; ``?format=csv`` or ``?format=xlsx`` on the page's URL, with
the page's filters, answers with the file.

Each list has a column spec (``SPECS``): the page's columns, each an SQL expression, so that
PostgreSQL computes every cell. Choice labels and vocabulary names come in the reader's language
(a CASE built from the choices, translated when the query is built), lists are joined with
``; ``, dates are ISO, a date known to the month or the year shows only that much. Then:

- CSV is PostgreSQL's own ``COPY (SELECT ...) TO STDOUT WITH (FORMAT csv)``, streamed to the
  client as psycopg reads it: no Python per row, nothing held in memory.
- XLSX is written by a Celery task from the same SELECT, compiled now and stored with the job
  (``export_jobs``): the reader gets the job's page at once, its progress, then the file.

No spec names a source's identity or contact: exports show what the list pages show.
"""

import csv
import io
from contextlib import nullcontext
from dataclasses import dataclass

from django.contrib.postgres.expressions import ArraySubquery
from django.db import connection, transaction
from django.db.backends.utils import CursorDebugWrapper
from django.db.models import (
    Case,
    CharField,
    DateTimeField,
    Exists,
    F,
    Func,
    OuterRef,
    Q,
    TextField,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Concat, NullIf, TruncDate
from django.http import StreamingHttpResponse
from django.shortcuts import redirect
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
    ViolationCategory,
    ViolationSubtype,
)
from hrddp.support.models import Communication, CommunicationKind, SupportRequest, SupportType

FORMATS = ("csv", "xlsx")
SEPARATOR = "; "
# COPY hands over one row per read: rows are gathered into blocks this big for the web server.
BLOCK_SIZE = 64 * 1024
# What Python's str.strip() removes around a name, for "first last" without a first or a last.
WHITESPACE = " \t\n\r\x0b\x0c"

# How a column's value is written: the CSV text PostgreSQL makes of it, the spreadsheet's cell.
TEXT = "text"
NUMBER = "number"
DATE = "date"
DATETIME = "datetime"  # a wall-clock time in the reader's time zone, to the minute
PARTIAL_DATE = "partial_date"  # "2024", "2024-03" or "2024-03-05" (a date cell in a spreadsheet)

# Spreadsheet programs run a CSV cell beginning with one of these as a formula (CSV injection):
# such a text cell gets a leading apostrophe, in every CSV the system writes: in SQL for the lists
# (CSV_CELL), in Python for the rest (``csv_text``, through ``csv_line``).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# Each as a PostgreSQL literal (the tab and the carriage return escaped).
_SQL_FORMULA_STARTS = ", ".join(
    "E" + repr(char) if char.isspace() else f"'{char}'" for char in FORMULA_STARTS
)


def csv_text(value):
    """A cell as a spreadsheet program may open it: text that would start a formula gets a
    leading apostrophe. Numbers (negative ones too) and other values pass unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


CSV_CELL = {
    TEXT: f"CASE WHEN left({{0}}, 1) IN ({_SQL_FORMULA_STARTS}) THEN '''' || {{0}} ELSE {{0}} END",
    NUMBER: "{0}",
    DATE: "to_char({0}, 'YYYY-MM-DD')",
    DATETIME: "to_char({0}, 'YYYY-MM-DD HH24:MI')",
    PARTIAL_DATE: "{0}",
}


@dataclass(frozen=True)
class Column:
    """``value``: a lookup, or a function returning an expression, called each time an export is
    built (so in the reader's language); ``kind`` says how the value is written."""

    header: object
    value: object
    kind: str = TEXT

    def expression(self):
        return F(self.value) if isinstance(self.value, str) else self.value()


@dataclass(frozen=True)
class Spec:
    name: str  # the file's name
    title: object  # the list's name, on the export job's page
    columns: tuple

    def headers(self):
        return [str(column.header) for column in self.columns]


# Cells, each an SQL expression


def choice(model, field_name, lookup=None):
    """The choice's label in the reader's language; a value outside the choices as stored."""
    lookup = lookup or field_name

    def label():
        field = model._meta.get_field(field_name)
        return Case(
            *[When(**{lookup: value}, then=Value(str(text))) for value, text in field.flatchoices],
            default=F(lookup),
            output_field=CharField(),
        )

    return label


def vocabulary(model, lookup):
    """A vocabulary name (category, subtype) in the reader's language: seeded names are in the
    translation catalogue; names an administrator added come out as typed."""

    def name():
        names = model.objects.order_by().values_list("name", flat=True).distinct()
        whens = [When(**{lookup: n}, then=Value(gettext(n))) for n in names if gettext(n) != n]
        return Case(*whens, default=F(lookup), output_field=CharField()) if whens else F(lookup)

    return name


def yes_no(condition):
    """``condition``: a boolean lookup, or a function returning a boolean expression."""

    def answer():
        test = Q(**{condition: True}) if isinstance(condition, str) else condition()
        return Case(
            When(test, then=Value(gettext("yes"))),
            default=Value(gettext("no")),
            output_field=CharField(),
        )

    return answer


def joined(array, skip_empty=True):
    """An array's items joined with "; " (empty items left out unless ``skip_empty`` is off)."""

    def text():
        items = F(array) if isinstance(array, str) else array()
        if skip_empty:
            items = Func(items, Value(""), function="array_remove")
        return Func(items, Value(SEPARATOR), function="array_to_string", output_field=TextField())

    return text


def partial_date():
    """A violation's date, shown as precisely as it is known."""

    def to_char(pattern):
        return Func(F("date"), Value(pattern), function="to_char", output_field=CharField())

    return Case(
        When(date_precision=DatePrecision.YEAR, then=to_char("YYYY")),
        When(date_precision=DatePrecision.MONTH, then=to_char("YYYY-MM")),
        default=to_char("YYYY-MM-DD"),
        output_field=CharField(),
    )


def local_date(lookup):
    return lambda: TruncDate(lookup)  # in the current time zone


class LocalDateTime(Func):
    """A moment as the wall-clock time of the current time zone (a spreadsheet has no zones)."""

    output_field = DateTimeField()

    def as_sql(self, compiler, connection, **extra_context):
        sql, params = compiler.compile(self.source_expressions[0])
        return f"({sql} AT TIME ZONE %s)", (*params, timezone.get_current_timezone_name())


def local_datetime(lookup):
    return lambda: LocalDateTime(F(lookup))


class ArrayLabels(Func):
    """An array of choice codes as their labels joined with "; ", in the array's order."""

    output_field = TextField()

    def __init__(self, expression, choices):
        super().__init__(expression)
        self.choices = choices

    def as_sql(self, compiler, connection, **extra_context):
        sql, params = compiler.compile(self.source_expressions[0])
        labels = [(code, str(label)) for code, label in self.choices]
        whens = " ".join("WHEN %s THEN %s" for _label in labels)
        return (
            f"array_to_string(ARRAY(SELECT CASE item.code {whens} ELSE item.code END "
            f"FROM unnest({sql}) WITH ORDINALITY AS item(code, number) ORDER BY item.number), %s)",
            (*params, *[value for pair in labels for value in pair], SEPARATOR),
        )


def rank_and_name(prefix=""):
    """ "Colonel Ndala": the rank and the name, either left out when blank."""
    return lambda: Func(
        Value(" "),
        NullIf(F(f"{prefix}rank"), Value("")),
        NullIf(F(f"{prefix}name"), Value("")),
        function="concat_ws",
        output_field=CharField(),
    )


def user_name(prefix):
    """A user's first and last names, or their user name when they have none."""
    full = Concat(F(f"{prefix}first_name"), Value(" "), F(f"{prefix}last_name"))
    trimmed = Func(full, Value(WHITESPACE), function="btrim", output_field=CharField())
    return lambda: Coalesce(NullIf(trimmed, Value("")), F(f"{prefix}username"))


# Multi-valued columns: each one subquery inside the main query (no query per row)


def attributed_to():
    """Each attribution as the list shows it: "1st Brigade (Direct)"."""
    person = Concat(F("person__rank"), Value(" "), F("person__name"), output_field=CharField())
    label = Concat(
        Coalesce(F("unit__name"), person),
        Value(" ("),
        choice(Attribution, "responsibility")(),
        Value(")"),
        output_field=CharField(),
    )
    return ArraySubquery(
        Attribution.objects.filter(violation=OuterRef("pk"))
        .order_by("id")
        .annotate(label=label)
        .values("label")
    )


def current_roles():
    """ "Commander, 1st Brigade" for each assignment the person holds today."""
    label = Concat(
        choice(CommandAssignment, "role")(), Value(", "), F("unit__name"), output_field=CharField()
    )
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


def support_types():
    return ArrayLabels(F("support_types"), SupportType.choices)


VIOLATION_DATE = Column(_("Date"), partial_date, PARTIAL_DATE)
VIOLATION_STATUS = Column(_("Status"), choice(Violation, "verification_status"), TEXT)
CATEGORY = vocabulary(ViolationCategory, "category__name")
GRAVE = Column(_("Grave"), yes_no("category__is_grave"))
ATTRIBUTED_TO = Column(_("Attributed to"), joined(attributed_to, skip_empty=False))

# Every registry record's stable reference, last in its kind's export: an edited export, imported
# in its kind's format (``records``), finds the same records.
REFERENCE = Column(_("Reference"), "external_ref")

SPECS = {
    "institutions": Spec(
        "institutions",
        _("Security institutions"),
        (
            Column(_("Name"), "name"),
            Column(_("Kind"), choice(Institution, "kind")),
            Column(_("Country or regional organisation"), "country"),
            Column(_("Units"), "unit_count", NUMBER),
            REFERENCE,
        ),
    ),
    "units": Spec(
        "units",
        _("Units"),
        (
            Column(_("Name"), "name"),
            Column(_("Aliases"), joined("aliases")),
            Column(_("Institution"), "institution__name"),
            Column(_("Parent unit"), "parent__name"),
            Column(_("Location"), "location"),
            Column(_("Sub-units"), "child_count", NUMBER),
            REFERENCE,
        ),
    ),
    "people": Spec(
        "people",
        _("People"),
        (
            Column(_("Name"), "name"),
            Column(_("Aliases"), joined("aliases")),
            Column(_("Rank"), "rank"),
            Column(_("Current assignments"), joined(current_roles, skip_empty=False)),
            Column(_("Violations attributed"), "violation_count", NUMBER),
            REFERENCE,
        ),
    ),
    "assignments": Spec(
        "command-assignments",
        _("Command assignments"),
        (
            Column(_("Person"), rank_and_name("person__")),
            Column(_("Role"), choice(CommandAssignment, "role")),
            Column(_("Unit"), "unit__name"),
            Column(_("Institution"), "unit__institution__name"),
            Column(_("From"), "start", DATE),
            Column(_("To"), "end", DATE),
            REFERENCE,
        ),
    ),
    "violations": Spec(
        "violations",
        _("Violations"),
        (
            VIOLATION_DATE,
            Column(_("Category"), CATEGORY),
            Column(_("Subtype"), vocabulary(ViolationSubtype, "subtype__name")),
            GRAVE,
            Column(_("Location"), "location"),
            VIOLATION_STATUS,
            Column(_("Scale"), choice(Violation, "scale")),
            Column(_("Source reliability"), choice(Violation, "source_reliability")),
            ATTRIBUTED_TO,
            REFERENCE,
        ),
    ),
    "triage": Spec(
        "triage",
        _("Triage"),
        (
            Column(_("Recorded"), local_date("created_at"), DATE),
            Column(_("Reported by staff"), yes_no("staff_report")),
            VIOLATION_DATE,
            Column(_("Category"), CATEGORY),
            GRAVE,
            Column(_("Location"), "location"),
            Column(_("Narrative"), "narrative"),
            ATTRIBUTED_TO,
        ),
    ),
    "my_reports": Spec(
        "my-reports",
        _("My reports"),
        (
            VIOLATION_DATE,
            Column(_("Location"), "location"),
            Column(_("Kind of abuse"), CATEGORY),
            VIOLATION_STATUS,
        ),
    ),
    "requests": Spec(
        "support-requests",
        _("Support requests"),
        (
            Column(_("Title"), "title"),
            Column(_("Entity"), "entity__name"),
            Column(_("Status"), choice(SupportRequest, "status")),
            Column(_("Support types"), support_types),
            Column(_("Recipient units"), joined(recipient_unit_names)),
            Column(_("Urgency"), choice(SupportRequest, "urgency")),
            Column(_("Respond by"), "respond_by", DATE),
            Column(_("Created"), local_date("created_at"), DATE),
        ),
    ),
    "waivers": Spec(
        "waivers",
        _("Waivers"),
        (
            Column(_("Request"), "request__title"),
            Column(_("Entity"), "request__entity__name"),
            Column(_("Decision"), choice(Decision, "kind")),
            Column(_("Decided by"), user_name("decided_by__")),
            Column(_("When"), local_datetime("decided_at"), DATETIME),
            Column(_("Residual risk"), choice(Decision, "residual_level")),
            Column(_("Assessment version"), "assessment__version", NUMBER),
            Column(_("Waiver reason"), "waiver_reason"),
        ),
    ),
    "interventions": Spec(
        "interventions",
        _("Interventions"),
        (
            Column(_("Unit concerned"), "unit__name"),
            Column(_("Request"), "request__title"),
            Column(_("Entity"), "request__entity__name"),
            Column(_("Status"), choice(Intervention, "status")),
            Column(_("Opened"), "opened_on", DATE),
            Column(_("Intercession due"), "intercession_due", DATE),
            Column(_("Intercession letter sent"), yes_no(has_intercession_letter)),
            Column(_("Response due"), "response_due", DATE),
        ),
    ),
    "perceptions": Spec(
        "perceptions",
        _("Community perceptions"),
        (
            Column(_("Date"), "date", DATE),
            Column(_("Area"), "area"),
            Column(_("Method"), choice(Perception, "method")),
            Column(_("Population group"), "population_group"),
            Column(_("Unit"), "unit__name"),
            Column(_("Institution"), "institution__name"),
            Column(_("Trust in the force"), "trust_in_force", NUMBER),
            Column(_("Trust in the mission"), "trust_in_mission", NUMBER),
            Column(_("Concerns"), "concerns"),
        ),
    ),
}


# The SQL


def cell_name(index):
    return f"export_cell_{index}"


def select_sql(queryset, spec):
    """The list's SELECT of the spec's cells, one column each (typed: text, number, date,
    timestamp), in the page's order, as SQL text with its parameters bound: ready to be wrapped in
    COPY, or stored with an export job and run later by a worker, unchanged."""
    if not queryset.ordered:
        queryset = queryset.order_by("pk")  # the same file twice for the same data
    cells = {cell_name(index): column.expression() for index, column in enumerate(spec.columns)}
    # The page's prefetches serve its template, not the export: one query here.
    queryset = queryset.prefetch_related(None).annotate(**cells).values_list(*cells)
    return connection.ops.compose_sql(*queryset.query.sql_with_params())


# The CSV conventions a reader may ask for (``?convention=``): a comma, or a semicolon and a
# decimal comma (French Excel, whose decimal mark is the comma).
CONVENTIONS = {"comma": ",", "semicolon": ";"}


def requested_convention(request):
    convention = request.GET.get("convention", "")
    return convention if convention in CONVENTIONS else "comma"


def csv_select_sql(select, spec, convention="comma"):
    """``select``'s cells as CSV text. Its ORDER BY keeps it from being merged into this outer
    query, so each cell is computed once even where the CSV form names it twice."""
    cell_sql = dict(CSV_CELL)
    if convention == "semicolon":
        cell_sql[NUMBER] = "replace(({0})::text, '.', ',')"
    cells = ", ".join(
        cell_sql[column.kind].format(cell_name(index)) for index, column in enumerate(spec.columns)
    )
    return f"SELECT {cells} FROM ({select}) AS export"


def copy_sql(queryset, spec, convention="comma"):
    select = csv_select_sql(select_sql(queryset, spec), spec, convention)
    options = "FORMAT csv" + (", DELIMITER ';'" if convention == "semicolon" else "")
    return f"COPY ({select}) TO STDOUT WITH ({options})"


NO_JIT = "SET LOCAL jit = off"


def copy_out(statement):
    """The output of a ``COPY ... TO STDOUT`` in blocks, as PostgreSQL sends it. Logged as any
    query is (debug, tests' query counts). A client that goes away cancels the COPY."""
    with transaction.atomic(), connection.cursor() as cursor:
        # A whole list's estimated cost makes PostgreSQL JIT-compile the query: measured on a
        # million violations, the first row then comes after 1.2 s instead of 20 ms, and the
        # whole export is no faster.
        cursor.execute(NO_JIT)
        logged = cursor.debug_sql(statement) if isinstance(cursor, CursorDebugWrapper) else None
        with logged or nullcontext(), cursor.cursor.copy(statement) as copy:
            block = bytearray()
            for data in copy:
                block += data
                if len(block) >= BLOCK_SIZE:
                    yield bytes(block)
                    block.clear()
            if block:
                yield bytes(block)


# Responses


def requested_format(request):
    fmt = request.GET.get("format", "")
    return fmt if fmt in FORMATS else None


def csv_line(cells, convention="comma"):
    """One CSV line, each text cell guarded against formulas (``csv_text``)."""
    line = io.StringIO()
    # CRLF as the writer's terminator makes it quote a cell holding a lone CR too (with "\n" it
    # would not, and a spreadsheet would break the row there); the line itself ends in "\n", as
    # PostgreSQL's COPY rows do.
    csv.writer(line, delimiter=CONVENTIONS[convention], lineterminator="\r\n").writerow(
        [csv_text(cell) for cell in cells]
    )
    return line.getvalue()[:-2] + "\n"


def file_name(spec, fmt, day=None):
    return f"{spec.name}-{day or timezone.localdate():%Y-%m-%d}.{fmt}"


def csv_response(queryset, spec, convention="comma"):
    """``convention``: ``semicolon`` for a semicolon and a decimal comma (French Excel)."""
    # Now, while the reader's language is active.
    statement = copy_sql(queryset, spec, convention)

    def stream():
        # A BOM, so that spreadsheet programs read UTF-8; the header, before the query runs.
        yield ("\ufeff" + csv_line(spec.headers(), convention)).encode()
        yield from copy_out(statement)

    response = StreamingHttpResponse(stream(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{file_name(spec, "csv")}"'
    return response


def export_response(request, spec_name, queryset):
    """The list as a file when the page was asked for one (``?format=``); None otherwise.

    CSV is streamed at once. XLSX is written by a worker: the answer is the job's page."""
    fmt = requested_format(request)
    if fmt is None:
        return None
    if fmt == "csv":
        return csv_response(queryset, SPECS[spec_name], requested_convention(request))
    from . import export_jobs

    job = export_jobs.create_job(request, spec_name, queryset)
    return redirect("transfer:export_job", pk=job.pk)
