"""Per-deployment policy values (domain.md section 5)."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from solo.models import SingletonModel

from hrddp.audit import track


# Born in the registry app: the row, its history and its seals stay in the tables they were
# written to (migrations registry 0014 and policy 0001 move the model only).
@track(meta={"db_table": "registry_policysettingsevent"})
class PolicySettings(SingletonModel):
    """Per-deployment policy values (domain.md section 5), editable by an administrator."""

    lookback_days = models.PositiveIntegerField(
        _("lookback window (days)"),
        default=365,
        help_text=_("How far back a violation is 'recent'."),
    )
    pattern_threshold = models.PositiveIntegerField(
        _("pattern threshold"),
        default=3,
        help_text=_("Countable grave violations within the lookback window that make a pattern."),
    )
    review_period_days = models.PositiveIntegerField(_("review period (days)"), default=180)
    validity_days = models.PositiveIntegerField(_("validity (days)"), default=365)
    review_reminder_days = models.PositiveIntegerField(
        _("review reminder (days before)"), default=14
    )
    intercession_due_days = models.PositiveIntegerField(_("intercession due (days)"), default=7)
    response_due_days = models.PositiveIntegerField(_("response due (days)"), default=30)

    class Meta:
        db_table = "registry_policysettings"
        verbose_name = _("policy settings")

    def __str__(self):
        return str(_("Policy settings"))
