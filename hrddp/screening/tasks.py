"""Celery tasks of screening: thin, loading by id and calling a plain function; reruns are
harmless (a run carries on where the last one stopped)."""

from celery import shared_task
from django.db import OperationalError

from . import services_screening

# As assessments.tasks.RETRY (a lower app cannot import it): the database going away is retried.
RETRY = {
    "autoretry_for": (OperationalError,),
    "retry_backoff": True,
    "max_retries": 5,
    "acks_late": True,
}


@shared_task(**RETRY)
def run_screening(run_id):
    screening_run = services_screening.run(run_id)
    return {"status": screening_run.status, "processed": screening_run.processed_rows}


@shared_task(**RETRY)
def sweep_screening():
    return len(services_screening.sweep())
