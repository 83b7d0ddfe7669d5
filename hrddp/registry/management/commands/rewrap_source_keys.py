"""``manage.py rewrap_source_keys``: after a new master key is put first in FIELD_ENCRYPTION_KEY
(the old one kept after it), wrap every source's key with the new one; the old one can then be
removed. The sources' identities are not touched: only their keys' wrapping changes."""

from django.core.management.base import BaseCommand
from django.db import transaction

from hrddp.registry.identities import master_key
from hrddp.registry.models import SourceKey


class Command(BaseCommand):
    help = "Wrap every source's key with the first master key of FIELD_ENCRYPTION_KEY."

    def handle(self, *args, **options):
        master = master_key()
        with transaction.atomic():
            keys = list(SourceKey.objects.select_for_update())
            for key in keys:
                key.wrapped = master.rotate(key.wrapped.encode()).decode()
            SourceKey.objects.bulk_update(keys, ["wrapped"], batch_size=1000)
        self.stdout.write(f"{len(keys)} source keys rewrapped.")
