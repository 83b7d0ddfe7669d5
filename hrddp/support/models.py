import datetime
import re

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hrddp.audit import track
from hrddp.display import Tone, toned
from hrddp.validators import dates_not_too_early, not_in_the_future, single_line


class SupportType(models.TextChoices):
    """The kinds of support of domain.md 4.1: six in the policy's scope, five in the extended scope."""

    OPERATIONAL_TRAINING = "operational_training", _("Operational training, mentoring and advice")
    AUTHORITY_SUPPORT = "authority_support", _("Support to commanding or managing authorities")
    FINANCIAL = "financial", _("Financial support (salaries, allowances, expenses)")
    LOGISTICS = "logistics", _("Logistics (rations, fuel, transport, equipment, infrastructure)")
    OPERATIONAL_SUPPORT = (
        "operational_support",
        _("Operational support (fire support, planning, intelligence)"),
    )
    JOINT_OPERATIONS = "joint_operations", _("Joint operations with UN forces")
    HR_IHL_TRAINING = (
        "hr_ihl_training",
        _("Training or sensitisation on IHL, human rights, refugee law"),
    )
    STANDARD_SETTING = (
        "standard_setting",
        _("Standard-setting: codes of conduct, doctrine, command and control"),
    )
    OVERSIGHT_ACCOUNTABILITY = (
        "oversight_accountability",
        _("Oversight and accountability mechanisms"),
    )
    VETTING_SUPPORT = "vetting_support", _("Support to national vetting processes")
    GOVERNANCE_REFORM = (
        "governance_reform",
        _("Governance reform: legal frameworks, ministry management, civilian oversight"),
    )


EXTENDED_SCOPE_TYPES = frozenset(
    {
        SupportType.HR_IHL_TRAINING,
        SupportType.STANDARD_SETTING,
        SupportType.OVERSIGHT_ACCOUNTABILITY,
        SupportType.VETTING_SUPPORT,
        SupportType.GOVERNANCE_REFORM,
    }
)
# In this product the governance types are exactly the extended-scope ones (domain.md 4.1).
GOVERNANCE_TYPES = EXTENDED_SCOPE_TYPES
CAPACITY_TYPES = frozenset(SupportType) - GOVERNANCE_TYPES
EXTENDED_SCOPE_LABEL = _("outside the policy's formal scope, assessed under the extended scope")


class Urgency(models.TextChoices):
    ROUTINE = "routine", _("Routine")
    URGENT = "urgent", _("Urgent")
    IMMEDIATE = "immediate", _("Immediate")


@toned(
    draft=Tone.SECONDARY,
    submitted=Tone.INFO,
    returned=Tone.WARNING,
    under_assessment=Tone.INFO,
    awaiting_decision=Tone.WARNING,
    approved=Tone.SUCCESS,
    approved_with_conditions=Tone.SUCCESS,
    rejected=Tone.DANGER,
    active=Tone.SUCCESS,
    under_review=Tone.WARNING,
    suspended=Tone.DANGER,
    withdrawn=Tone.SECONDARY,
    lapsed=Tone.DANGER,
    closed=Tone.SECONDARY,
)
class RequestStatus(models.TextChoices):
    """Only assessments/workflow.py assigns a request's status."""

    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    RETURNED = "returned", _("Returned to requester")
    UNDER_ASSESSMENT = "under_assessment", _("Under assessment")
    AWAITING_DECISION = "awaiting_decision", _("Awaiting decision")
    APPROVED = "approved", _("Approved")
    APPROVED_WITH_CONDITIONS = "approved_with_conditions", _("Approved with conditions")
    REJECTED = "rejected", _("Rejected")
    ACTIVE = "active", _("Active")
    UNDER_REVIEW = "under_review", _("Under review")
    SUSPENDED = "suspended", _("Suspended")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    LAPSED = "lapsed", _("Lapsed")
    CLOSED = "closed", _("Closed")


class SupportRequestQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Requests of the user's own entities (domain.md 7)."""
        return self.filter(entity_id__in=user.entity_ids_for())

    def submitted(self):
        """Requests that have been submitted at least once: every state but the draft, and but a
        request withdrawn while still a draft (no "submit" in its history)."""
        transitions = self.model._meta.get_field("transitions").related_model.objects
        ever_submitted = models.Exists(
            transitions.filter(request=models.OuterRef("pk"), action="submit")
        )
        return self.exclude(status=RequestStatus.DRAFT).exclude(
            models.Q(status=RequestStatus.WITHDRAWN) & ~ever_submitted
        )


@track()
class SupportRequest(models.Model):
    """A request for support to host-state security forces (domain.md 4.1)."""

    entity = models.ForeignKey(
        "accounts.Entity",
        on_delete=models.PROTECT,
        related_name="support_requests",
        verbose_name=_("requesting entity"),
    )
    title = models.CharField(_("title"), max_length=200, validators=[single_line])
    support_types = ArrayField(
        models.CharField(max_length=32, choices=SupportType.choices),
        verbose_name=_("support types"),
        default=list,
    )
    description = models.TextField(_("description"), blank=True)
    recipient_units = models.ManyToManyField(
        "registry.Unit", related_name="support_requests", verbose_name=_("recipient units")
    )
    named_individuals = models.ManyToManyField(
        "registry.Person",
        related_name="support_requests",
        verbose_name=_("named individuals"),
        blank=True,
    )
    location = models.CharField(_("location"), max_length=200, blank=True, validators=[single_line])
    start = models.DateField(_("start"), null=True, blank=True)
    end = models.DateField(_("end"), null=True, blank=True)
    value = models.DecimalField(_("value"), max_digits=14, decimal_places=2, null=True, blank=True)
    currency = models.CharField(_("currency"), max_length=3, default="USD")
    funding_source = models.CharField(
        _("funding source"), max_length=200, blank=True, validators=[single_line]
    )
    respond_by = models.DateField(_("respond by"), null=True, blank=True)
    urgency = models.CharField(
        _("urgency"), max_length=10, choices=Urgency.choices, default=Urgency.ROUTINE
    )
    status = models.CharField(
        _("status"),
        max_length=32,
        choices=RequestStatus.choices,
        default=RequestStatus.DRAFT,
        editable=False,
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("submitter"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    # Set by an approval (domain.md 5).
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True, editable=False)
    review_due = models.DateField(_("review due"), null=True, blank=True, editable=False)
    valid_until = models.DateField(_("valid until"), null=True, blank=True, editable=False)
    suspended_at = models.DateTimeField(_("suspended"), null=True, blank=True, editable=False)

    objects = SupportRequestQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("support request")
        verbose_name_plural = _("support requests")
        indexes = [
            models.Index(fields=["entity", "status"]),
            models.Index(fields=["status", "review_due"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end__isnull=True)
                | models.Q(start__isnull=True)
                | models.Q(end__gte=models.F("start")),
                name="request_ends_after_start",
            ),
        ]

    def __str__(self):
        return self.title

    def clean(self):
        errors = dates_not_too_early(self, "start", "end", "respond_by")
        if self.start and self.end and self.end < self.start:
            errors.setdefault("end", _("Support cannot end before it starts."))
        if not self.support_types:
            errors["support_types"] = _("Choose at least one kind of support.")
        elif set(self.support_types) - set(SupportType.values):
            errors["support_types"] = _("Unknown support type.")
        self.currency = (self.currency or "").strip().upper()
        if not re.fullmatch(r"[A-Z]{3}", self.currency):
            errors["currency"] = _("Enter a three-letter currency code, for example USD.")
        if self.value is not None and self.value < 0:
            errors["value"] = _("The value cannot be negative.")
        if errors:
            raise ValidationError(errors)

    @property
    def is_extended_scope(self):
        return bool(set(self.support_types) & EXTENDED_SCOPE_TYPES)

    @property
    def has_capacity_support(self):
        return bool(set(self.support_types) & CAPACITY_TYPES)

    def support_type_labels(self):
        return [
            (SupportType(code).label, code in EXTENDED_SCOPE_TYPES)
            for code in self.support_types
            if code in SupportType.values
        ]


# Which units and people a request would support is history too. (Triggers on many-to-many
# tables live on proxies, as django-pgtrigger documents.)
@track(model_name="RecipientUnitEvent")
class RecipientUnit(SupportRequest.recipient_units.through):
    class Meta:
        proxy = True


@track(model_name="NamedIndividualEvent")
class NamedIndividual(SupportRequest.named_individuals.through):
    class Meta:
        proxy = True


class CommunicationKind(models.TextChoices):
    POLICY_NOTIFICATION = "policy_notification", _("Policy notification and conditions")
    INTERCESSION = "intercession", _("Intercession")
    RESPONSE = "response", _("Response from the authorities")
    SUSPENSION = "suspension", _("Suspension notice")
    RESUMPTION = "resumption", _("Resumption notice")
    OTHER = "other", _("Other")


class CommunicationQuerySet(models.QuerySet):
    def sent_after(self, moment, today=None):
        """Letters that could have been sent after ``moment`` (a decision, a suspension): recorded
        at or after it, and dated from its day up to today (domain.md 4.5, D7). ``moment`` is a
        datetime or an expression such as ``OuterRef("decided_at")``."""
        today = today or timezone.localdate()
        if isinstance(moment, datetime.datetime):
            day = timezone.localdate(moment)
        else:
            typed = models.ExpressionWrapper(moment, output_field=models.DateTimeField())
            day = TruncDate(typed, tzinfo=timezone.get_current_timezone())
        return self.filter(recorded_at__gte=moment, date__gte=day, date__lte=today)


@track()
class Communication(models.Model):
    """A letter or meeting with the recipient authorities, on the request's communications log."""

    request = models.ForeignKey(
        SupportRequest,
        on_delete=models.CASCADE,
        related_name="communications",
        verbose_name=_("request"),
    )
    kind = models.CharField(_("kind"), max_length=24, choices=CommunicationKind.choices)
    intervention = models.ForeignKey(
        "assessments.Intervention",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="communications",
        verbose_name=_("intervention"),
    )
    date = models.DateField(_("date"), validators=[not_in_the_future])
    counterpart = models.CharField(
        _("authority"),
        max_length=200,
        help_text=_("Who was written to or met."),
        validators=[single_line],
    )
    summary = models.TextField(_("summary"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    recorded_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    objects = CommunicationQuerySet.as_manager()

    class Meta:
        ordering = ["-date", "-id"]
        verbose_name = _("communication")
        verbose_name_plural = _("communications")

    def __str__(self):
        return f"{self.get_kind_display()} ({self.date})"

    def clean(self):
        if errors := dates_not_too_early(self, "date"):
            raise ValidationError(errors)


@track()
class Delivery(models.Model):
    """Support actually delivered; recorded only against an active request."""

    request = models.ForeignKey(
        SupportRequest,
        on_delete=models.CASCADE,
        related_name="deliveries",
        verbose_name=_("request"),
    )
    date = models.DateField(_("date"))
    description = models.TextField(_("what was delivered"))
    value = models.DecimalField(_("value"), max_digits=14, decimal_places=2, null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    recorded_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    class Meta:
        ordering = ["-date", "-id"]
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")

    def __str__(self):
        return f"{self.date}: {self.description[:40]}"

    def clean(self):
        errors = dates_not_too_early(self, "date")
        if self.value is not None and self.value < 0:
            errors["value"] = _("The value cannot be negative.")
        if errors:
            raise ValidationError(errors)
