"""Celery tasks: thin, loading by id and calling a plain function; reruns are harmless."""

from celery import shared_task

from assessments import monitoring
from assessments.tasks import RETRY

from . import export_jobs, importing

CHECK_CHUNK = 500


@shared_task(**RETRY)
def run_import_job(job_id, dry_run):
    job = importing.run_job(job_id, dry_run=dry_run)
    return {"status": job.status, "counts": job.counts}


@shared_task(**RETRY)
def check_imported_violations(violation_ids):
    """Monitoring trigger (a) for violations an import attributed or verified in bulk (bulk writes
    send no post_save signal, so the registry's own triggers do not see them)."""
    return sum(len(monitoring.check_violation(pk)) for pk in violation_ids)


def enqueue_violation_checks(violation_ids):
    ids = list(violation_ids)
    for start in range(0, len(ids), CHECK_CHUNK):
        check_imported_violations.delay(ids[start : start + CHECK_CHUNK])


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
