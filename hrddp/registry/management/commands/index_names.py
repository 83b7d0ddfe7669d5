"""``manage.py index_names``: rebuild the index of names (``PersonNameKey``) from every person.

Saving a person keeps their rows up to date; this is for rows written without saving (a bulk
load, a restore) and after a change to how names are keyed (``registry.names.index_keys``)."""

import time

from django.core.management.base import BaseCommand
from django.db import DEFAULT_DB_ALIAS

from hrddp.registry import matching


class Command(BaseCommand):
    help = "Rebuild the index of people's names used by screening, search and the duplicate queue."

    def add_arguments(self, parser):
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS)

    def handle(self, *args, database=DEFAULT_DB_ALIAS, **options):
        started = time.monotonic()
        log = self.stdout.write if options["verbosity"] > 1 else None
        rows = matching.index_all(log=log, using=database)
        self.stdout.write(f"Indexed {rows:,} name keys in {time.monotonic() - started:.1f} s.")
