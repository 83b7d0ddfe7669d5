"""Who may see which file job: an import or an export is its asker's alone; anyone else gets 404,
on the pages and in the API alike."""

from django.shortcuts import get_object_or_404

from hrddp.accounts.access import REGISTRY_IMPORTERS

from .columns import REQUEST_KINDS
from .models import ExportJob, ImportJob

# Rows of an import's outcome a page shows, on the job's page and in the API.
ROWS_PER_PAGE = 200
# The jobs a list shows: never the file's content nor every row's outcome.
LIST_DEFERRED = ("content", "rows")


def import_jobs_of(user):
    """The user's own imports, newest first: for an SSR advisor, only the participant lists they
    imported into their requests (issue 15); registry imports are for importers only."""
    jobs = ImportJob.objects.filter(created_by=user)
    if not user.has_role(*REGISTRY_IMPORTERS):
        jobs = jobs.filter(kind__in=REQUEST_KINDS)
    return jobs


def get_import_job_for_user(user, pk):
    """An import is its uploader's: anyone else gets 404."""
    return get_object_or_404(import_jobs_of(user), pk=pk)


def export_jobs_of(user):
    """The user's own exports, newest first (without their compiled query)."""
    return ExportJob.objects.filter(created_by=user).defer("query")


def get_export_for_user(user, pk):
    """An export and its file are its asker's: anyone else gets 404."""
    return get_object_or_404(export_jobs_of(user), pk=pk)
