import uuid

import pghistory
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hrddp.audit import track
from hrddp.validators import not_in_the_future, single_line

# The records a file may belong to (issue 17), each a foreign key of Attachment; exactly one is set.
OWNER_FIELDS = ("communication", "decision", "violation", "intervention", "participant")


def stored_name(attachment, filename):
    """Where the file is kept: a random name under the kind of its record and the month. Nothing
    the uploader typed reaches the store's paths; the sanitised name is kept apart, for downloads."""
    now = timezone.now()
    return f"attachments/{attachment.owner_field}/{now:%Y/%m}/{uuid.uuid4().hex}"


def _exactly_one(names):
    """One of the fields ``names`` is set, and the others are not."""
    condition = Q()
    for name in names:
        condition |= Q(**{f"{name}__isnull": False}) & Q(
            *(Q(**{f"{other}__isnull": True}) for other in names if other != name)
        )
    return condition


@track(pghistory.ManualEvent("download"))
class Attachment(models.Model):
    """A file kept with a record: a letter and its answer (communication), the signed assessment
    (decision), evidence (violation), a note of an intervention, a participant's identity document.

    It has the confidentiality of its record (domain.md 7, "files follow the record they belong
    to"); evidence that identifies a victim, witness or source is for HROs only. The file's SHA-256
    is kept here, so ``verify_history`` detects a file changed in the store. Every download is an
    event of this model's history (label "download"), with who downloaded it."""

    title = models.CharField(_("title"), max_length=200, validators=[single_line])
    date = models.DateField(
        _("date of the document"), validators=[not_in_the_future], null=True, blank=True
    )
    identifies_people = models.BooleanField(
        _("identifies a victim, witness or source"),
        default=False,
        help_text=_("Only human rights officers may then see or download it."),
    )
    file = models.FileField(_("file"), upload_to=stored_name, max_length=300)
    filename = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("type"), max_length=120)
    size = models.PositiveBigIntegerField(_("size in bytes"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("added by"),
    )
    # Not auto_now_add: the history's "download" events copy the row, and auto_now_add would
    # stamp each copy with the time of the download (verify_history then sees a changed row).
    added_at = models.DateTimeField(_("added"), default=timezone.now, editable=False)

    communication = models.ForeignKey(
        "support.Communication",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="attachments",
        verbose_name=_("communication"),
    )
    decision = models.ForeignKey(
        "assessments.Decision",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="attachments",
        verbose_name=_("decision"),
    )
    violation = models.ForeignKey(
        "registry.Violation",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="attachments",
        verbose_name=_("violation"),
    )
    intervention = models.ForeignKey(
        "assessments.Intervention",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="attachments",
        verbose_name=_("intervention"),
    )
    participant = models.ForeignKey(
        "screening.Participant",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="attachments",
        verbose_name=_("participant"),
    )

    class Meta:
        ordering = ["-added_at", "-id"]
        verbose_name = _("attached file")
        verbose_name_plural = _("attached files")
        constraints = [
            models.CheckConstraint(
                name="attachment_has_one_record",
                condition=_exactly_one(OWNER_FIELDS),
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def owner_field(self):
        """The name of the record's field that is set (``"violation"``...)."""
        for name in OWNER_FIELDS:
            if getattr(self, f"{name}_id", None) is not None:
                return name
        return ""

    @property
    def owner(self):
        name = self.owner_field
        return getattr(self, name) if name else None

    def set_owner(self, record):
        """Attach to ``record`` (a Communication, Decision, Violation, Intervention or
        Participant)."""
        name = record._meta.model_name
        if name not in OWNER_FIELDS:
            raise ValueError(f"Files cannot be attached to a {name}.")
        setattr(self, name, record)
