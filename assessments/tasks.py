"""Celery tasks: thin, loading by id and calling a plain function; reruns are harmless."""

import datetime

from celery import shared_task
from django.db import OperationalError

from . import monitoring, reminders

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
def check_violation(violation_id):
    return len(monitoring.check_violation(violation_id))


@shared_task(**RETRY)
def check_assignment(assignment_id):
    return len(monitoring.check_assignment(assignment_id))


@shared_task(**RETRY)
def send_queued_mail():
    from mailer.engine import send_all

    send_all()
