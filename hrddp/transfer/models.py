"""Files in and out: an import kept between its dry run and its confirmation (issue 5), a
spreadsheet export written in the background (issue 11)."""

import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from hrddp import texts
from hrddp.display import Tone, toned


class ImportKind(models.TextChoices):
    INSTITUTIONS = "institutions", _("Security institutions")
    UNITS = "units", _("Units")
    PEOPLE = "people", _("People")
    ASSIGNMENTS = "assignments", _("Command assignments")
    VIOLATIONS = "violations", _("Violations")
    PARTICIPANTS = "participants", _("Participants of a support request")


@toned(
    checking=Tone.INFO,
    checked=Tone.WARNING,
    invalid=Tone.DANGER,
    importing=Tone.INFO,
    done=Tone.SUCCESS,
    failed=Tone.DANGER,
)
class ImportStatus(models.TextChoices):
    CHECKING = "checking", _("Checking (dry run)")
    CHECKED = "checked", _("Checked, ready to import")
    INVALID = "invalid", _("Errors found, nothing imported")
    IMPORTING = "importing", _("Importing")
    DONE = "done", _("Imported")
    FAILED = "failed", _("Failed, nothing imported")


RUNNING_STATUSES = (ImportStatus.CHECKING, ImportStatus.IMPORTING)


class ImportJob(models.Model):
    """One uploaded file, its dry run and its import. Only ``importing.py`` writes ``status``."""

    kind = models.CharField(_("kind"), max_length=20, choices=ImportKind.choices)
    file_name = models.CharField(_("file name"), max_length=255)
    content = models.BinaryField(_("file content"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="import_jobs",
        verbose_name=_("uploaded by"),
    )
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    # A list of participants is imported into one support request (issue 15).
    request = models.ForeignKey(
        "support.SupportRequest",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="import_jobs",
        verbose_name=_("support request"),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=ImportStatus.choices, default=ImportStatus.CHECKING
    )
    total_rows = models.PositiveIntegerField(_("rows"), default=0)
    processed_rows = models.PositiveIntegerField(_("rows processed"), default=0)
    # {"new": n, "update": n, "unchanged": n, "error": n}
    counts = models.JSONField(_("counts"), default=dict, blank=True)
    # Every row's outcome of the last run: [{"line", "ref", "outcome", "errors": [[column, msg]]}]
    rows = models.JSONField(_("rows"), default=list, blank=True)
    # Errors about the file as a whole (unreadable, over a limit, missing column, database
    # refusal, a failed run), each as [msgid, params] rendered in the reader's language
    # (``reading.render``; older jobs hold text).
    errors = models.JSONField(_("file errors"), default=list, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    # The last sign of work: the upload, the start of a run, its progress, its end. A running job
    # silent for IMPORT_STALE_MINUTES is stalled (its owner may retry it); for
    # IMPORT_ABANDON_HOURS, the sweep fails it.
    heartbeat_at = models.DateTimeField(_("last sign of work"), default=timezone.now)
    # When a run took the current step (check or import); empty until one does.
    run_started_at = models.DateTimeField(_("run started at"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    # A CSV file's encoding and delimiter as the uploader chose them; empty: told from its bytes.
    encoding = models.CharField(_("encoding"), max_length=10, blank=True, default="")
    delimiter = models.CharField(_("delimiter"), max_length=1, blank=True, default="")
    # What the last run read: a CSV file's [delimiter, encoding] (``reading.describe``); null for
    # a spreadsheet or before a run.
    detected = models.JSONField(_("detected format"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        indexes = [
            models.Index(fields=["created_by", "created_at"]),
            # The sweep's question: which running jobs have been silent too long.
            models.Index(fields=["status", "heartbeat_at"]),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} · {self.file_name}"

    @property
    def is_running(self):
        return self.status in RUNNING_STATUSES

    @property
    def is_stalled(self):
        """Running, but silent for IMPORT_STALE_MINUTES: its worker was probably lost."""
        stale = datetime.timedelta(minutes=settings.IMPORT_STALE_MINUTES)
        return self.is_running and self.heartbeat_at < timezone.now() - stale

    @property
    def has_errors(self):
        return bool(self.errors) or bool(self.counts.get("error"))

    @property
    def detected_format(self):
        """ "Semicolon-separated, Windows-1252", in the reader's language."""
        from .reading import describe

        if self.detected is None and not self.file_name.lower().endswith(".xlsx"):
            return ""
        return describe(self.detected)

    def rows_shown(self, errors_only=False):
        """Every row's outcome of the last run, or only the rows with an error (the two views of
        the job's page, and of the API's job)."""
        rows = self.rows
        return [row for row in rows if row["outcome"] == "error"] if errors_only else rows

    @staticmethod
    def rows_read(rows):
        """``rows`` (one page of ``rows_shown``) with their errors, stored as codes (older jobs
        hold text), in the active language: only the page shown is translated, not the whole
        file's rows at each refresh."""
        return [
            {
                **row,
                "errors": [
                    [column, texts.render_any(message)] for column, message in row["errors"]
                ],
            }
            for row in rows
        ]

    def error_messages(self):
        """The file errors in the active language."""
        from .reading import render

        return [render(message) for message in self.errors]


@toned(
    queued=Tone.INFO,
    running=Tone.INFO,
    done=Tone.SUCCESS,
    failed=Tone.DANGER,
    expired=Tone.SECONDARY,
)
class ExportStatus(models.TextChoices):
    QUEUED = "queued", _("Waiting for a worker")
    RUNNING = "running", _("Writing the file")
    DONE = "done", _("Ready to download")
    FAILED = "failed", _("Failed")
    EXPIRED = "expired", _("Deleted after its retention time")


class ExportJob(models.Model):
    """A spreadsheet export of a list, written by a Celery task (issue 11).

    ``query`` is the list's own SELECT, compiled when the reader asked (their filters, what they
    may see, their language's labels): the worker writes exactly what the page would have shown.
    Only ``export_jobs.py`` writes ``status``."""

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="export_jobs",
        verbose_name=_("asked by"),
    )
    created_at = models.DateTimeField(_("asked at"), auto_now_add=True)
    list_name = models.CharField(_("list"), max_length=40)
    list_url = models.CharField(_("list address, with its filters"), max_length=2000)
    language = models.CharField(_("language"), max_length=10)
    query = models.TextField(_("query"))
    status = models.CharField(
        _("status"), max_length=10, choices=ExportStatus.choices, default=ExportStatus.QUEUED
    )
    # When the task was last sent to the broker: the sweep sends it again if nothing came of it.
    queued_at = models.DateTimeField(_("queued at"), default=timezone.now)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    total_rows = models.PositiveIntegerField(_("rows"), null=True, blank=True)
    processed_rows = models.PositiveIntegerField(_("rows written"), default=0)
    heartbeat_at = models.DateTimeField(_("last sign of work"), null=True, blank=True)
    file_name = models.CharField(_("file name"), max_length=100, blank=True)
    file_size = models.PositiveBigIntegerField(_("file size"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("export")
        verbose_name_plural = _("exports")
        indexes = [
            models.Index(fields=["created_by", "created_at"]),
            # The sweep's two questions: what is waiting or stuck, what is past its time.
            models.Index(fields=["status", "queued_at"]),
            models.Index(fields=["status", "finished_at"]),
        ]

    def __str__(self):
        return f"{self.list_name} · {date_format(timezone.localtime(self.created_at), 'DATETIME_FORMAT')}"

    @property
    def is_pending(self):
        return self.status in PENDING_EXPORT_STATUSES

    @property
    def available_until(self):
        """When its file is deleted (EXPORT_KEEP_HOURS after it was written); None until then."""
        if not self.finished_at:
            return None
        return self.finished_at + datetime.timedelta(hours=settings.EXPORT_KEEP_HOURS)


PENDING_EXPORT_STATUSES = (ExportStatus.QUEUED, ExportStatus.RUNNING)
