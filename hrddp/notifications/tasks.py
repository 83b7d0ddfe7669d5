"""Celery tasks: thin, calling a plain function; reruns are harmless."""

from celery import shared_task
from django.db import OperationalError

from . import services


@shared_task(autoretry_for=(OperationalError,), retry_backoff=True, max_retries=5, acks_late=True)
def send_queued_mail():
    services.send_queued_mail()
