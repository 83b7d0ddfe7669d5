"""Triggers are detected whenever the data changes: each change that may trigger owes a check,
written in its own transaction and run after commit or by the sweep (assessments/outbox.py)."""

from django.db.models.signals import post_save
from django.dispatch import receiver

from hrddp.registry.models import Attribution, CommandAssignment, VerificationChange

from . import outbox
from .models import CheckKind


@receiver(post_save, sender=Attribution, dispatch_uid="trigger_on_attribution")
def attribution_saved(sender, instance, **kwargs):
    outbox.record(CheckKind.VIOLATION, [instance.violation_id])


@receiver(post_save, sender=VerificationChange, dispatch_uid="trigger_on_verification")
def verification_changed(sender, instance, created, **kwargs):
    if created:
        outbox.record(CheckKind.VIOLATION, [instance.violation_id])


@receiver(post_save, sender=CommandAssignment, dispatch_uid="trigger_on_assignment")
def assignment_saved(sender, instance, **kwargs):
    outbox.record(CheckKind.ASSIGNMENT, [instance.pk])
