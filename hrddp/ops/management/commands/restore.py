"""``manage.py restore FILE``: put a backup made by ``manage.py backup`` into the configured
database, replacing the tables, data and history it holds (or filling an empty database).

pg_restore drops and recreates every object the backup holds, in one transaction: a restore
that fails leaves the database as it was. Ownership and grants are not restored, so a backup
moves between servers whose roles differ. History triggers are created after the rows are
loaded, so restoring adds no history rows of its own. The restored tables are then analysed.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connections

from hrddp.ops.postgres import client_program, refresh_statistics, run, server_major_version


class Command(BaseCommand):
    help = (
        "Restore a backup (manage.py backup) into the configured database, replacing its content."
    )
    # Like dbshell: a backup must not wait on the project's own checks passing.
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="A .dump file written by manage.py backup.")
        parser.add_argument(
            "--noinput",
            "--no-input",
            action="store_false",
            dest="interactive",
            help="Do not ask for confirmation.",
        )
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS)

    def handle(self, *args, file, interactive=True, database=DEFAULT_DB_ALIAS, **options):
        if not file.is_file():
            raise CommandError(f"No such file: {file}")
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
        run(
            pg_restore,
            [
                "--clean",
                "--if-exists",
                "--no-owner",
                "--no-privileges",
                "--single-transaction",
                "--no-password",
                f"--dbname={name}",
                str(file),
            ],
            connection.settings_dict,
        )
        # pg_dump keeps no planner statistics.
        refresh_statistics(using=database)
        self.stdout.write(f"Restored {file} into {name}.")
