"""``manage.py backup``: the whole configured database in one pg_dump file (custom format).

The file goes to var/backups/hrddp-<UTC time>.dump unless --output names another. pg_dump
writes beside it under a temporary name, renamed only once the dump is complete, so a file
by that name is never a dump cut short.
"""

import datetime
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import DEFAULT_DB_ALIAS, connections

from hrddp.ops.postgres import client_program, run, server_major_version


def default_path():
    stamp = datetime.datetime.now(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")
    return Path(settings.VAR_DIR) / "backups" / f"hrddp-{stamp}.dump"


class Command(BaseCommand):
    help = "Back up the configured database with pg_dump (custom format); prints the file."
    # Like dbshell: a backup must not wait on the project's own checks passing.
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument(
            "--output",
            type=Path,
            help="The file to write (default: var/backups/hrddp-<UTC time>.dump).",
        )
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS)

    def handle(self, *args, output=None, database=DEFAULT_DB_ALIAS, **options):
        connection = connections[database]
        pg_dump = client_program("pg_dump", server_major_version(connection))
        output = Path(output or default_path())
        output.parent.mkdir(parents=True, exist_ok=True)
        partial = output.with_name(f"{output.name}.partial")
        try:
            run(
                pg_dump,
                ["--format=custom", "--no-password", f"--file={partial}"],
                connection.settings_dict,
            )
            partial.replace(output)
        finally:
            partial.unlink(missing_ok=True)
        self.stdout.write(str(output))
