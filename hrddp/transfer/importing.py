"""Importing a file: one code path for the browser, the Celery task and ``manage.py import_registry``.

``import_file`` reads a CSV or XLSX file and runs the kind's resource, as a dry run or for real,
inside one transaction: a file with any error imports nothing. It returns every row's outcome
(new, update, unchanged, error) with the errors by line and column.

``ImportJob`` keeps an uploaded file between its dry run and its confirmation; this module is the
only writer of its ``status``.
"""

import io
from dataclasses import dataclass, field

import pghistory
import tablib
from django.apps import apps
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from import_export.results import RowResult

from hrddp.audit import steady_history_triggers
from hrddp.ops.postgres import refresh_statistics

from .models import ImportJob, ImportStatus
from .progress import Progress
from .resources import RESOURCES, text

# Files with more rows than this are checked and imported by a Celery task, with a progress bar.
SYNC_ROW_LIMIT = 1000
# A file this long can change a table's size enough to mislead the planner until it is analysed.
ANALYSE_FROM_ROWS = 1000
FORMATS = {"csv": "csv", "xlsx": "xlsx"}

OUTCOMES = {
    RowResult.IMPORT_TYPE_NEW: "new",
    RowResult.IMPORT_TYPE_UPDATE: "update",
    RowResult.IMPORT_TYPE_SKIP: "unchanged",
    RowResult.IMPORT_TYPE_INVALID: "error",
    RowResult.IMPORT_TYPE_ERROR: "error",
}
NON_FIELD = "__all__"


class ImportFileError(ValueError):
    """The file cannot be read as a table."""


def file_format(file_name):
    extension = file_name.rsplit(".", 1)[-1].lower() if "." in file_name else ""
    if extension not in FORMATS:
        raise ImportFileError(_("Upload a .csv or .xlsx file."))
    return FORMATS[extension]


def read_dataset(content, file_name):
    """The file as a tablib Dataset whose first line holds the column names."""
    fmt = file_format(file_name)
    try:
        if fmt == "csv":
            dataset = tablib.Dataset().load(content.decode("utf-8-sig"), format="csv")
        else:
            dataset = tablib.Dataset().load(io.BytesIO(content), format="xlsx")
    except UnicodeDecodeError:
        raise ImportFileError(_("The CSV file must be encoded in UTF-8.")) from None
    except Exception as error:  # tablib and openpyxl raise many kinds for a broken file
        raise ImportFileError(
            _("The file could not be read: %(error)s") % {"error": error}
        ) from None
    if not dataset.headers:
        raise ImportFileError(_("The file is empty."))
    dataset.headers = [str(header or "").strip().lower() for header in dataset.headers]
    # Spreadsheets often end with blank lines; they are no rows.
    while len(dataset) and all(value in (None, "") for value in dataset[-1]):
        del dataset[-1]
    return dataset


def count_rows(content, file_name):
    return len(read_dataset(content, file_name))


@dataclass
class Report:
    kind: str
    dry_run: bool
    total: int = 0
    rows: list = field(default_factory=list)  # {"line", "ref", "outcome", "errors": [[col, msg]]}
    errors: list = field(default_factory=list)  # about the whole file
    counts: dict = field(default_factory=dict)
    monitored_ids: list = field(default_factory=list)

    @property
    def ok(self):
        return not self.errors and not self.counts.get("error")

    @property
    def imported(self):
        return self.ok and not self.dry_run


def error_columns(resource):
    """Model attribute → the file's column name, for naming the column of each error."""
    columns = {
        field.attribute: field.column_name for field in resource.fields.values() if field.attribute
    }
    columns.update({f"{name}_id": column for name, column in list(columns.items())})
    return columns


def row_errors(columns, row_result):
    """[[column, message], ...] of one row; the column as the file names it."""
    found = []
    if row_result.validation_error is not None:
        for name, messages in row_result.validation_error.message_dict.items():
            column = "" if name == NON_FIELD else columns.get(name, name)
            found += [[column, str(message)] for message in messages]
    for error in row_result.errors:
        found.append(["", str(error.error)])
    return found


def analyse_registry():
    """Refresh the planner's statistics of the registry's tables (autovacuum may be off or late)."""
    refresh_statistics(
        [model._meta.db_table for model in apps.get_app_config("registry").get_models()]
    )


def import_file(kind, content, file_name, user, *, dry_run, progress=None):
    """Check (``dry_run``) or import a file. Returns a Report; raises nothing for bad data."""
    report = Report(kind=kind, dry_run=dry_run)
    try:
        dataset = read_dataset(content, file_name)
    except ImportFileError as error:
        report.errors.append(str(error))
        report.counts = {"new": 0, "update": 0, "unchanged": 0, "error": 0}
        return report
    report.total = len(dataset)
    resource = RESOURCES[kind](user=user, progress=progress)
    history = pghistory.context(user=user.pk, import_kind=kind, import_file=file_name)
    with transaction.atomic(), history:
        steady_history_triggers()
        result = resource.import_data(
            dataset, dry_run=dry_run, use_transactions=True, rollback_on_validation_errors=True
        )
        monitored = getattr(resource, "monitored_ids", [])
        if not dry_run and not (result.has_errors() or result.has_validation_errors()):
            if report.total >= ANALYSE_FROM_ROWS:
                analyse_registry()
            report.monitored_ids = monitored
            if monitored:
                # Bulk writes send no post_save signal: the import owes the checks itself, in its
                # own transaction (assessments/outbox.py).
                from assessments import outbox
                from assessments.models import CheckKind

                outbox.record(CheckKind.VIOLATION, monitored)
    report.errors = [str(error.error) for error in result.base_errors]
    columns = error_columns(resource)
    ref_index = dataset.headers.index("external_ref") if "external_ref" in dataset.headers else None
    for number, row_result in enumerate(result.rows, 1):
        errors = row_errors(columns, row_result)
        report.rows.append(
            {
                "line": number + 1,  # line 1 holds the column names
                "ref": "" if ref_index is None else text(dataset[number - 1][ref_index]),
                "outcome": "error" if errors else OUTCOMES.get(row_result.import_type, "error"),
                "errors": errors,
            }
        )
    report.counts = {
        outcome: sum(1 for row in report.rows if row["outcome"] == outcome)
        for outcome in ("new", "update", "unchanged", "error")
    }
    if progress:
        progress(report.total)
    return report


# Import jobs (the browser's path)


def create_job(kind, uploaded_file, user):
    content = uploaded_file.read()
    total = count_rows(content, uploaded_file.name)  # raises ImportFileError
    return ImportJob.objects.create(
        kind=kind,
        file_name=uploaded_file.name,
        content=content,
        created_by=user,
        total_rows=total,
        status=ImportStatus.CHECKING,
    )


def runs_in_background(job):
    return job.total_rows > SYNC_ROW_LIMIT


def start(job, *, dry_run):
    """Check or import the job's file: now when it is small, otherwise by a Celery task."""
    if not dry_run:
        if job.status != ImportStatus.CHECKED:
            return False
        ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.IMPORTING, processed_rows=0)
        job.status = ImportStatus.IMPORTING
    if runs_in_background(job):
        from .tasks import run_import_job

        transaction.on_commit(lambda: run_import_job.delay(job.pk, dry_run))
    else:
        run_job(job.pk, dry_run=dry_run)
    return True


def run_job(job_id, *, dry_run):
    job = ImportJob.objects.select_related("created_by").get(pk=job_id)
    expected = ImportStatus.CHECKING if dry_run else ImportStatus.IMPORTING
    if job.status != expected:
        return job  # a rerun of a finished task changes nothing
    progress = Progress(ImportJob, job.pk) if runs_in_background(job) else None
    try:
        report = import_file(
            job.kind,
            bytes(job.content),
            job.file_name,
            job.created_by,
            dry_run=dry_run,
            progress=progress,
        )
    finally:
        if progress:
            progress.close()
    if dry_run:
        status = ImportStatus.CHECKED if report.ok else ImportStatus.INVALID
    else:
        status = ImportStatus.DONE if report.ok else ImportStatus.FAILED
    ImportJob.objects.filter(pk=job.pk).update(
        status=status,
        processed_rows=report.total,
        total_rows=report.total,
        counts=report.counts,
        rows=report.rows,
        errors=report.errors,
        finished_at=timezone.now(),
    )
    job.refresh_from_db()
    return job
