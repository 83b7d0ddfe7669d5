"""Summaries of the registry that the dashboard reads instead of a million violations.

Each summary is a PostgreSQL materialized view (created by this app's migrations) that
``services.refresh_summaries`` rebuilds; ``SummaryRefresh`` says when, so that the page can show
how fresh each figure is. The views hold counts only, per day, so that any period the page asks
for adds up rows of whole days.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from hrddp.registry.models import Institution, VerificationStatus


class SummaryRefresh(models.Model):
    """When a summary was last rebuilt: its figures are those of the registry at that time."""

    name = models.CharField(_("summary"), max_length=63, primary_key=True)
    refreshed_at = models.DateTimeField(_("refreshed at"))

    class Meta:
        verbose_name = _("summary refresh")
        verbose_name_plural = _("summary refreshes")

    def __str__(self):
        return f"{self.name} @ {self.refreshed_at:%Y-%m-%d %H:%M}"


class GraveViolationsByInstitutionDay(models.Model):
    """Countable grave violations dated on ``date`` attributed to one of the institution's units,
    or to a person assigned to one of its units on that date; each violation once per
    institution (queries.countable_grave_by_institution is the same rule, computed live)."""

    pk = models.CompositePrimaryKey("institution", "date")
    institution = models.ForeignKey(
        Institution, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )
    date = models.DateField()
    violations = models.PositiveIntegerField()

    class Meta:
        managed = False
        db_table = "insights_grave_by_institution_day"

    def __str__(self):
        return f"{self.institution_id} {self.date}: {self.violations}"


class ViolationsByDay(models.Model):
    """Violations dated on ``date``, by grave or not and by verification status."""

    pk = models.CompositePrimaryKey("date", "is_grave", "verification_status")
    date = models.DateField()
    is_grave = models.BooleanField()
    verification_status = models.CharField(max_length=10, choices=VerificationStatus.choices)
    violations = models.PositiveIntegerField()

    class Meta:
        managed = False
        db_table = "insights_violations_by_day"

    def __str__(self):
        return f"{self.date} {self.is_grave} {self.verification_status}: {self.violations}"


SUMMARIES = (GraveViolationsByInstitutionDay, ViolationsByDay)
