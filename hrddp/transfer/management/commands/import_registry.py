"""``manage.py import_registry FILE --kind units [--dry-run] [--user NAME]``

The same code path as the browser's import: every row's outcome, errors by line and column, and
nothing imported when any row has an error (exit status 1).
"""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from hrddp import texts
from hrddp.accounts.access import can_import_registry

from ...importing import import_file
from ...models import ImportKind
from ...reading import render


class Command(BaseCommand):
    help = "Import institutions, units, people, command assignments or violations from CSV/XLSX."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--kind", required=True, choices=ImportKind.values)
        parser.add_argument("--dry-run", action="store_true", help="Check only; import nothing.")
        parser.add_argument(
            "--user",
            help="Username recorded as the importer (an HRO or administrator). Defaults to the "
            "first HRO; setting a violation credible, verified or discounted needs an HRO.",
        )
        parser.add_argument("--quiet-rows", action="store_true", help="Print only the errors.")

    def handle(self, *args, **options):
        user = self.importer(options["user"])
        try:
            with open(options["file"], "rb") as handle:
                content = handle.read(settings.IMPORT_MAX_FILE_BYTES + 1)
        except OSError as error:
            raise CommandError(str(error)) from error
        report = import_file(
            options["kind"], content, options["file"], user, dry_run=options["dry_run"]
        )
        for message in report.errors:
            self.stderr.write(f"file: {render(message)}")
        for row in report.rows:
            if row["outcome"] != "error" and options["quiet_rows"]:
                continue
            self.stdout.write(f"line {row['line']} [{row['ref']}]: {row['outcome']}")
            for column, message in row["errors"]:
                message = texts.render_any(message)
                self.stdout.write(f"  {column or '-'}: {message}")
        counts = ", ".join(f"{count} {outcome}" for outcome, count in report.counts.items())
        if not report.ok:
            raise CommandError(f"{report.total} rows: {counts}. Nothing was imported.")
        verb = "would be imported (dry run)" if report.dry_run else "imported"
        self.stdout.write(self.style.SUCCESS(f"{report.total} rows {verb}: {counts}."))

    def importer(self, username):
        from hrddp.accounts.models import Role

        users = get_user_model().objects.filter(is_active=True)
        if username:
            user = users.filter(username=username).first()
            if user is None:
                raise CommandError(f"No active user {username!r}.")
        else:
            user = users.filter(memberships__role=Role.HRO).order_by("pk").first()
            if user is None:
                raise CommandError("No HRO to record as the importer: pass --user.")
        if not can_import_registry(user):
            raise CommandError(f"{user} is neither an HRO nor an administrator.")
        return user
