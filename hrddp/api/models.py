"""API tokens: the API's own table. Not domain data, so not history: a revoked token is deleted,
and nothing keeps its digest, its use or its owner's sign-ins beyond it."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from knox.models import AbstractAuthToken


class ApiToken(AbstractAuthToken):
    """An API token (django-rest-knox): only a SHA-512 digest of the key and its first 15
    characters (the lookup index) are stored; the key itself is shown once, when issued. It expires
    after REST_KNOX's TOKEN_TTL without use, and AUTO_REFRESH_MAX_TTL after it was issued."""

    two_factor = models.BooleanField(
        _("issued with a second factor"),
        default=False,
        help_text=_("Whether a code of the account's authenticator was checked when issued."),
    )
    last_used = models.DateTimeField(_("last used"), null=True, blank=True)

    class Meta:
        ordering = ["-created"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self):
        return f"{self.token_key[:8]}… · {self.user}"
