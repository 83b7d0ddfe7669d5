"""An import from a file (issue 5): kept between the dry run and the confirmation."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ImportKind(models.TextChoices):
    INSTITUTIONS = "institutions", _("Security institutions")
    UNITS = "units", _("Units")
    PEOPLE = "people", _("People")
    ASSIGNMENTS = "assignments", _("Command assignments")
    VIOLATIONS = "violations", _("Violations")


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
    status = models.CharField(
        _("status"), max_length=10, choices=ImportStatus.choices, default=ImportStatus.CHECKING
    )
    total_rows = models.PositiveIntegerField(_("rows"), default=0)
    processed_rows = models.PositiveIntegerField(_("rows processed"), default=0)
    # {"new": n, "update": n, "unchanged": n, "error": n}
    counts = models.JSONField(_("counts"), default=dict, blank=True)
    # Every row's outcome of the last run: [{"line", "ref", "outcome", "errors": [[column, msg]]}]
    rows = models.JSONField(_("rows"), default=list, blank=True)
    # Errors about the file as a whole (unreadable, missing column, database refusal).
    errors = models.JSONField(_("file errors"), default=list, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        indexes = [models.Index(fields=["created_by", "created_at"])]

    def __str__(self):
        return f"{self.get_kind_display()} · {self.file_name}"

    @property
    def is_running(self):
        return self.status in RUNNING_STATUSES

    @property
    def has_errors(self):
        return bool(self.errors) or bool(self.counts.get("error"))
