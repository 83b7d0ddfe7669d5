from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class SupportRequest(models.Model):
    """A request for support to host-state security forces (domain.md 4.1).

    The foundation keeps what the registry's confidentiality needs: which entity asks, and which
    units would receive support (an SSR advisor sees those units' records as a summary). The
    assessment workflow extends this model.
    """

    entity = models.ForeignKey(
        "accounts.Entity", on_delete=models.PROTECT, related_name="support_requests", verbose_name=_("requesting entity")
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    recipient_units = models.ManyToManyField(
        "registry.Unit", related_name="support_requests", verbose_name=_("recipient units")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("submitter")
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("support request")
        verbose_name_plural = _("support requests")

    def __str__(self):
        return self.title
