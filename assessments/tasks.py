"""Celery tasks: thin, loading by id and calling a plain function; reruns are harmless."""

import datetime

from celery import shared_task
from django.db import OperationalError

from . import outbox, reminders
from .models import CheckKind

RETRY = {
    "autoretry_for": (OperationalError,),
    "retry_backoff": True,
    "max_retries": 5,
    "acks_late": True,
}


@shared_task(**RETRY)
def sweep(today=None):
    result = reminders.sweep(datetime.date.fromisoformat(today) if today else None)
    return {key: len(value) for key, value in result.items()}


@shared_task(**RETRY)
def run_checks(check_ids):
    """The trigger checks owed by a change, sent after it commits (assessments/outbox.py)."""
    return outbox.run_checks(check_ids)


@shared_task(**RETRY)
def run_pending_checks():
    """Every trigger check still pending: a lost send, a stopped worker, a failed attempt."""
    return len(outbox.run_pending())


# Sent before the outbox existed; kept so that such messages still in a queue run, handed over to
# the outbox like any other check (one way a check runs).
@shared_task(**RETRY)
def check_violation(violation_id):
    return len(outbox.owe(CheckKind.VIOLATION, [violation_id]))


@shared_task(**RETRY)
def check_assignment(assignment_id):
    return len(outbox.owe(CheckKind.ASSIGNMENT, [assignment_id]))
