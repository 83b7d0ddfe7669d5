"""A user's in-app notifications; their emails go through django-mailer's queue (services.py)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from hrddp import texts
from hrddp.audit import track


# Born in the assessments app: the rows, their history and its seals stay in the tables they
# were written to (migrations assessments 0010 and notifications 0001 move the models only).
@track(meta={"db_table": "assessments_notificationevent"})
class Notification(models.Model):
    """An in-app notification, beside the email of the same reminder or alert."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("message"), blank=True)
    # The subject and body as codes and parameters (hrddp.texts), rendered in the reader's
    # language; empty on notifications sent before they were stored so (shown as recorded).
    message = models.JSONField(_("message as codes"), default=dict, blank=True, editable=False)
    url = models.CharField(_("link"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("sent"), auto_now_add=True)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)

    class Meta:
        db_table = "assessments_notification"
        ordering = ["-created_at", "-id"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        indexes = [models.Index(fields=["user", "read_at", "created_at"])]

    def __str__(self):
        return self.subject_text

    @property
    def subject_text(self):
        """The subject in the reader's (active) language."""
        if texts.is_text(self.message.get("subject")):
            return texts.render(self.message["subject"])
        return self.subject

    @property
    def body_text(self):
        """The body in the reader's (active) language."""
        if "body" in self.message:
            return texts.render(self.message["body"])
        return self.body
