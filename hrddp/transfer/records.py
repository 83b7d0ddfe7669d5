"""Files in an import kind's own format (issue 16): the registry's records as the import reads
them, and an empty template per kind.

- ``records`` writes every record of a registry kind with its stable reference and the import's
  columns: edited and uploaded again, it updates the same records (no duplicates).
- ``template`` writes the kind's columns and one example row; the codes of its vocabularies
  (``codes``) are a second sheet of the XLSX template and a page of their own for CSV.

CSV is written in the reader's convention on request: ``comma`` (the default) or ``semicolon``
(French Excel, whose decimal mark is the comma); UTF-8 with a byte order mark, which Excel reads.
XLSX has a frozen header row, a filter on it and columns as wide as their content. Dates are ISO.
"""

import csv
import io

from django.db.models import Prefetch
from django.http import HttpResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from hrddp.accounts.access import can_import_registry
from hrddp.accounts.models import Role
from hrddp.registry.choices import VerificationStatus
from hrddp.registry.models import (
    Attribution,
    CommandAssignment,
    CommandRole,
    DatePrecision,
    Institution,
    InstitutionKind,
    Person,
    Reliability,
    Responsibility,
    Scale,
    Unit,
    Violation,
    ViolationCategory,
    ViolationSubtype,
)
from hrddp.screening.models import ParticipantRole

from .columns import IMPORT_COLUMNS, REQUEST_KINDS
from .exporting import csv_text

FORMATS = ("csv", "xlsx")
# The CSV conventions: a comma, or a semicolon and a decimal comma (French Excel).
CONVENTIONS = {"comma": ",", "semicolon": ";"}
LIST_SEPARATOR = "; "
CHUNK = 2000
# An Excel workbook is built whole, in memory, by the request: beyond this many records the CSV
# (streamed, a chunk at a time) is the file to take.
XLSX_RECORDS_LIMIT = 20_000


class TooManyForExcel(Exception):
    """More records than an Excel file of them may hold (``XLSX_RECORDS_LIMIT``)."""

    def __init__(self, count):
        self.count = count
        super().__init__(self.message)

    @property
    def message(self):
        return gettext(
            "There are %(count)s records: an Excel file holds at most %(limit)s. "
            "Download the CSV file instead."
        ) % {"count": f"{self.count:,}", "limit": f"{XLSX_RECORDS_LIMIT:,}"}


# Column widths of a spreadsheet, in characters: as wide as the content, within these bounds.
MIN_WIDTH, MAX_WIDTH = 8, 60


def iso(value):
    return value.isoformat() if value else ""


def joined(values):
    return LIST_SEPARATOR.join(values or [])


def ref(record):
    return record.external_ref if record else ""


def decimal(value, convention):
    """A number as the convention writes it (a decimal comma with the semicolon)."""
    if value is None:
        return ""
    text = str(value)
    return text.replace(".", ",") if convention == "semicolon" else text


def institution_row(institution, convention):
    return [
        institution.external_ref,
        institution.name,
        institution.kind,
        institution.country,
        institution.description,
    ]


def unit_row(unit, convention):
    return [
        unit.external_ref,
        unit.name,
        joined(unit.aliases),
        ref(unit.institution),
        ref(unit.parent),
        unit.location,
        iso(unit.active_from),
        iso(unit.active_to),
    ]


def person_row(person, convention):
    return [
        person.external_ref,
        person.name,
        joined(person.aliases),
        person.rank,
        person.identifiers,
    ]


def assignment_row(assignment, convention):
    return [
        assignment.external_ref,
        ref(assignment.person),
        ref(assignment.unit),
        assignment.role,
        iso(assignment.start),
        iso(assignment.end),
    ]


def violation_row(violation, convention):
    attributions = list(violation.attributions.all())
    responsibilities = {attribution.responsibility for attribution in attributions}
    return [
        violation.external_ref,
        iso(violation.date),
        violation.date_precision,
        violation.location,
        violation.narrative,
        violation.category.code,
        violation.subtype.code if violation.subtype_id else "",
        decimal(violation.victims_count, convention),
        "yes" if violation.children_involved else "no",
        violation.verification_status,
        violation.source_reliability,
        violation.scale,
        joined(sorted({ref(a.unit) for a in attributions if a.unit_id})),
        joined(sorted({ref(a.person) for a in attributions if a.person_id})),
        # One responsibility for the row, as the import reads it (a mix is written empty).
        responsibilities.pop() if len(responsibilities) == 1 else "",
    ]


def registry_querysets():
    return {
        "institutions": (Institution.objects.order_by("pk"), institution_row),
        "units": (
            Unit.objects.select_related("institution", "parent").order_by("pk"),
            unit_row,
        ),
        "people": (Person.objects.unmerged().order_by("pk"), person_row),
        "assignments": (
            CommandAssignment.objects.select_related("person", "unit").order_by("pk"),
            assignment_row,
        ),
        "violations": (
            Violation.objects.select_related("category", "subtype")
            .prefetch_related(
                Prefetch(
                    "attributions",
                    queryset=Attribution.objects.select_related("unit", "person").only(
                        "violation_id",
                        "responsibility",
                        "unit__external_ref",
                        "person__external_ref",
                    ),
                )
            )
            .order_by("pk"),
            violation_row,
        ),
    }


RECORD_KINDS = tuple(kind for kind in IMPORT_COLUMNS if kind not in REQUEST_KINDS)


def template_kinds(user):
    """The kinds whose template ``user`` may download: the registry's for importers, the
    participants' for SSR advisors."""
    kinds = RECORD_KINDS if can_import_registry(user) else ()
    return (*kinds, *REQUEST_KINDS) if user.has_role(Role.REQUESTER) else kinds


def headers(kind):
    return [name for name, _required, _help in IMPORT_COLUMNS[kind]]


def record_rows(kind, convention="comma"):
    """Every record of a registry kind, as rows of the import's columns (a chunk at a time)."""
    queryset, row = registry_querysets()[kind]
    for record in queryset.iterator(chunk_size=CHUNK):
        yield row(record, convention)


# Templates: one example row per kind, and the codes of its vocabularies.

EXAMPLES = {
    "institutions": ["INS-EXAMPLE", "National Police", "police", "Country", "Example row"],
    "units": [
        "UNIT-EXAMPLE",
        "1st Battalion",
        "1 BN; First Battalion",
        "INS-EXAMPLE",
        "",
        "Region",
        "2020-01-01",
        "",
    ],
    "people": ["PER-EXAMPLE", "Jean Exemple", "J. Exemple", "Colonel", "Service no. 1234"],
    "assignments": ["ASG-EXAMPLE", "PER-EXAMPLE", "UNIT-EXAMPLE", "commander", "2020-01-01", ""],
    "violations": [
        "VIO-EXAMPLE",
        "2024-03-05",
        "day",
        "Village",
        "What happened, as reported.",
        "torture",
        "",
        "1",
        "no",
        "alleged",
        "moderate",
        "isolated",
        "UNIT-EXAMPLE",
        "PER-EXAMPLE",
        "direct",
    ],
    "participants": [
        "Jean Exemple",
        "Captain",
        "1234",
        "1985-06-01",
        "City",
        "UNIT-EXAMPLE",
        "trainee",
    ],
}


def codes(kind):
    """(column, code, meaning) of every vocabulary the kind's columns read, in the reader's
    language."""
    choices = {
        "institutions": [("kind", InstitutionKind)],
        "assignments": [("role", CommandRole)],
        "violations": [
            ("date_precision", DatePrecision),
            ("verification_status", VerificationStatus),
            ("source_reliability", Reliability),
            ("scale", Scale),
            ("responsibility", Responsibility),
        ],
        "participants": [("role", ParticipantRole)],
    }.get(kind, [])
    found = []
    for column, enum in choices:
        found += [(column, value, str(label)) for value, label in enum.choices]
    if kind == "violations":
        found += [
            ("category", category.code, category.name)
            for category in ViolationCategory.objects.order_by("order", "name")
        ]
        found += [
            ("subtype", subtype.code, f"{subtype.category.name}: {subtype.name}")
            for subtype in ViolationSubtype.objects.select_related("category").order_by(
                "category__order", "category__name", "name"
            )
        ]
    return found


# Writing the files


def csv_lines(rows, convention):
    """CSV lines (text), each text cell guarded against formulas."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=CONVENTIONS[convention], lineterminator="\r\n")
    for row in rows:
        writer.writerow([csv_text(cell) for cell in row])
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()


def csv_stream(header, rows, convention):
    yield "\ufeff".encode()  # a BOM: spreadsheet programs then read UTF-8
    block = []
    for line in csv_lines([header], convention):
        block.append(line)
    for line in csv_lines(rows, convention):
        block.append(line)
        if len(block) >= CHUNK:
            yield "".join(block).encode()
            block.clear()
    if block:
        yield "".join(block).encode()


def format_sheet(sheet, header, widths):
    """A frozen header row, a filter on it, and columns as wide as their content."""
    from openpyxl.utils import get_column_letter

    sheet.freeze_panes = "A2"
    if header:
        sheet.auto_filter.ref = f"A1:{get_column_letter(len(header))}{max(sheet.max_row, 1)}"
    for index, width in enumerate(widths, 1):
        sheet.column_dimensions[get_column_letter(index)].width = min(
            max(width + 2, MIN_WIDTH), MAX_WIDTH
        )


def fill_sheet(sheet, header, rows):
    from openpyxl.styles import Font

    widths = [len(str(name)) for name in header]
    sheet.append(header)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append(row)
        for index, value in enumerate(row):
            longest = max((len(part) for part in str(value or "").splitlines()), default=0)
            widths[index] = max(widths[index], longest)
    format_sheet(sheet, header, widths)


def xlsx_bytes(sheets):
    """A workbook of ``sheets``: [(title, header, rows)], every cell text."""
    import openpyxl

    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for title, header, rows in sheets:
        fill_sheet(workbook.create_sheet(title[:31]), header, rows)
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def attachment(response, name):
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def day():
    return f"{timezone.localdate():%Y-%m-%d}"


def records_response(kind, fmt, convention="comma"):
    """Every record of a registry kind in its import format, as a file."""
    name = f"{kind}-records-{day()}.{fmt}"
    if fmt == "csv":
        response = StreamingHttpResponse(
            csv_stream(headers(kind), record_rows(kind, convention), convention),
            content_type="text/csv; charset=utf-8",
        )
        return attachment(response, name)
    count = registry_querysets()[kind][0].count()
    if count > XLSX_RECORDS_LIMIT:
        raise TooManyForExcel(count)
    content = xlsx_bytes([(str(kind), headers(kind), record_rows(kind))])
    return attachment(HttpResponse(content, content_type=XLSX_TYPE), name)


CODES_HEADER = (_("column"), _("code"), _("meaning"))


def template_response(kind, fmt, convention="comma"):
    """The kind's columns and an example row; the XLSX has the vocabularies' codes on a second
    sheet."""
    name = f"{kind}-template.{fmt}"
    if fmt == "csv":
        content = b"".join(csv_stream(headers(kind), [EXAMPLES[kind]], convention))
        return attachment(HttpResponse(content, content_type="text/csv; charset=utf-8"), name)
    sheets = [(str(kind), headers(kind), [EXAMPLES[kind]])]
    if kind_codes := codes(kind):
        sheets.append(
            (
                gettext("codes"),
                [str(title) for title in CODES_HEADER],
                [list(c) for c in kind_codes],
            )
        )
    return attachment(HttpResponse(xlsx_bytes(sheets), content_type=XLSX_TYPE), name)


def codes_response(kind, convention="comma"):
    """The codes of a kind's vocabularies as CSV (the CSV template's companion)."""
    content = b"".join(csv_stream([str(title) for title in CODES_HEADER], codes(kind), convention))
    return attachment(
        HttpResponse(content, content_type="text/csv; charset=utf-8"), f"{kind}-codes.csv"
    )
