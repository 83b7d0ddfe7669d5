"""Seals over the history: one row per history row, written by a database trigger.

A seal holds the SHA-256 of its history row's content (``audit_row_hash``, sealing.py). The seals
are then linked into a hash chain (``ChainLink``) so that removing or rewriting seals breaks the
chain from that point on. ``manage.py verify_history`` compares the three.
"""

import pgtrigger
from django.db import models
from django.db.models.functions import Now
from django.utils.translation import gettext_lazy as _


class HistorySeal(models.Model):
    table_name = models.CharField(_("history table"), max_length=63)
    row_pk = models.CharField(_("history row"), max_length=64)
    row_hash = models.BinaryField(_("SHA-256 of the row"))
    sealed_at = models.DateTimeField(_("sealed"), db_default=Now())
    # True for rows that already existed when their table was first sealed (at install).
    adopted = models.BooleanField(_("sealed at installation"), default=False, db_default=False)

    class Meta:
        verbose_name = _("history seal")
        verbose_name_plural = _("history seals")
        indexes = [models.Index(fields=["table_name", "row_pk", "id"], name="seal_row")]
        triggers = [
            pgtrigger.Protect(name="append_only", operation=pgtrigger.Update | pgtrigger.Delete)
        ]

    def __str__(self):
        return f"{self.table_name} #{self.row_pk}"


class ChainLink(models.Model):
    """The seals in the order they were linked: hash = SHA-256(previous hash || this seal)."""

    position = models.BigAutoField(primary_key=True)
    seal_id = models.BigIntegerField(unique=True)
    chain_hash = models.BinaryField()
    linked_at = models.DateTimeField(db_default=Now())

    class Meta:
        verbose_name = _("history chain link")
        verbose_name_plural = _("history chain links")
        triggers = [
            pgtrigger.Protect(name="append_only", operation=pgtrigger.Update | pgtrigger.Delete)
        ]

    def __str__(self):
        return f"{self.position}: seal {self.seal_id}"
