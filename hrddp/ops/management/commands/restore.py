"""``manage.py restore FILE``: put a backup made by ``manage.py backup`` into the configured
database, replacing the tables, data and history it holds (or filling an empty database).

An encrypted backup (age) is decrypted with the secret key given by --identity FILE or
BACKUP_AGE_IDENTITY, as it streams into pg_restore: the clear dump never touches the disk.

pg_restore drops and recreates every object the backup holds, in one transaction: a restore
that fails leaves the database as it was. Ownership and grants are not restored, so a backup
moves between servers whose roles differ. History triggers are created after the rows are
loaded, so restoring adds no history rows of its own. The restored tables are then analysed.
"""

import subprocess
from pathlib import Path

import pyrage
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connections

from hrddp.ops import encryption
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
            "--noinput",
            "--no-input",
            action="store_false",
            dest="interactive",
            help="Do not ask for confirmation.",
        )
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS)

    def handle(
        self, *args, file, identity=None, interactive=True, database=DEFAULT_DB_ALIAS, **options
    ):
        if not file.is_file():
            raise CommandError(f"No such file: {file}")
        encrypted = encryption.is_encrypted(file)
        # Before asking, and before anything is dropped: without the key nothing can be restored.
        identities = encryption.identities(identity) if encrypted else None
        connection = connections[database]
        name = connection.settings_dict["NAME"]
        if interactive:
            answer = input(
                f"This replaces everything in the database {name!r} with {file}.\n"
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
