"""Beat rebuilds the dashboard's summaries; a rerun, or two at once, is harmless."""

from celery import shared_task
from django.db import OperationalError

from . import services


@shared_task(autoretry_for=(OperationalError,), retry_backoff=True, max_retries=3, acks_late=True)
def refresh_summaries():
    return services.refresh_summaries().isoformat()
