"""``manage.py restore FILE``: put a backup made by ``manage.py backup`` into the configured
database, replacing the tables, data and history it holds (or filling an empty database).

An encrypted backup (age) is decrypted with the secret key given by --identity FILE or
BACKUP_AGE_IDENTITY, as it streams into pg_restore: the clear dump never touches the disk.

pg_restore drops and recreates every object the backup holds, in one transaction: a restore
that fails leaves the database as it was. Ownership and grants are not restored, so a backup
moves between servers whose roles differ. History triggers are created after the rows are
loaded, so restoring adds no history rows of its own. The restored tables are then analysed.

The kept files (attached documents) come from the files archive beside the backup
(``<name>.files.tar.age``, written by ``backup``; --files FILE names another): once the database is
restored, each file it names is written back through its storage (the local folder or the S3
bucket), replacing what the store holds under that name. Files the store holds that the backup does
not name are left alone. --no-files restores the database alone. Run ``verify_history`` after a
restore: it checks every file against its recorded SHA-256.
"""

import subprocess
from pathlib import Path

import pyrage
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connections

from hrddp.ops import encryption, files
from hrddp.ops.postgres import (
    client_program,
    refresh_statistics,
    run,
    server_major_version,
    streaming,
)


class Command(BaseCommand):
    help = (
        "Restore a backup (manage.py backup) into the configured database, replacing its content."
    )
    # Like dbshell: a backup must not wait on the project's own checks passing.
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="A file written by manage.py backup.")
        parser.add_argument(
            "--identity",
            type=Path,
            help="An age identity file holding the secret key the backup was encrypted for "
            "(default: BACKUP_AGE_IDENTITY).",
        )
        parser.add_argument(
            "--files",
            type=Path,
            dest="files_archive",
            help="The files archive written with the backup (default: the one beside FILE, "
            "<name>.files.tar.age).",
        )
        parser.add_argument(
            "--no-files",
            action="store_false",
            dest="with_files",
            help="Restore the database alone, not the kept files (attached documents).",
        )
        parser.add_argument(
            "--noinput",
            "--no-input",
            action="store_false",
            dest="interactive",
            help="Do not ask for confirmation.",
        )
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS)

    def handle(
        self,
        *args,
        file,
        identity=None,
        files_archive=None,
        with_files=True,
        interactive=True,
        database=DEFAULT_DB_ALIAS,
        **options,
    ):
        if not file.is_file():
            raise CommandError(f"No such file: {file}")
        archive = self.archive(file, files_archive) if with_files else None
        encrypted = encryption.is_encrypted(file)
        archive_encrypted = archive is not None and encryption.is_encrypted(archive)
        # Before asking, and before anything is dropped: without the key nothing can be restored.
        identities = encryption.identities(identity) if encrypted or archive_encrypted else None
        connection = connections[database]
        name = connection.settings_dict["NAME"]
        if interactive:
            also = f", and the files it names in the store with {archive}" if archive else ""
            answer = input(
                f"This replaces everything in the database {name!r} with {file}{also}.\n"
                "Type 'yes' to continue, or anything else to cancel: "
            )
            if answer != "yes":
                raise CommandError("Restore cancelled.")
        pg_restore = client_program("pg_restore", server_major_version(connection))
        # Our own idle connection must not hold up the DROPs.
        connection.close()
        arguments = [
            "--clean",
            "--if-exists",
            "--no-owner",
            "--no-privileges",
            "--single-transaction",
            "--no-password",
            f"--dbname={name}",
        ]
        if encrypted:
            # pg_restore reads the dump from its standard input as it is decrypted.
            with (
                streaming(
                    pg_restore, arguments, connection.settings_dict, stdin=subprocess.PIPE
                ) as process,
                open(file, "rb") as source,
            ):
                try:
                    pyrage.decrypt_io(source, process.stdin, identities)
                except pyrage.DecryptError as error:
                    raise CommandError(
                        f"Cannot decrypt {file} (not the key it was encrypted for?): {error}"
                    ) from error
        else:
            run(pg_restore, [*arguments, str(file)], connection.settings_dict)
        # pg_dump keeps no planner statistics.
        refresh_statistics(using=database)
        # The index of names is derived from the people: rebuilt, in case the backup was made by a
        # version that keyed names differently (issue 15).
        # Called by name: ops lies below the registry in the house's layers.
        call_command("index_names", database=database, stdout=self.stdout)
        self.stdout.write(f"Restored {file} into {name}.")
        if archive is not None:
            count = self.restore_files(archive, identities if archive_encrypted else None, database)
            self.stdout.write(f"Restored {count} files from {archive}.")
            absent = [
                name
                for name, storage in files.named_files(using=database).items()
                if not storage.exists(name)
            ]
            for name in absent:
                self.stderr.write(
                    f"Named by a record but in neither the archive nor the store: {name}"
                )
            if absent:
                raise CommandError(
                    f"The database and {count} files were restored, but {len(absent)} files that "
                    "records name are missing (listed above)."
                )

    def archive(self, file, given):
        if given is not None:
            if not given.is_file():
                raise CommandError(f"No such file: {given}")
            return given
        found = files.find_companion(file)
        if found is None:
            raise CommandError(
                f"No files archive beside {file} ({files.companion(file, True).name} or "
                f"{files.companion(file, False).name}): give it with --files FILE, or pass "
                "--no-files to restore the database alone (its attached files then missing)."
            )
        return found

    def restore_files(self, archive, identities, database):
        named = files.named_files(using=database)

        def unknown(name):
            self.stderr.write(f"Not restored, named by no record of the backup: {name}")

        try:
            with open(archive, "rb") as source:
                if identities is None:
                    return files.read_archive(source, named, unknown)
                return files.decrypt_archive(source, identities, named, unknown)
        except Exception as error:  # tar, storage or decryption: say what was done
            raise CommandError(
                f"The database was restored, but not every file of {archive}: {error}"
            ) from error
