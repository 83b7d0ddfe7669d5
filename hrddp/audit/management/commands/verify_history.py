"""``manage.py verify_history``: is the history complete and unaltered? Names every row that is not.

Exit status 0 when everything verifies, 1 otherwise. Run it daily (cron, or after a restore), and
keep the chain head it prints somewhere outside the database: ``--anchor POSITION:HASH`` later
proves that nothing up to that point was rewritten, even by someone able to recompute hashes.
"""

from django.core.management.base import BaseCommand, CommandError

from hrddp.audit.verify import verify


def anchor(value):
    position, _, digest = value.partition(":")
    try:
        return int(position), bytes.fromhex(digest).hex()
    except ValueError as error:
        raise CommandError(f"--anchor takes POSITION:HASH, not {value!r}") from error


class Command(BaseCommand):
    help = "Verify that the history is complete and unaltered; name every row that is not."

    def add_arguments(self, parser):
        parser.add_argument(
            "--anchor",
            action="append",
            default=[],
            type=anchor,
            metavar="POSITION:HASH",
            help="A chain head printed by an earlier run; the chain must still pass through it.",
        )
        parser.add_argument(
            "--no-link",
            action="store_true",
            help="Do not chain the seals written since the last run (read only).",
        )

    def handle(self, *args, anchor, no_link, **options):
        report = verify(anchors=anchor, link=not no_link)
        for problem in report.problems:
            self.stdout.write(str(problem))
        summary = (
            f"{report.tables} history tables, {report.rows} history rows, "
            f"chain of {report.chain_length} seals, head {report.chain_head or '-'}"
        )
        if report.ok:
            self.stdout.write(self.style.SUCCESS(f"History verified: {summary}."))
            return
        raise CommandError(f"{len(report.problems)} problems in the history ({summary}).")
