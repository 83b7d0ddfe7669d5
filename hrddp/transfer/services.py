"""Every write on a file job that a person asks for, the same for the pages and the API: upload a
file for its dry run, confirm it, send a stalled one to a worker again. ``importing`` runs the
files; this module decides whether a person's request may go ahead, and names the rule when not."""

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from . import importing
from .models import ImportJob, ImportStatus

# The rules a person's request on an import can be refused by (a 409 in the API, naming the rule).
CONFIRM_RULE = "import_checked"
RETRY_RULE = "import_stalled"
RULE_MESSAGES = {
    CONFIRM_RULE: _("Only a file whose dry run found no error can be imported."),
    RETRY_RULE: _("Only an import that gives no sign of work can be retried."),
}
RETRIED_MESSAGE = _("The file was sent to a worker again.")


class ImportRefused(Exception):
    """The job's state does not allow what was asked; ``rule`` names the rule that refused."""

    def __init__(self, rule):
        self.rule = rule
        super().__init__(rule)

    def __str__(self):
        return str(RULE_MESSAGES[self.rule])


def start_import(kind, uploaded_file, user, support_request=None, encoding="", delimiter=""):
    """A new import job for an uploaded file, its dry run done (a small file) or sent to a worker.
    Raises ``reading.ImportFileError`` for a file that cannot be read or is over a limit: then
    nothing is kept. The caller has checked that ``user`` may import (REGISTRY_IMPORTERS; for a
    list of participants, ``support_request``'s SSR advisors while its list may change).
    ``encoding`` and ``delimiter``: a CSV file's, as chosen; empty, told from its bytes."""
    with transaction.atomic():
        job = importing.create_job(
            kind, uploaded_file, user, support_request, encoding=encoding, delimiter=delimiter
        )
        importing.start(job, dry_run=True)
    return job


def confirm_import(job):
    """Import the file of a job whose dry run found no error (once: a second confirmation
    imports nothing more). ``ImportRefused`` otherwise. Returns the job as it now stands."""
    with transaction.atomic():
        job = ImportJob.objects.select_for_update().get(pk=job.pk)
        if not importing.start(job, dry_run=False):
            raise ImportRefused(CONFIRM_RULE)
    job.refresh_from_db()
    return job


def retry_import(job):
    """Send a stalled job (its worker lost) to a worker again; ``ImportRefused`` if it is not
    stalled (finished, or still giving signs of work). Returns the job as it now stands."""
    if not importing.retry(job.pk):
        raise ImportRefused(RETRY_RULE)
    job.refresh_from_db()
    return job


def is_confirmable(job):
    return job.status == ImportStatus.CHECKED
