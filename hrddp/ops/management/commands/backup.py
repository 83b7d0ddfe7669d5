"""``manage.py backup``: the whole configured database in one pg_dump file (custom format),
encrypted with age to the public key(s) of ``BACKUP_AGE_RECIPIENTS`` (hrddp/ops/encryption.py).

The file goes to var/backups/hrddp-<UTC time>.dump.age unless --output names another. A backup
holds every identity, second-factor secret and recovery code, so it is never on disk in clear:
pg_dump's output is encrypted as it streams, into a file created readable by its owner only
(0600) in a folder only its owner may enter (0700). Without a recipient the command refuses,
unless --unencrypted asks for a plain dump (development only; still 0600). The file is written
beside its final name under a temporary one, renamed only once complete, so a file by that name is
never a dump cut short.

The kept files (attached documents, in the local folder or an S3 bucket) go beside the dump, in
``<name>.files.tar.age`` (hrddp/ops/files.py): a tar archive of each file under its stored name,
read through the storage, encrypted and protected like the dump, renamed into place before the
dump is, so a dump is never without its files. --no-files leaves them out. The database is dumped
first: every file its rows name was already in the store (files are stored before their row).
"""

import datetime
import subprocess
from pathlib import Path

import pyrage
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connections

from hrddp.ops import encryption, files
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
        parser.add_argument(
            "--no-files",
            action="store_false",
            dest="with_files",
            help="Leave out the kept files (attached documents): the database alone.",
        )
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS)

    def handle(
        self,
        *args,
        output=None,
        unencrypted=False,
        with_files=True,
        database=DEFAULT_DB_ALIAS,
        **options,
    ):
        self.missing = []
        # Before anything is written: no key, no backup.
        recipients = None if unencrypted else encryption.recipients()
        connection = connections[database]
        pg_dump = client_program("pg_dump", server_major_version(connection))
        output = Path(output or default_path(encrypted=not unencrypted))
        encryption.private_folder(output.parent, existing_too=output.parent == default_folder())
        partial = output.with_name(f"{output.name}.partial")
        archive = files.companion(output, encrypted=recipients is not None) if with_files else None
        archive_partial = archive and archive.with_name(f"{archive.name}.partial")
        for path in (partial, archive_partial):
            if path:
                path.unlink(missing_ok=True)
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
            if archive:
                count = self.write_files(archive_partial, recipients, database)
                archive_partial.replace(archive)
            partial.replace(output)
        finally:
            for path in (partial, archive_partial):
                if path:
                    path.unlink(missing_ok=True)
        self.stdout.write(str(output))
        if archive:
            self.stdout.write(f"{archive} ({count} files)")
        if self.missing:
            # Written all the same (the database is worth keeping); the exit status tells cron.
            raise CommandError(
                f"The backup is written, but {len(self.missing)} files that records name were "
                "missing from the store (listed above): run verify_history."
            )

    def write_files(self, path, recipients, database):
        named = files.named_files(using=database)

        def missing(name, error):
            self.missing.append(name)
            self.stderr.write(f"Not in the backup, missing from the store: {name} ({error})")

        with encryption.create_private_file(path) as file:
            if recipients is None:
                return files.write_archive(file, named, missing)
            return files.encrypt_archive(file, named, recipients, missing)
