"""The HRDDP risk assessment (domain.md 4.2–4.5): factors, extended-scope questions, risks,
mitigatory measures, the decision, and the append-only history of every transition."""

import pgtrigger
from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from hrddp import texts
from hrddp.audit import track
from hrddp.display import Tone, toned
from hrddp.support.models import RequestStatus, SupportRequest
from hrddp.validators import single_line


class Level(models.TextChoices):
    LOW = "low", _("Low")
    MEDIUM = "medium", _("Medium")
    HIGH = "high", _("High")


LEVEL_ORDER = {Level.LOW: 1, Level.MEDIUM: 2, Level.HIGH: 3}


def risk_score(likelihood, severity):
    """Score = likelihood × severity (domain.md 4.4); None until both are rated."""
    return likelihood * severity if likelihood and severity else None


def is_rated(risks, factors):
    """``Assessment.is_rated`` from its risks and factors (the factors read only if no risk)."""
    return bool(risks) or any(factor.rating for factor in factors)


def level_for_score(score):
    """Likelihood × severity: low 1–6, medium 7–14, high 15–25."""
    if score >= 15:
        return Level.HIGH
    if score >= 7:
        return Level.MEDIUM
    return Level.LOW


class Factor(models.TextChoices):
    F1 = "F1", _("F1 Record of grave violations")
    F2 = "F2", _("F2 Accountability")
    F3 = "F3", _("F3 Command and control")
    F4 = "F4", _("F4 Nature of support")
    F5 = "F5", _("F5 Context")
    F6 = "F6", _("F6 UN influence")
    F7 = "F7", _("F7 Mitigation")
    F8 = "F8", _("F8 Impact on the protection of civilians")


class ScopeQuestion(models.TextChoices):
    S1 = (
        "S1",
        _(
            "S1 Success: could the change shift lines of control or power and trigger reprisals or violent resistance?"
        ),
    )
    S2 = (
        "S2",
        _(
            "S2 Success: could people removed, vetted out or sidelined become a threat to civilians?"
        ),
    )
    S3 = (
        "S3",
        _(
            "S3 Failure: will personnel be encouraged to report abuses, and does a system protect them and guarantee accountability?"
        ),
    )
    S4 = "S4", _("S4 Failure: if the activity is cut short or fails, what harm follows?")
    S5 = (
        "S5",
        _(
            "S5 Isolation: is the training or norm backed by what makes it work, or does it stand alone?"
        ),
    )


@toned(draft=Tone.INFO, submitted=Tone.WARNING, decided=Tone.SECONDARY)
class AssessmentStatus(models.TextChoices):
    """Only assessments/workflow.py assigns an assessment's status."""

    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted for decision")
    DECIDED = "decided", _("Decided (frozen)")


class Recommendation(models.TextChoices):
    SUPPORT = "support", _("Support")
    SUPPORT_WITH_CONDITIONS = "support_with_conditions", _("Support with conditions")
    DO_NOT_SUPPORT = "do_not_support", _("Do not support")


@track()
class Assessment(models.Model):
    request = models.ForeignKey(
        SupportRequest,
        on_delete=models.PROTECT,
        related_name="assessments",
        verbose_name=_("request"),
    )
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=AssessmentStatus.choices,
        default=AssessmentStatus.DRAFT,
        editable=False,
    )
    drafter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("drafted by"),
    )
    recommendation = models.CharField(
        _("recommendation"), max_length=32, choices=Recommendation.choices, blank=True
    )
    rationale = models.TextField(_("rationale"), blank=True)
    risk_of_not_supporting = models.TextField(
        _("risk of not supporting"),
        blank=True,
        help_text=_("What happens to civilians and to the mission if the support is refused."),
    )
    monitoring_plan = models.TextField(_("monitoring plan"), blank=True)
    perceptions_consulted = models.ManyToManyField(
        "community.Perception",
        blank=True,
        related_name="assessments",
        verbose_name=_("community perceptions consulted"),
    )
    submitted_at = models.DateTimeField(
        _("submitted for decision"), null=True, blank=True, editable=False
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    # Optimistic locking: a save must name the revision it was edited from.
    revision = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        ordering = ["request", "-version"]
        verbose_name = _("assessment")
        verbose_name_plural = _("assessments")
        constraints = [
            models.UniqueConstraint(
                fields=["request", "version"], name="unique_assessment_version"
            ),
        ]

    def __str__(self):
        return _("Assessment v%(version)s of %(request)s") % {
            "version": self.version,
            "request": self.request,
        }

    @property
    def is_frozen(self):
        return self.status == AssessmentStatus.DECIDED

    @property
    def is_rated(self):
        """Whether the HRO has rated anything yet: a risk listed or a factor rated. Until then
        the inherent and residual risk are "not assessed yet", not low (``RiskProfile.assessed``).
        Reads the prefetched risks and factors when a page loaded them."""
        return is_rated(self.risks.all(), self.factors.all())


# Which community perceptions an assessment consulted is history too (proxy: see support).
@track(model_name="PerceptionConsultedEvent")
class PerceptionConsulted(Assessment.perceptions_consulted.through):
    class Meta:
        proxy = True


@track()
class FactorRating(models.Model):
    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="factors")
    code = models.CharField(_("factor"), max_length=2, choices=Factor.choices)
    rating = models.CharField(_("rating"), max_length=6, choices=Level.choices, blank=True)
    narrative = models.TextField(_("narrative"), blank=True)
    evidence = models.TextField(
        _("evidence"), blank=True, help_text=_("Links or references to the evidence, one per line.")
    )

    class Meta:
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(fields=["assessment", "code"], name="unique_factor_rating")
        ]

    def __str__(self):
        return self.get_code_display()


@track()
class ScopeAnswer(models.Model):
    assessment = models.ForeignKey(
        Assessment, on_delete=models.CASCADE, related_name="scope_answers"
    )
    code = models.CharField(_("question"), max_length=2, choices=ScopeQuestion.choices)
    rating = models.CharField(_("rating"), max_length=6, choices=Level.choices, blank=True)
    answer = models.TextField(_("answer"), blank=True)

    class Meta:
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(fields=["assessment", "code"], name="unique_scope_answer")
        ]

    def __str__(self):
        return self.code

    @property
    def is_answered(self):
        return bool(self.rating and self.answer.strip())


score_validators = [MinValueValidator(1), MaxValueValidator(5)]


class RiskQuerySet(models.QuerySet):
    def rated_after_mitigation(self):
        """Each risk with ``rated_likelihood`` and ``rated_severity`` after mitigation: its
        re-rating, or its own rating when not re-rated (as ``Risk.score_after_mitigation``), for
        counting risks in SQL."""
        rerated = models.Q(residual_likelihood__isnull=False, residual_severity__isnull=False)
        return self.annotate(
            rated_likelihood=models.Case(
                models.When(rerated, then=models.F("residual_likelihood")),
                default=models.F("likelihood"),
            ),
            rated_severity=models.Case(
                models.When(rerated, then=models.F("residual_severity")),
                default=models.F("severity"),
            ),
        )


@track()
class Risk(models.Model):
    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="risks")
    description = models.TextField(_("description"))
    factor = models.CharField(_("factor"), max_length=2, choices=Factor.choices)
    likelihood = models.PositiveSmallIntegerField(
        _("likelihood (1–5)"), validators=score_validators
    )
    severity = models.PositiveSmallIntegerField(_("severity (1–5)"), validators=score_validators)
    residual_likelihood = models.PositiveSmallIntegerField(
        _("likelihood after mitigation"), validators=score_validators, null=True, blank=True
    )
    residual_severity = models.PositiveSmallIntegerField(
        _("severity after mitigation"), validators=score_validators, null=True, blank=True
    )

    objects = RiskQuerySet.as_manager()

    class Meta:
        ordering = ["id"]
        verbose_name = _("risk")
        verbose_name_plural = _("risks")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(likelihood__range=(1, 5)), name="risk_likelihood_1_5"
            ),
            models.CheckConstraint(
                condition=models.Q(severity__range=(1, 5)), name="risk_severity_1_5"
            ),
            models.CheckConstraint(
                condition=models.Q(residual_likelihood__isnull=True)
                | models.Q(residual_likelihood__range=(1, 5)),
                name="risk_residual_likelihood_1_5",
            ),
            models.CheckConstraint(
                condition=models.Q(residual_severity__isnull=True)
                | models.Q(residual_severity__range=(1, 5)),
                name="risk_residual_severity_1_5",
            ),
        ]

    def __str__(self):
        return self.description[:60]

    @property
    def score(self):
        return risk_score(self.likelihood, self.severity)

    @property
    def residual_score(self):
        """The score after mitigation; None while the risk is not re-rated."""
        return risk_score(self.residual_likelihood, self.residual_severity)

    @property
    def score_after_mitigation(self):
        """What residual risk counts (domain.md 4.4): the re-rating, or the risk's own score
        when it is not re-rated."""
        return self.residual_score or self.score

    @property
    def level(self):
        return level_for_score(self.score) if self.score else None

    @property
    def residual_level(self):
        return level_for_score(self.residual_score) if self.residual_score else None

    def clean(self):
        if (self.residual_likelihood is None) != (self.residual_severity is None):
            raise ValidationError(
                _("Re-rate both likelihood and severity after mitigation, or neither.")
            )


@track()
class MeasureType(models.Model):
    """The mitigation catalogue (domain.md 4.4), a seeded vocabulary."""

    code = models.SlugField(_("code"), max_length=64, unique=True)
    name = models.CharField(_("name"), max_length=200, validators=[single_line])
    is_accountability_safeguard = models.BooleanField(_("accountability safeguard"), default=False)
    order = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["order", "name"]
        verbose_name = _("mitigatory measure type")
        verbose_name_plural = _("mitigatory measure types")

    def __str__(self):
        return f"{self.label}*" if self.is_accountability_safeguard else self.label

    @property
    def label(self):
        # Seeded names are in the translation catalogue (catalogue.py); added ones show as typed.
        return gettext(self.name)


@toned(
    proposed=Tone.WARNING,
    agreed=Tone.INFO,
    in_place=Tone.SUCCESS,
    not_implemented=Tone.DANGER,
    lapsed=Tone.DANGER,
)
class MeasureStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    AGREED = "agreed", _("Agreed")
    IN_PLACE = "in_place", _("In place")
    NOT_IMPLEMENTED = "not_implemented", _("Not implemented")
    LAPSED = "lapsed", _("Lapsed")


# Measures that count for D3 and D6.
EFFECTIVE_MEASURE_STATUSES = (MeasureStatus.AGREED, MeasureStatus.IN_PLACE)


class ResponsibleParty(models.TextChoices):
    UN_ENTITY = "un_entity", _("UN entity")
    RECIPIENT_AUTHORITY = "recipient_authority", _("Recipient authority")


@track()
class Measure(models.Model):
    risk = models.ForeignKey(Risk, on_delete=models.CASCADE, related_name="measures")
    measure_type = models.ForeignKey(
        MeasureType, on_delete=models.PROTECT, related_name="measures", verbose_name=_("measure")
    )
    details = models.TextField(_("details"), blank=True)
    responsible = models.CharField(
        _("responsible party"), max_length=20, choices=ResponsibleParty.choices
    )
    due_date = models.DateField(_("due date"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=MeasureStatus.choices, default=MeasureStatus.PROPOSED
    )

    class Meta:
        ordering = ["id"]
        verbose_name = _("mitigatory measure")
        verbose_name_plural = _("mitigatory measures")
        indexes = [models.Index(fields=["status", "due_date"])]

    def __str__(self):
        return str(self.measure_type)


@toned(
    approve=Tone.SUCCESS,
    approve_with_conditions=Tone.SUCCESS,
    reject=Tone.DANGER,
    renew=Tone.SUCCESS,
    resume=Tone.SUCCESS,
)
class DecisionKind(models.TextChoices):
    APPROVE = "approve", _("Approve")
    APPROVE_WITH_CONDITIONS = "approve_with_conditions", _("Approve with conditions")
    REJECT = "reject", _("Reject")
    RENEW = "renew", _("Renew after review")
    RESUME = "resume", _("Resume after suspension")


@track()
class Decision(models.Model):
    """The head of entity's decision, pointing at the assessment version it was taken on."""

    request = models.ForeignKey(SupportRequest, on_delete=models.PROTECT, related_name="decisions")
    assessment = models.ForeignKey(Assessment, on_delete=models.PROTECT, related_name="decisions")
    kind = models.CharField(_("decision"), max_length=32, choices=DecisionKind.choices)
    reason = models.TextField(_("reason"))
    conditions = models.TextField(_("conditions"), blank=True)
    waiver_reason = models.TextField(
        _("waiver reason"),
        blank=True,
        help_text=_("Required to approve when the residual risk is high (rule D2)."),
    )
    inherent_level = models.CharField(_("inherent risk"), max_length=6, choices=Level.choices)
    residual_level = models.CharField(_("residual risk"), max_length=6, choices=Level.choices)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided"), auto_now_add=True)
    # Rule D8: the participants excluded by screening, frozen at the decision as
    # [{"id", "name", "rank", "reason"}]; the decision and the policy letter's annex list them.
    excluded_participants = models.JSONField(
        _("excluded participants"), default=list, blank=True, editable=False
    )

    class Meta:
        ordering = ["-decided_at"]
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")
        triggers = [
            pgtrigger.Protect(
                name="decisions_append_only", operation=pgtrigger.Update | pgtrigger.Delete
            )
        ]
        indexes = [models.Index(fields=["decided_at"])]

    def __str__(self):
        return f"{self.get_kind_display()} · {self.request}"

    @property
    def is_waiver(self):
        return bool(self.waiver_reason)

    @property
    def snapshot(self):
        """What the manager knew: the latest snapshot of the assessment taken before this
        decision, or None for a decision taken before snapshots existed."""
        return (
            self.assessment.snapshots.filter(taken_at__lte=self.decided_at)
            .order_by("-taken_at", "-id")
            .first()
        )


class AttemptLog(models.Model):
    """One attempt at a state change, allowed or refused (domain.md 4.5): who, when, the action,
    from, to, why, and the codes of the rules that refused it, most specific first. A refused
    attempt's ``to_status`` is the state the action would have led to. Never edited."""

    action = models.CharField(_("action"), max_length=32)
    allowed = models.BooleanField(_("allowed"), default=True)
    # Codes, not messages: a refusal is read later, in the reader's language (rules.RULE_TITLES).
    rules = ArrayField(
        models.CharField(max_length=16),
        verbose_name=_("refused by"),
        default=list,
        blank=True,
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    reason = models.TextField(_("why"), blank=True)
    # Why, when the product itself acted: a code and its parameters (hrddp.texts), rendered in
    # the reader's language; ``reason`` holds only what a person wrote.
    reason_text = models.JSONField(_("why (system)"), default=dict, blank=True)
    at = models.DateTimeField(_("when"), auto_now_add=True)

    class Meta:
        abstract = True

    def __str__(self):
        refused = "" if self.allowed else f" refused: {', '.join(self.rules)}"
        return f"{self.from_status or '—'} → {self.to_status} ({self.action}{refused})"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValidationError(_("History cannot be edited."))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError(_("History cannot be deleted."))

    @property
    def reason_display(self):
        """Why, in the reader's language when the product wrote it."""
        return texts.render(self.reason_text) if self.reason_text else self.reason

    @property
    def refusal_rules(self):
        """(code, title) of each rule that refused, the title in the reader's language."""
        from .rules import rule_title

        return [(code, rule_title(code)) for code in self.rules]


@track()
class Transition(AttemptLog):
    """One row per attempt at a state change of a request, allowed or refused. Never edited."""

    request = models.ForeignKey(
        SupportRequest, on_delete=models.PROTECT, related_name="transitions"
    )
    assessment = models.ForeignKey(
        Assessment, on_delete=models.PROTECT, related_name="transitions", null=True, blank=True
    )
    from_status = models.CharField(_("from"), max_length=32, choices=RequestStatus.choices)
    to_status = models.CharField(_("to"), max_length=32, choices=RequestStatus.choices)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("transition")
        verbose_name_plural = _("transitions")
        triggers = [
            pgtrigger.Protect(
                name="transitions_append_only", operation=pgtrigger.Update | pgtrigger.Delete
            )
        ]


class TriggerKind(models.TextChoices):
    """The monitoring triggers of domain.md section 5."""

    VIOLATION = "violation", _("Countable grave violation in a recipient's record")
    MEASURE_OVERDUE = "measure_overdue", _("Agreed measure past its due date and not in place")
    COMMAND_CHANGE = "command_change", _("New commander with a countable grave violation")
    PARTICIPANT = "participant", _("Countable grave violation of a confirmed participant")


@track()
class Trigger(models.Model):
    """A trigger detected against a request; one per cause, so detecting twice does nothing."""

    request = models.ForeignKey(SupportRequest, on_delete=models.PROTECT, related_name="triggers")
    kind = models.CharField(_("trigger"), max_length=20, choices=TriggerKind.choices)
    violation = models.ForeignKey(
        "registry.Violation", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    measure = models.ForeignKey(
        Measure, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    assignment = models.ForeignKey(
        "registry.CommandAssignment",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    unit = models.ForeignKey(
        "registry.Unit",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("recipient unit"),
    )
    detected_at = models.DateTimeField(_("detected"), auto_now_add=True)

    class Meta:
        ordering = ["-detected_at"]
        verbose_name = _("trigger")
        verbose_name_plural = _("triggers")
        constraints = [
            models.UniqueConstraint(
                fields=["request", "violation"],
                condition=models.Q(violation__isnull=False),
                name="one_trigger_per_violation",
            ),
            models.UniqueConstraint(
                fields=["request", "measure"],
                condition=models.Q(measure__isnull=False),
                name="one_trigger_per_measure",
            ),
            models.UniqueConstraint(
                fields=["request", "assignment"],
                condition=models.Q(assignment__isnull=False),
                name="one_trigger_per_assignment",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} · {self.request}"


@toned(
    open=Tone.WARNING,
    escalated=Tone.DANGER,
    resolved=Tone.SUCCESS,
    continued=Tone.INFO,
    suspended=Tone.DANGER,
)
class InterventionStatus(models.TextChoices):
    """Only assessments/workflow.py assigns an intervention's status."""

    OPEN = "open", _("Open")
    ESCALATED = "escalated", _("Escalated to the manager")
    RESOLVED = "resolved", _("Resolved")
    CONTINUED = "continued", _("Continued with measures")
    SUSPENDED = "suspended", _("Support suspended")


OPEN_INTERVENTION_STATUSES = (InterventionStatus.OPEN, InterventionStatus.ESCALATED)


def overdue_intervention(today):
    """Open or escalated, and the authorities' response was due before today (domain.md 5). The
    daily reminders, the dashboards, the insights and the API all count by this one condition:
    ``Intervention.objects.overdue(today)``, or this condition where a count or a union needs
    it; ``Intervention.is_overdue`` says the same of one intervention in hand."""
    return models.Q(status__in=OPEN_INTERVENTION_STATUSES, response_due__lt=today)


class InterventionQuerySet(models.QuerySet):
    def overdue(self, today=None):
        return self.filter(overdue_intervention(today or timezone.localdate()))


@track()
class Intervention(models.Model):
    """Intercession with the authorities after a trigger (domain.md 5)."""

    request = models.ForeignKey(
        SupportRequest, on_delete=models.PROTECT, related_name="interventions"
    )
    trigger = models.OneToOneField(Trigger, on_delete=models.PROTECT, related_name="intervention")
    unit = models.ForeignKey(
        "registry.Unit",
        on_delete=models.PROTECT,
        related_name="interventions",
        verbose_name=_("unit concerned"),
    )
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=InterventionStatus.choices,
        default=InterventionStatus.OPEN,
        editable=False,
    )
    opened_on = models.DateField(_("opened"))
    intercession_due = models.DateField(_("intercession due"))
    response_due = models.DateField(_("response due"))
    # Notes of the steps taken before interventions had their own log (InterventionTransition);
    # kept as recorded, no longer written.
    outcome = models.TextField(_("outcome"), blank=True, editable=False)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True, editable=False)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    objects = InterventionQuerySet.as_manager()

    class Meta:
        ordering = ["response_due", "id"]
        verbose_name = _("intervention")
        verbose_name_plural = _("interventions")
        indexes = [models.Index(fields=["status", "response_due"])]

    def __str__(self):
        return _("Intervention on %(unit)s (%(request)s)") % {
            "unit": self.unit,
            "request": self.request,
        }

    @property
    def is_open(self):
        return self.status in OPEN_INTERVENTION_STATUSES

    def is_overdue(self, today=None):
        """``overdue_intervention`` of this one intervention, without a query."""
        return self.is_open and self.response_due < (today or timezone.localdate())


@track()
class InterventionTransition(AttemptLog):
    """One row per step of an intervention: its opening (by the system), and each attempt to
    escalate, resolve, continue or suspend, allowed or refused. Never edited."""

    intervention = models.ForeignKey(
        Intervention, on_delete=models.PROTECT, related_name="transitions"
    )
    # Blank for the opening: the intervention was in no state before.
    from_status = models.CharField(
        _("from"), max_length=12, choices=InterventionStatus.choices, blank=True
    )
    to_status = models.CharField(_("to"), max_length=12, choices=InterventionStatus.choices)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("intervention transition")
        verbose_name_plural = _("intervention transitions")
        triggers = [
            pgtrigger.Protect(
                name="intervention_transitions_append_only",
                operation=pgtrigger.Update | pgtrigger.Delete,
            )
        ]


class ReminderKind(models.TextChoices):
    REVIEW_SOON = "review_soon", _("Review due soon")
    REVIEW_DUE = "review_due", _("Review due today")
    REVIEW_OVERDUE = "review_overdue", _("Review overdue (weekly)")
    INTERVENTION_OVERDUE = "intervention_overdue", _("Intervention overdue (daily)")


@track()
class ReminderClaim(models.Model):
    """A reminder claimed before it is sent: (kind, object, recipient, due key) is unique, so a sweep
    that runs twice, two beat processes or a retried task never send the same reminder twice."""

    kind = models.CharField(_("reminder"), max_length=24, choices=ReminderKind.choices)
    object_id = models.PositiveBigIntegerField()
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    due_key = models.DateField(
        _("due"), help_text=_("The due date, or the day or week the reminder is for.")
    )
    claimed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("reminder sent")
        verbose_name_plural = _("reminders sent")
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "object_id", "user", "due_key"], name="one_reminder_per_due_item"
            ),
        ]

    def __str__(self):
        return f"{self.kind} #{self.object_id} → {self.user} ({self.due_key})"


class CheckKind(models.TextChoices):
    """What a pending trigger check looks at: monitoring.check_violation or check_assignment."""

    VIOLATION = "violation", _("Violation attributed or verified")
    ASSIGNMENT = "assignment", _("Command assignment recorded")


@track()
class TriggerCheck(models.Model):
    """A trigger check owed after a change to the registry (the outbox of assessments/outbox.py).

    Written in the same transaction as the change that needs it, so a change that commits always
    leaves its check behind; done in the same transaction as the check's effects. A row with no
    ``done_at`` is pending: the task sent after commit and the periodic sweep both run it. Tracked,
    so its history shows when each check ran and every failed attempt."""

    kind = models.CharField(_("check"), max_length=12, choices=CheckKind.choices)
    object_id = models.PositiveBigIntegerField()
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    tried_at = models.DateTimeField(_("last failed attempt"), null=True, blank=True)
    done_at = models.DateTimeField(_("done"), null=True, blank=True)
    attempts = models.PositiveIntegerField(_("failed attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("trigger check")
        verbose_name_plural = _("trigger checks")
        indexes = [
            # The sweep's lookup: only pending rows, a handful, however long the table grows.
            models.Index(
                fields=["id"],
                condition=models.Q(done_at__isnull=True),
                name="pending_trigger_checks",
            ),
        ]

    def __str__(self):
        return f"{self.kind} #{self.object_id}"


# --- What the manager knew (domain.md 4.5) ----------------------------------------------------


class SnapshotRoute(models.TextChoices):
    """The routes of a unit's record (hrddp/registry/queries.py ROUTES), as a snapshot keeps them."""

    SUBTREE = "subtree", _("In this unit or its sub-units")
    COMMANDED_AT_TIME = "commanded_at_time", _("Under commanders at the time")
    CURRENT_COMMANDERS = "current_commanders", _("Brought by current commanders")
    ANCESTORS = "ancestors", _("Context: violations of parent units (not counted)")


def _append_only(name):
    return pgtrigger.Protect(name=name, operation=pgtrigger.Update | pgtrigger.Delete)


@track()
class AssessmentSnapshot(models.Model):
    """What a version showed of its recipients' records when it was submitted for decision: the
    levels with their reasons (stored as msgid and parameters, rendered in the reader's language),
    and per recipient a ``RecordSnapshot``. One per submission, never edited: a version sent back
    and submitted again has one for each submission; a decision was taken on the latest one
    before it (``Decision.snapshot``)."""

    assessment = models.ForeignKey(
        Assessment, on_delete=models.PROTECT, related_name="snapshots", verbose_name=_("assessment")
    )
    taken_at = models.DateTimeField(_("taken"), auto_now_add=True)
    taken_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    as_of = models.DateField(_("record as of"))
    lookback_days = models.PositiveIntegerField(_("lookback (days)"))
    pattern_threshold = models.PositiveIntegerField(_("pattern threshold"))
    record_cap = models.PositiveIntegerField(_("counts exact up to"))
    floor = models.CharField(_("record floor"), max_length=6, choices=Level.choices, blank=True)
    inherent = models.CharField(_("inherent risk"), max_length=6, choices=Level.choices)
    residual = models.CharField(_("residual risk"), max_length=6, choices=Level.choices)
    # [{"msgid": ..., "params": {...}}]: assessments.risk.Reason.as_data()
    floor_reasons = models.JSONField(default=list)
    inherent_reasons = models.JSONField(default=list)
    residual_reasons = models.JSONField(default=list)

    class Meta:
        ordering = ["taken_at", "id"]
        get_latest_by = ["taken_at", "id"]
        verbose_name = _("snapshot at submission for decision")
        verbose_name_plural = _("snapshots at submission for decision")
        triggers = [_append_only("assessment_snapshots_append_only")]

    def __str__(self):
        return _("%(assessment)s, as submitted on %(date)s") % {
            "assessment": self.assessment,
            "date": date_format(timezone.localtime(self.taken_at), "DATETIME_FORMAT"),
        }


@track()
class RecordSnapshot(models.Model):
    """One recipient's record in a snapshot: its capped counts by route and its flags, as the
    live record showed them (hrddp.registry.queries.records_of); its violations are rows."""

    snapshot = models.ForeignKey(
        AssessmentSnapshot, on_delete=models.PROTECT, related_name="records"
    )
    unit = models.ForeignKey("registry.Unit", on_delete=models.PROTECT, related_name="+")
    # {route: count, "record": count}, each exact up to the snapshot's record_cap, cap + 1 beyond.
    counts = models.JSONField(default=dict)
    recent_countable_grave_count = models.PositiveIntegerField(default=0)
    current_commander_has_countable_grave = models.BooleanField(default=False)

    class Meta:
        ordering = ["snapshot", "id"]
        verbose_name = _("recipient's record in a snapshot")
        verbose_name_plural = _("recipients' records in snapshots")
        constraints = [
            models.UniqueConstraint(fields=["snapshot", "unit"], name="one_record_per_snapshot")
        ]
        triggers = [_append_only("record_snapshots_append_only")]

    def __str__(self):
        return f"{self.unit_id} · {self.snapshot_id}"


@track()
class SnapshotViolation(models.Model):
    """A violation as a snapshot's record showed it, under one route: per unit and route the
    newest ``RECORD_CAP``, and every recent countable grave one (they set the flags)."""

    record = models.ForeignKey(RecordSnapshot, on_delete=models.PROTECT, related_name="violations")
    route = models.CharField(_("route"), max_length=20, choices=SnapshotRoute.choices)
    # No constraint: the snapshot keeps what it saw, even of a violation later removed.
    violation = models.ForeignKey(
        "registry.Violation",
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    date = models.DateField(_("date"))
    date_precision = models.CharField(_("date precision"), max_length=5)
    location = models.CharField(_("location"), max_length=200)
    category = models.ForeignKey(
        "registry.ViolationCategory", on_delete=models.PROTECT, related_name="+"
    )
    subtype = models.ForeignKey(
        "registry.ViolationSubtype",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    verification_status = models.CharField(_("verification status"), max_length=10)
    is_grave = models.BooleanField(_("grave"))

    class Meta:
        ordering = ["record", "route", "-date", "-violation_id"]
        verbose_name = _("violation in a snapshot")
        verbose_name_plural = _("violations in snapshots")
        constraints = [
            models.UniqueConstraint(
                fields=["record", "route", "violation"], name="one_snapshot_row_per_route"
            )
        ]
        indexes = [
            models.Index(
                "record",
                "route",
                models.F("date").desc(),
                models.F("violation").desc(),
                name="snapshot_route_newest",
            ),
            models.Index(fields=["record", "violation"], name="snapshot_record_violation"),
        ]
        triggers = [_append_only("snapshot_violations_append_only")]

    def __str__(self):
        return f"{self.violation_id} ({self.route})"
