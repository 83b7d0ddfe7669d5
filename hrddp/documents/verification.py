"""The attached files in ``manage.py verify_history`` (issue 17): a file missing from the store, or
whose content no longer has the SHA-256 recorded with it, is a problem of the history like an
altered row. Registered with hrddp.audit.verify by this app's ``ready()``."""

from hrddp.audit.verify import Problem

from .models import Attachment
from .services import file_problems

KINDS = {
    "file_missing": "attached file missing from the store (or the store unreachable)",
    "file_changed": "attached file's content differs from its recorded SHA-256",
}


def check_files():
    table = Attachment._meta.db_table
    for attachment, kind in file_problems():
        yield Problem(kind, table, str(attachment.pk), attachment.file.name)
