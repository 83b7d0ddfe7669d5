"""``manage.py backup``: the whole configured database in one pg_dump file (custom format),
encrypted with age to the public key(s) of ``BACKUP_AGE_RECIPIENTS`` (hrddp/ops/encryption.py).

The file goes to var/backups/hrddp-<UTC time>.dump.age unless --output names another. A backup
holds every identity, second-factor secret and recovery code, so it is never on disk in clear:
pg_dump's output is encrypted as it streams, into a file created readable by its owner only
(0600) in a folder only its owner may enter (0700). Without a recipient the command refuses,
unless --unencrypted asks for a plain dump (development only; still 0600). The file is written
beside its final name under a temporary one, renamed only once complete, so a file by that name is
never a dump cut short.
"""

import datetime
import subprocess
from pathlib import Path

import pyrage
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connections

from hrddp.ops import encryption
from hrddp.ops.postgres import client_program, server_major_version, streaming

# To standard output, where the encryption reads it.
DUMP = ["--format=custom", "--no-password"]


def default_folder():
    return Path(settings.VAR_DIR) / "backups"


def default_path(encrypted=True):
    stamp = datetime.datetime.now(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")
    return default_folder() / f"hrddp-{stamp}.dump{'.age' if encrypted else ''}"


class Command(BaseCommand):
    help = (
        "Back up the configured database with pg_dump (custom format), encrypted to "
        "BACKUP_AGE_RECIPIENTS; prints the file."
    )
    # Like dbshell: a backup must not wait on the project's own checks passing.
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument(
            "--output",
            type=Path,
            help="The file to write (default: var/backups/hrddp-<UTC time>.dump.age).",
        )
        parser.add_argument(
            "--unencrypted",
            action="store_true",
            help="Write a plain dump, readable by anyone who gets the file (development only).",
        )
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS)

    def handle(self, *args, output=None, unencrypted=False, database=DEFAULT_DB_ALIAS, **options):
        # Before anything is written: no key, no backup.
        recipients = None if unencrypted else encryption.recipients()
        connection = connections[database]
        pg_dump = client_program("pg_dump", server_major_version(connection))
        output = Path(output or default_path(encrypted=not unencrypted))
        encryption.private_folder(output.parent, existing_too=output.parent == default_folder())
        partial = output.with_name(f"{output.name}.partial")
        partial.unlink(missing_ok=True)
        try:
            with encryption.create_private_file(partial) as file:
                if recipients is None:
                    with streaming(pg_dump, DUMP, connection.settings_dict, stdout=file):
                        pass
                else:
                    with streaming(
                        pg_dump, DUMP, connection.settings_dict, stdout=subprocess.PIPE
                    ) as dump:
                        try:
                            pyrage.encrypt_io(dump.stdout, file, recipients)
                        except pyrage.EncryptError as error:
                            raise CommandError(f"Encryption failed: {error}") from error
            partial.replace(output)
        finally:
            partial.unlink(missing_ok=True)
        self.stdout.write(str(output))
