"""Importing a file: one code path for the browser, the Celery task and ``manage.py import_registry``.

``import_file`` reads a CSV or XLSX file and runs the kind's resource, as a dry run or for real,
inside one transaction: a file with any error imports nothing. It returns every row's outcome
(new, update, unchanged, error) with the errors by line and column.

``ImportJob`` keeps an uploaded file between its dry run and its confirmation; this module is the
only writer of its ``status``.
"""

import datetime
import logging
from dataclasses import dataclass, field

import pghistory
import tablib
from django.apps import apps
from django.conf import settings
from django.db import DatabaseError, OperationalError, transaction
from django.db.models import F, Q
from django.utils import timezone, translation
from django.utils.translation import gettext_noop
from import_export.results import RowResult

from hrddp import texts
from hrddp.audit import steady_history_triggers
from hrddp.ops.postgres import refresh_statistics

from . import reading
from .columns import REQUEST_KINDS
from .models import RUNNING_STATUSES, ImportJob, ImportStatus
from .progress import Progress
from .reading import ImportFileError
from .resources import RESOURCES, text

logger = logging.getLogger(__name__)

# Files with more rows than this are checked and imported by a Celery task, with a progress bar.
SYNC_ROW_LIMIT = 1000
# A file this long can change a table's size enough to mislead the planner until it is analysed.
ANALYSE_FROM_ROWS = 1000

OUTCOMES = {
    RowResult.IMPORT_TYPE_NEW: "new",
    RowResult.IMPORT_TYPE_UPDATE: "update",
    RowResult.IMPORT_TYPE_SKIP: "unchanged",
    RowResult.IMPORT_TYPE_INVALID: "error",
    RowResult.IMPORT_TYPE_ERROR: "error",
}
NON_FIELD = "__all__"

# What a job shows when its run failed or its worker was lost: stored as [msgid, params].
UNEXPECTED = gettext_noop(
    "The work on this file stopped on an unexpected error; nothing was imported. Try again later; "
    "if the error returns, tell an administrator the number of this import (%(job)s)."
)
ABANDONED = gettext_noop(
    "This import gave no sign of work for %(hours)s hours: its worker was lost. Nothing was "
    "imported; upload the file again."
)
DATABASE_REFUSED = gettext_noop("The database refused the file: %(error)s")


def read_dataset(content, file_name, kind=None, **dialect):
    """The file as a tablib Dataset whose headers are the column names (lower case), the cells
    holding a control character ({line: [[column, message]]}) and what was detected of a CSV
    file (``reading.Table.detected``); ImportFileError for a file that cannot be read or is over
    a limit (``reading``). ``dialect``: a CSV file's ``encoding`` and ``delimiter``, if chosen."""
    table = reading.read_table(content, file_name, kind, **dialect)
    dataset = tablib.Dataset(*[tuple(row) for row in table.rows], headers=table.headers)
    return dataset, table.cell_errors, table.detected


def count_rows(content, file_name, kind=None, **dialect):
    return len(reading.read_table(content, file_name, kind, **dialect).rows)


@dataclass
class Report:
    kind: str
    dry_run: bool
    total: int = 0
    rows: list = field(default_factory=list)  # {"line", "ref", "outcome", "errors": [[col, msg]]}
    errors: list = field(default_factory=list)  # about the whole file, as [msgid, params]
    counts: dict = field(default_factory=dict)
    monitored_ids: list = field(default_factory=list)
    detected: list | None = None  # a CSV file's [delimiter, encoding]

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
        # Each message as a code and parameters (hrddp.texts), read in the reader's language.
        error = row_result.validation_error
        error_dict = getattr(error, "error_dict", None) or {NON_FIELD: error.error_list}
        for name, errors in error_dict.items():
            column = "" if name == NON_FIELD else columns.get(name, name)
            found += [[column, texts.from_validation_error(each)] for each in errors]
    for error in row_result.errors:
        found.append(["", str(error.error)])
    return found


def analyse_registry():
    """Refresh the planner's statistics of the registry's tables (autovacuum may be off or late)."""
    refresh_statistics(
        [model._meta.db_table for model in apps.get_app_config("registry").get_models()]
    )


def stored_error(error):
    """A file-level error of import-export as a stored message."""
    if isinstance(error, ImportFileError):
        return error.stored()
    return [DATABASE_REFUSED, {"error": str(error)}]


def import_file(
    kind,
    content,
    file_name,
    user,
    *,
    dry_run,
    progress=None,
    support_request=None,
    encoding="",
    delimiter="",
):
    """Check (``dry_run``) or import a file. Returns a Report; raises nothing for bad data.
    ``support_request``: the request a list of participants is imported into. ``encoding`` and
    ``delimiter``: a CSV file's, when chosen; detected from its bytes otherwise.

    A file with a cell holding a control character is only checked: its rows' other errors are
    listed, and nothing is imported."""
    report = Report(kind=kind, dry_run=dry_run)
    try:
        dataset, cell_errors, report.detected = read_dataset(
            content, file_name, kind, encoding=encoding, delimiter=delimiter
        )
    except ImportFileError as error:
        report.errors.append(error.stored())
        report.counts = {"new": 0, "update": 0, "unchanged": 0, "error": 0}
        return report
    report.total = len(dataset)
    resource = RESOURCES[kind](user=user, progress=progress, **request_of(kind, support_request))
    history = pghistory.context(user=user.pk, import_kind=kind, import_file=file_name)
    only_check = dry_run or bool(cell_errors)
    with transaction.atomic(), history:
        steady_history_triggers()
        result = resource.import_data(
            dataset, dry_run=only_check, use_transactions=True, rollback_on_validation_errors=True
        )
        monitored = getattr(resource, "monitored_ids", [])
        if not only_check and not (result.has_errors() or result.has_validation_errors()):
            if report.total >= ANALYSE_FROM_ROWS:
                analyse_registry()
            report.monitored_ids = monitored
            if monitored:
                # Bulk writes send no post_save signal: the import owes the checks itself, in its
                # own transaction (assessments/outbox.py).
                from assessments import outbox
                from assessments.models import CheckKind

                outbox.record(CheckKind.VIOLATION, monitored)
    report.errors = [stored_error(error.error) for error in result.base_errors]
    columns = error_columns(resource)
    ref_column = getattr(resource, "ref_column", "external_ref")
    ref_index = dataset.headers.index(ref_column) if ref_column in dataset.headers else None
    for number, row_result in enumerate(result.rows, 1):
        line = number + 1  # line 1 holds the column names
        errors = cell_errors.get(line, []) + row_errors(columns, row_result)
        report.rows.append(
            {
                "line": line,
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


def request_of(kind, support_request):
    """The resource's extra argument: the request of a kind imported into one."""
    return {"support_request": support_request} if kind in REQUEST_KINDS else {}


def create_job(kind, uploaded_file, user, support_request=None, encoding="", delimiter=""):
    reading.check_size(uploaded_file.size)
    content = uploaded_file.read()
    # Raises ImportFileError.
    total = count_rows(content, uploaded_file.name, kind, encoding=encoding, delimiter=delimiter)
    return ImportJob.objects.create(
        encoding=encoding,
        delimiter=delimiter,
        kind=kind,
        file_name=uploaded_file.name,
        content=content,
        created_by=user,
        request=support_request,
        total_rows=total,
        status=ImportStatus.CHECKING,
    )


def runs_in_background(job):
    return job.total_rows > SYNC_ROW_LIMIT


def stale_after():
    return datetime.timedelta(minutes=settings.IMPORT_STALE_MINUTES)


def enqueue(job_id, dry_run):
    from .tasks import run_import_job

    run_import_job.delay(job_id, dry_run)


def start(job, *, dry_run):
    """Check or import the job's file: now when it is small, otherwise by a Celery task."""
    if not dry_run:
        if job.status != ImportStatus.CHECKED:
            return False
        ImportJob.objects.filter(pk=job.pk).update(
            status=ImportStatus.IMPORTING,
            processed_rows=0,
            heartbeat_at=timezone.now(),
            run_started_at=None,
        )
        job.status = ImportStatus.IMPORTING
    if runs_in_background(job):
        transaction.on_commit(lambda: enqueue(job.pk, dry_run), robust=True)
    else:
        run_job(job.pk, dry_run=dry_run)
    return True


def claim(job_id, dry_run):
    """Mark the job's step (check or import) started by this run; the attempt's number, or None
    when the job is not at this step (a rerun of a finished task) or another run is at work on it
    (it gave a sign of work within IMPORT_STALE_MINUTES: a duplicate delivery of the task)."""
    expected = ImportStatus.CHECKING if dry_run else ImportStatus.IMPORTING
    now = timezone.now()
    claimable = ImportJob.objects.filter(pk=job_id, status=expected).filter(
        Q(run_started_at__isnull=True) | Q(heartbeat_at__lt=now - stale_after())
    )
    if not claimable.update(run_started_at=now, heartbeat_at=now, attempts=F("attempts") + 1):
        return None
    return ImportJob.objects.filter(pk=job_id).values_list("attempts", flat=True).get()


def finish(job_id, dry_run, attempt, **fields):
    """Write the outcome of this attempt (a later attempt's run has the last word)."""
    expected = ImportStatus.CHECKING if dry_run else ImportStatus.IMPORTING
    with transaction.atomic():
        return ImportJob.objects.filter(pk=job_id, status=expected, attempts=attempt).update(
            finished_at=timezone.now(), heartbeat_at=timezone.now(), **fields
        )


def fail(job_id, dry_run, attempt, message):
    return finish(job_id, dry_run, attempt, status=ImportStatus.FAILED, errors=[message])


def run_job(job_id, *, dry_run):
    """Check or import a job's file. Every way it can end leaves the job finished: checked,
    invalid, done or failed with a message; a rerun changes nothing. Only the database going away
    leaves it running, for the task's retry (or, once stale, its owner's retry and the sweep)."""
    attempt = claim(job_id, dry_run)
    job = ImportJob.objects.select_related("created_by", "request").get(pk=job_id)
    if attempt is None:
        return job
    progress = Progress(ImportJob, job.pk) if runs_in_background(job) else None
    # Row messages are written in the language of the only person who reads them.
    language = job.created_by.language or translation.get_language()
    try:
        with translation.override(language):
            report = import_file(
                job.kind,
                bytes(job.content),
                job.file_name,
                job.created_by,
                dry_run=dry_run,
                progress=progress,
                support_request=job.request,
                encoding=job.encoding,
                delimiter=job.delimiter,
            )
        if dry_run:
            status = ImportStatus.CHECKED if report.ok else ImportStatus.INVALID
        else:
            status = ImportStatus.DONE if report.ok else ImportStatus.FAILED
        finish(
            job.pk,
            dry_run,
            attempt,
            status=status,
            processed_rows=report.total,
            total_rows=report.total,
            counts=report.counts,
            rows=report.rows,
            errors=report.errors,
            detected=report.detected,
        )
    except OperationalError:
        # The database went away: the task retries; the claim is released if it can be.
        try:
            ImportJob.objects.filter(pk=job.pk, attempts=attempt).update(run_started_at=None)
        except DatabaseError:
            pass  # still away: the job turns stale, for its owner's retry or the sweep
        raise
    except Exception:
        logger.exception("Import %s failed", job.pk)
        fail(job.pk, dry_run, attempt, [UNEXPECTED, {"job": job.pk}])
    finally:
        if progress:
            progress.close()
    job.refresh_from_db()
    return job


def retry(job_id):
    """Send a stalled job's step (check or import) to a worker again. False if it is not stalled
    (finished, or still giving signs of work)."""
    with transaction.atomic():
        job = ImportJob.objects.select_for_update().get(pk=job_id)
        if not job.is_stalled:
            return False
        ImportJob.objects.filter(pk=job.pk).update(
            heartbeat_at=timezone.now(), run_started_at=None, processed_rows=0
        )
        dry_run = job.status == ImportStatus.CHECKING
        transaction.on_commit(lambda: enqueue(job.pk, dry_run), robust=True)
    return True


def sweep(now=None):
    """Fail the jobs that gave no sign of work for IMPORT_ABANDON_HOURS (their worker was lost and
    nobody retried them). Returns their ids."""
    now = now or timezone.now()
    hours = settings.IMPORT_ABANDON_HOURS
    with transaction.atomic():
        lost = list(
            ImportJob.objects.filter(
                status__in=RUNNING_STATUSES,
                heartbeat_at__lt=now - datetime.timedelta(hours=hours),
            )
            .select_for_update(skip_locked=True)
            .values_list("pk", flat=True)
        )
        ImportJob.objects.filter(pk__in=lost).update(
            status=ImportStatus.FAILED,
            finished_at=now,
            errors=[[ABANDONED, {"hours": hours}]],
        )
    return lost
