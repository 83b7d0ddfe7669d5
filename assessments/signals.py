"""Triggers are detected whenever the data changes, after the change commits."""

from django.db import transaction
from django.db.models.signals import post_save
from django.dispatch import receiver

from hrddp.registry.models import Attribution, CommandAssignment, VerificationChange

from . import tasks


@receiver(post_save, sender=Attribution, dispatch_uid="trigger_on_attribution")
def attribution_saved(sender, instance, **kwargs):
    violation_id = instance.violation_id
    transaction.on_commit(lambda: tasks.check_violation.delay(violation_id), robust=True)


@receiver(post_save, sender=VerificationChange, dispatch_uid="trigger_on_verification")
def verification_changed(sender, instance, created, **kwargs):
    if created:
        violation_id = instance.violation_id
        transaction.on_commit(lambda: tasks.check_violation.delay(violation_id), robust=True)


@receiver(post_save, sender=CommandAssignment, dispatch_uid="trigger_on_assignment")
def assignment_saved(sender, instance, **kwargs):
    assignment_id = instance.pk
    transaction.on_commit(lambda: tasks.check_assignment.delay(assignment_id), robust=True)
