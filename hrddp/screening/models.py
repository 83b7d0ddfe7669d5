"""Participants and their screening (domain.md 4.6, issue 15).

A support request lists its participants: the people who will receive the training, mentoring or
governance support. Each is screened against every person and alias in the registry
(``registry.matching``); the candidates found are kept with their score and reasons, the HRO
confirms or rejects each, and records an outcome for the participant. A confirmed candidate links
the participant to the person, so that the person's record counts in the assessment and later
triggers reach the request. An outcome is current while it is newer than the request's latest
assessment version (screening expires with the assessment; ``queries.unscreened``).
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hrddp.audit import track
from hrddp.display import Tone, toned
from hrddp.validators import dates_not_too_early, single_line


class ParticipantRole(models.TextChoices):
    TRAINEE = "trainee", _("Trainee")
    TRAINER = "trainer", _("Trainer")
    MENTEE = "mentee", _("Mentee")
    OFFICIAL = "official", _("Official")
    OTHER = "other", _("Other")


# Unscreened (blank) blocks the approval (D8): it waits for the HRO.
@toned(
    blank=Tone.WARNING, cleared=Tone.SUCCESS, excluded=Tone.DANGER, needs_information=Tone.WARNING
)
class Outcome(models.TextChoices):
    CLEARED = "cleared", _("Cleared")
    EXCLUDED = "excluded", _("Excluded")
    NEEDS_INFORMATION = "needs_information", _("Needs more information")


# D8's "unscreened": no final outcome (none yet, or more information needed). Outcomes expire with
# the assessment: a renewal clears them (``services_screening.expire``).
UNSCREENED = models.Q(outcome="") | models.Q(outcome=Outcome.NEEDS_INFORMATION)


def candidates_to_decide():
    """Whether the participant of the outer query has a candidate match still to decide."""
    return models.Exists(
        Candidate.objects.filter(participant=models.OuterRef("pk"), decision=Decision.PENDING)
    )


class ParticipantQuerySet(models.QuerySet):
    def unscreened(self):
        """D8: participants without a final outcome (``UNSCREENED``)."""
        return self.filter(UNSCREENED)

    def with_candidates_to_decide(self):
        return self.filter(candidates_to_decide())

    def excluded(self):
        return self.filter(outcome=Outcome.EXCLUDED)


@track()
class Participant(models.Model):
    request = models.ForeignKey(
        "support.SupportRequest",
        on_delete=models.CASCADE,
        related_name="participants",
        verbose_name=_("support request"),
    )
    name = models.CharField(_("name"), max_length=200, validators=[single_line])
    rank = models.CharField(_("rank"), max_length=100, blank=True, validators=[single_line])
    service_number = models.CharField(
        _("service number"), max_length=100, blank=True, validators=[single_line]
    )
    birth_date = models.DateField(
        _("date of birth"), null=True, blank=True, validators=[dates_not_too_early]
    )
    birth_place = models.CharField(
        _("place of birth"), max_length=200, blank=True, validators=[single_line]
    )
    unit = models.ForeignKey(
        "registry.Unit",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="participants",
        verbose_name=_("unit"),
    )
    role = models.CharField(
        _("role in the activity"),
        max_length=20,
        choices=ParticipantRole.choices,
        default=ParticipantRole.TRAINEE,
    )
    # The confirmed match: the registry's record of this participant.
    person = models.ForeignKey(
        "registry.Person",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="participations",
        verbose_name=_("matched person"),
    )
    # When the candidates were last searched for (the screening run or the page), empty before.
    matched_at = models.DateTimeField(_("candidates searched"), null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices, blank=True)
    outcome_reason = models.TextField(_("reason"), blank=True)
    screened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("screened by"),
    )
    screened_at = models.DateTimeField(_("screened"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("added by"),
    )
    created_at = models.DateTimeField(_("added"), default=timezone.now)

    objects = ParticipantQuerySet.as_manager()

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = _("participant")
        verbose_name_plural = _("participants")
        indexes = [
            models.Index(fields=["request", "outcome"]),
            models.Index(fields=["person"]),
        ]

    def __str__(self):
        return f"{self.rank} {self.name}".strip()

    def clean(self):
        # The field's validator alone checks nothing (``dates_not_too_early`` reads an instance):
        # the pages, the API and the import refuse the same dates through this.
        errors = dates_not_too_early(self, "birth_date")
        if self.birth_date and self.birth_date > timezone.localdate():
            errors["birth_date"] = ValidationError(
                _("A date of birth cannot be in the future."), code="future"
            )
        if errors:
            raise ValidationError(errors)


# As the buttons that set it: a confirmed match brings a record, a rejected one clears a doubt.
@toned(pending=Tone.WARNING, confirmed=Tone.DANGER, rejected=Tone.SUCCESS)
class Decision(models.TextChoices):
    PENDING = "pending", _("To decide")
    CONFIRMED = "confirmed", _("Confirmed: same person")
    REJECTED = "rejected", _("Rejected: not the same person")


@track()
class Candidate(models.Model):
    """A person of the registry the matcher found for a participant, with why."""

    participant = models.ForeignKey(
        Participant, on_delete=models.CASCADE, related_name="candidates"
    )
    person = models.ForeignKey(
        "registry.Person", on_delete=models.CASCADE, related_name="screening_candidates"
    )
    score = models.FloatField(_("score"))
    # [[code, {params}], ...]: rendered in the reader's language (``screening.reasons``).
    reasons = models.JSONField(_("reasons"), default=list)
    decision = models.CharField(
        _("decision"), max_length=10, choices=Decision.choices, default=Decision.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)

    class Meta:
        ordering = ["-score", "pk"]
        verbose_name = _("candidate match")
        verbose_name_plural = _("candidate matches")
        constraints = [
            models.UniqueConstraint(
                fields=["participant", "person"], name="screening_candidate_unique"
            )
        ]

    def __str__(self):
        return f"{self.participant_id} ~ {self.person_id} ({self.score})"


@toned(running=Tone.INFO, done=Tone.SUCCESS, failed=Tone.DANGER)
class RunStatus(models.TextChoices):
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class ScreeningRun(models.Model):
    """Screening a request's participants in the background (a Celery task), with its progress.
    Written in the same transaction as the request to run it, so that the sweep starts it again
    if the task is lost."""

    request = models.ForeignKey(
        "support.SupportRequest", on_delete=models.CASCADE, related_name="screening_runs"
    )
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("asked"), default=timezone.now)
    status = models.CharField(
        _("status"), max_length=10, choices=RunStatus.choices, default=RunStatus.RUNNING
    )
    total_rows = models.PositiveIntegerField(_("participants"), default=0)
    processed_rows = models.PositiveIntegerField(_("screened"), default=0)
    heartbeat_at = models.DateTimeField(_("last sign of work"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["status", "heartbeat_at"])]

    def __str__(self):
        return f"{self.request_id}: {self.processed_rows}/{self.total_rows}"
