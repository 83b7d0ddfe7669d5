import datetime

from django.core.management.base import BaseCommand, CommandError

from assessments import reminders
from hrddp.notifications.services import render


class Command(BaseCommand):
    help = (
        "Run the monitoring sweep now: run pending trigger checks, lapse expired approvals, detect "
        "overdue measures, and send "
        "every reminder due (each once). The same sweep Celery beat runs every few minutes."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="List what is due; change nothing."
        )
        parser.add_argument(
            "--today", help="Run as of this date (YYYY-MM-DD), for catch-up or tests."
        )

    def handle(self, *args, dry_run, today, **options):
        try:
            day = datetime.date.fromisoformat(today) if today else None
        except ValueError as error:
            raise CommandError(f"--today must be a date as YYYY-MM-DD: {error}") from None
        result = reminders.sweep(day, dry_run=dry_run)
        verb = "Would send" if dry_run else "Sent"
        for due, user in result["reminders"]:
            self.stdout.write(
                f"{verb} {due.kind} ({due.due_key}) to {user.username}: {render(due.subject)}"
            )
        self.stdout.write(
            f"{verb} {len(result['reminders'])} reminders; {len(result['lapsed'])} approvals lapsed; "
            f"{len(result['triggers'])} overdue-measure triggers; "
            f"{len(result['checks'])} pending trigger checks run."
        )
