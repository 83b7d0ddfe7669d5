"""Spreadsheet exports written in the background (issue 11): a list of a million rows takes a
minute to write as XLSX, so the reader gets the job's page at once, its progress, then the file.

The job row holds who asked, the list and its filters, the reader's language and the list's
SELECT as compiled when they asked (``exporting.select_sql``): what they may see, in their order,
with their language's labels. The task runs that SELECT in one read-only snapshot, writes the
file in a temporary folder of its own and puts it in the default storage (``STORAGES["default"]``:
var/media, or the object store that every web server and worker shares), under ``exports/``. Only
its asker may download it, through the web server that answers them, until ``EXPORT_KEEP_HOURS``
have passed.

The task is sent to the broker after the job row commits; a send that is lost (broker down, process
killed) leaves the row queued, and the periodic ``sweep`` sends it again. So does a job whose
worker died mid-file. This module is the only writer of a job's ``status``.
"""

import datetime
import logging
import os
import posixpath
import secrets
import tempfile
import time

import xlsxwriter
from django.conf import settings
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import DatabaseError, OperationalError, connection, transaction
from django.db.models import F, Q
from django.http import FileResponse
from django.utils import timezone, translation
from django.utils.translation import gettext

from . import exporting
from .models import ExportJob, ExportStatus
from .progress import Progress

logger = logging.getLogger(__name__)

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FILE_PREFIX = "export-"
# The exports' folder in the default storage. No process keeps an export on its own disk: the
# worker that writes it and the web server that serves it may be on different machines.
FOLDER = "exports"
# A queued job whose task has not started this long after it was sent was lost on the way.
QUEUED_GRACE = datetime.timedelta(minutes=2)
# A running job that gave no sign of work for this long lost its worker (progress is written
# every few thousand rows, seconds apart).
STALE_AFTER = datetime.timedelta(minutes=10)
MAX_ATTEMPTS = 3
ROWS_PER_FETCH = 2000
PROGRESS_EVERY = 10_000


def stored_name(job):
    """The job's file's name in the default storage."""
    return f"{FOLDER}/{job.file_name}"


def stored_files():
    """The names of the files in the exports' folder of the default storage."""
    try:
        return default_storage.listdir(FOLDER)[1]
    except FileNotFoundError:  # the local folder, before the first export
        return []


def download_name(job):
    spec = exporting.SPECS[job.list_name]
    return exporting.file_name(spec, "xlsx", timezone.localdate(job.created_at))


def open_file(job):
    """The job's file opened for reading (the caller closes it), or None when there is none to
    download: not written yet, failed, or deleted after its retention time."""
    if job.status != ExportStatus.DONE or not job.file_name:
        return None
    try:
        return default_storage.open(stored_name(job), "rb")
    except FileNotFoundError:
        return None


def file_response(job):
    """The job's spreadsheet as a download (the export page's and the API's), or None when there
    is none to download (``open_file``)."""
    if (stream := open_file(job)) is None:
        return None
    return FileResponse(
        stream, as_attachment=True, filename=download_name(job), content_type=XLSX_CONTENT_TYPE
    )


def list_url(request):
    """The list's address with its filters, without the page number or the format."""
    query = request.GET.copy()
    for name in ("page", "format"):
        query.pop(name, None)
    return f"{request.path}?{query.urlencode()}" if query else request.path


def enqueue(job_id):
    from .tasks import build_export

    build_export.delay(job_id)


def create_job(request, spec_name, queryset):
    """A queued job for the list as the reader sees it now; its task is sent once the row is
    committed (a lost send is the sweep's to repair)."""
    query = exporting.select_sql(queryset, exporting.SPECS[spec_name])
    with transaction.atomic():
        job = ExportJob.objects.create(
            created_by=request.user,
            list_name=spec_name,
            list_url=list_url(request),
            language=translation.get_language() or settings.LANGUAGE_CODE,
            query=query,
        )
        transaction.on_commit(lambda: enqueue(job.pk), robust=True)
    return job


# The worker


def cell_writers(sheet, workbook, spec):
    """One function per column writing a value into its typed cell (a blank for no value)."""
    date_format = workbook.add_format({"num_format": "yyyy-mm-dd"})
    datetime_format = workbook.add_format({"num_format": "yyyy-mm-dd hh:mm"})

    def text(row, col, value):
        sheet.write_string(row, col, value)

    def number(row, col, value):
        sheet.write_number(row, col, value)

    def date(row, col, value):
        sheet.write_datetime(row, col, value, date_format)

    def moment(row, col, value):
        sheet.write_datetime(row, col, value, datetime_format)

    def partial_date(row, col, value):
        if len(value) == 10:  # known to the day: a date the spreadsheet can sort and filter
            date(row, col, datetime.date.fromisoformat(value))
        else:
            text(row, col, value)

    writers = {
        exporting.TEXT: text,
        exporting.NUMBER: number,
        exporting.DATE: date,
        exporting.DATETIME: moment,
        exporting.PARTIAL_DATE: partial_date,
    }
    return [writers[column.kind] for column in spec.columns]


def write_xlsx(path, query, spec, progress=None):
    """Write ``query``'s rows (``exporting.select_sql``) to an XLSX file; returns the row count.

    One read-only snapshot for the count and the rows; rows are fetched a few thousand at a time
    through a server-side cursor and flushed to disk row by row (constant memory)."""
    workbook = xlsxwriter.Workbook(
        str(path),
        {
            "constant_memory": True,  # each row is flushed to disk once the next one starts
            "strings_to_formulas": False,
            "strings_to_urls": False,
            "strings_to_numbers": False,
        },
    )
    sheet = workbook.add_worksheet(gettext("Export")[:31])
    headers = spec.headers()
    sheet.write_row(0, 0, headers, workbook.add_format({"bold": True}))
    # The header row stays in view and carries a filter; columns as wide as their content.
    sheet.freeze_panes(1, 0)
    widths = [
        max(len(str(header)), KIND_WIDTHS.get(c.kind, 0))
        for header, c in zip(headers, spec.columns, strict=True)
    ]
    writers = cell_writers(sheet, workbook, spec)
    try:
        written = write_rows(query, writers, progress, widths)
        sheet.autofilter(0, 0, written, len(headers) - 1)
        for col, width in enumerate(widths):
            sheet.set_column(col, col, min(max(width + 2, MIN_WIDTH), MAX_WIDTH))
    finally:
        workbook.close()
    return written


# Column widths, in characters: dates and times as wide as they are written; text as wide as its
# longest value among the first WIDTH_SAMPLE rows, within MIN_WIDTH and MAX_WIDTH.
KIND_WIDTHS = {exporting.DATE: 10, exporting.DATETIME: 16, exporting.PARTIAL_DATE: 10}
MIN_WIDTH, MAX_WIDTH = 8, 60
WIDTH_SAMPLE = 1000


def write_rows(query, writers, progress, widths=None):
    written = 0
    # Inside a caller's transaction (a test's) the snapshot is the caller's.
    outermost = not connection.in_atomic_block
    with transaction.atomic():
        with connection.cursor() as cursor:
            if outermost:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            cursor.execute(exporting.NO_JIT)
            cursor.execute(f"SELECT count(*) FROM ({query}) AS export")
            total = cursor.fetchone()[0]
        if progress:
            progress.total(total)
        with connection.chunked_cursor() as cursor:
            cursor.execute(query)
            reported = 0
            while rows := cursor.fetchmany(ROWS_PER_FETCH):
                for values in rows:
                    written += 1
                    if widths is not None and written <= WIDTH_SAMPLE:
                        for col, value in enumerate(values):
                            if isinstance(value, str):
                                widths[col] = max(widths[col], len(value))
                    for col, (write, value) in enumerate(zip(writers, values, strict=True)):
                        if value is not None and value != "":
                            write(written, col, value)
                if progress and written - reported >= PROGRESS_EVERY:
                    progress(written)
                    reported = written
    return written


class JobProgress(Progress):
    """The job's progress, and its row count once known, seen by its page while it works."""

    def total(self, total):
        with self.connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {self.table} SET total_rows = %s, heartbeat_at = %s WHERE id = %s",
                [total, timezone.now(), self.job_id],
            )


def claim(job_id):
    """Mark a queued job running, for this worker only; None if it is not queued (a rerun, a
    duplicate send, or another worker has it) or has had its attempts."""
    now = timezone.now()
    claimed = ExportJob.objects.filter(
        pk=job_id, status=ExportStatus.QUEUED, attempts__lt=MAX_ATTEMPTS
    ).update(
        status=ExportStatus.RUNNING, attempts=F("attempts") + 1, heartbeat_at=now, processed_rows=0
    )
    return ExportJob.objects.get(pk=job_id) if claimed else None


def finish(job, status, **fields):
    ExportJob.objects.filter(pk=job.pk, status=ExportStatus.RUNNING).update(
        status=status, finished_at=timezone.now(), **fields
    )


def run_job(job_id):
    """Write a queued job's file. Harmless to run twice: only one run claims the job."""
    job = claim(job_id)
    if job is None:
        return ExportJob.objects.filter(pk=job_id).first()
    name = f"{FILE_PREFIX}{job.pk}-{secrets.token_hex(8)}.xlsx"
    progress = JobProgress(ExportJob, job.pk)
    started = time.monotonic()
    try:
        # Written on this worker's disk, then stored whole: no half-written file is ever stored.
        with tempfile.TemporaryDirectory(prefix="hrddp-export-") as folder:
            path = os.path.join(folder, name)
            with translation.override(job.language):
                spec = exporting.SPECS[job.list_name]
                rows = write_xlsx(path, job.query, spec, progress)
            size = os.path.getsize(path)
            with open(path, "rb") as written:
                stored = default_storage.save(f"{FOLDER}/{name}", File(written, name=name))
    except OperationalError:
        # The database went away: back in the queue for the task's retry, or the sweep's.
        try:
            ExportJob.objects.filter(pk=job.pk, status=ExportStatus.RUNNING).update(
                status=ExportStatus.QUEUED, queued_at=timezone.now()
            )
        except DatabaseError:
            pass  # still away: the job looks stale to the sweep in a few minutes
        raise
    except Exception:
        logger.exception("Export %s failed", job.pk)
        finish(job, ExportStatus.FAILED)
    else:
        finish(
            job,
            ExportStatus.DONE,
            file_name=posixpath.basename(stored),
            file_size=size,
            total_rows=rows,
            processed_rows=rows,
        )
        logger.info("Export %s: %s rows in %.1f s", job.pk, rows, time.monotonic() - started)
    finally:
        progress.close()
    job.refresh_from_db()
    return job


# The sweep: lost jobs sent again, old files deleted


def requeue_lost(now=None):
    """Send again the jobs whose task never started or whose worker died; fail those that have
    had their attempts. Returns the ids sent."""
    now = now or timezone.now()
    lost = Q(status=ExportStatus.QUEUED, queued_at__lt=now - QUEUED_GRACE) | Q(
        status=ExportStatus.RUNNING, heartbeat_at__lt=now - STALE_AFTER
    )
    sent = []
    with transaction.atomic():
        for job in ExportJob.objects.filter(lost).select_for_update(skip_locked=True):
            if job.attempts >= MAX_ATTEMPTS:
                ExportJob.objects.filter(pk=job.pk).update(
                    status=ExportStatus.FAILED, finished_at=now
                )
                continue
            ExportJob.objects.filter(pk=job.pk).update(status=ExportStatus.QUEUED, queued_at=now)
            sent.append(job.pk)
        transaction.on_commit(lambda: [enqueue(pk) for pk in sent], robust=True)
    return sent


def delete_expired(now=None):
    """Delete the files (and the stored query) of the jobs older than the retention time, and any
    file of ours left in the exports' folder that long (a worker that died between storing a file
    and marking its job done). Returns the ids expired."""
    now = now or timezone.now()
    cutoff = now - datetime.timedelta(hours=settings.EXPORT_KEEP_HOURS)
    expired = list(
        ExportJob.objects.filter(
            status__in=(ExportStatus.DONE, ExportStatus.FAILED), finished_at__lt=cutoff
        ).values_list("pk", "file_name")
    )
    for _pk, name in expired:
        if name:
            default_storage.delete(f"{FOLDER}/{name}")
    ExportJob.objects.filter(pk__in=[pk for pk, _name in expired]).update(
        status=ExportStatus.EXPIRED, file_name="", file_size=None, query=""
    )
    # Files no job names: the modification time of each is asked (one request each to an
    # object store), not of the files of the jobs still kept.
    kept = set(
        ExportJob.objects.filter(status=ExportStatus.DONE)
        .exclude(file_name="")
        .values_list("file_name", flat=True)
    )
    for name in stored_files():
        if not name.startswith(FILE_PREFIX) or name in kept:
            continue
        stored = f"{FOLDER}/{name}"
        try:
            if default_storage.get_modified_time(stored) < cutoff:
                default_storage.delete(stored)
        except FileNotFoundError:
            pass  # deleted meanwhile (another sweep)
    return [pk for pk, _name in expired]


def sweep(now=None):
    return {"requeued": requeue_lost(now), "expired": delete_expired(now)}
