"""Community perceptions of the security forces and of the mission (domain.md 6.1)."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Upper
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from hrddp.audit import track
from hrddp.validators import single_line

TRUST_VALIDATORS = [MinValueValidator(1), MaxValueValidator(5)]


class Method(models.TextChoices):
    FOCUS_GROUP = "focus_group", _("Focus group")
    INTERVIEWS = "interviews", _("Interviews")
    SURVEY = "survey", _("Survey")
    OTHER = "other", _("Other")


@track()
class Perception(models.Model):
    # What an HRO records (the perception page's form and the API): the rest is set by the system.
    RECORDED_FIELDS = (
        "date",
        "area",
        "method",
        "population_group",
        "institution",
        "unit",
        "trust_in_force",
        "trust_in_mission",
        "concerns",
    )

    date = models.DateField(_("date"))
    area = models.CharField(
        _("area"),
        max_length=200,
        help_text=_("Where the population lives, as units' locations are written (e.g. Kanda)."),
        validators=[single_line],
    )
    method = models.CharField(_("method"), max_length=12, choices=Method.choices)
    population_group = models.CharField(
        _("population group"),
        max_length=200,
        help_text=_("Who was asked, without names (e.g. displaced women, market traders)."),
        validators=[single_line],
    )
    institution = models.ForeignKey(
        "registry.Institution",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="perceptions",
        verbose_name=_("institution"),
    )
    unit = models.ForeignKey(
        "registry.Unit",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="perceptions",
        verbose_name=_("unit"),
    )
    trust_in_force = models.PositiveSmallIntegerField(
        _("trust in the institution or unit (1–5)"), validators=TRUST_VALIDATORS
    )
    trust_in_mission = models.PositiveSmallIntegerField(
        _("trust in the mission (1–5)"), validators=TRUST_VALIDATORS
    )
    concerns = models.TextField(_("concerns"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    recorded_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    class Meta:
        ordering = ["-date", "-id"]
        verbose_name = _("community perception")
        verbose_name_plural = _("community perceptions")
        indexes = [
            # Assessments match areas to units' locations case-insensitively (UPPER = UPPER).
            models.Index(Upper("area"), name="perception_area_upper"),
            models.Index(fields=["date"], name="perception_date"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(trust_in_force__range=(1, 5)), name="perception_trust_in_force_1_5"
            ),
            models.CheckConstraint(
                condition=Q(trust_in_mission__range=(1, 5)), name="perception_trust_in_mission_1_5"
            ),
        ]

    def __str__(self):
        return f"{date_format(self.date, 'DATE_FORMAT')} · {self.area} · {self.population_group}"

    def clean(self):
        if self.date and self.date > timezone.localdate():
            raise ValidationError({"date": _("A perception cannot be dated in the future.")})
        if self.unit_id:
            if self.institution_id and self.institution_id != self.unit.institution_id:
                raise ValidationError({"unit": _("This unit belongs to another institution.")})
            # A perception of a unit is also one of its institution: assessments of that
            # institution's other units show it.
            self.institution_id = self.unit.institution_id
        if not self.institution_id:
            message = _("Name the institution or the unit the population was asked about.")
            raise ValidationError({"institution": message})
