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
        count = 0
        with transaction.atomic():
            for key in SourceKey.objects.select_for_update().iterator():
                key.wrapped = master.rotate(key.wrapped.encode()).decode()
                key.save(update_fields=["wrapped"])
                count += 1
        self.stdout.write(f"{count} source keys rewrapped.")
