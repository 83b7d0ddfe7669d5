"""Celery tasks: thin, loading by id and calling a plain function; reruns are harmless."""

from celery import shared_task

from assessments import outbox
from assessments.models import CheckKind
from assessments.tasks import RETRY

from . import export_jobs, importing


@shared_task(**RETRY)
def run_import_job(job_id, dry_run):
    job = importing.run_job(job_id, dry_run=dry_run)
    return {"status": job.status, "counts": job.counts}


# Sent before imports wrote their checks to the outbox (assessments/outbox.py); kept so that such
# messages still in a queue run, handed over to the outbox.
@shared_task(**RETRY)
def check_imported_violations(violation_ids):
    return len(outbox.owe(CheckKind.VIOLATION, violation_ids))


@shared_task(**RETRY)
def build_export(job_id):
    job = export_jobs.run_job(job_id)
    return job.status if job else None


@shared_task(**RETRY)
def sweep_exports():
    result = export_jobs.sweep()
    return {key: len(value) for key, value in result.items()}


@shared_task(**RETRY)
def sweep_imports():
    return len(importing.sweep())
