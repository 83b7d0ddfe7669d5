"""Time the snapshot of a version submitted for decision (assessments/snapshots.py) on the
biggest record of a seeded database: taking it, reading its pages and summaries, and what changed
since. Everything runs in one transaction rolled back at the end.

    DATABASE_URL=... python benchmarks/snapshot_timing.py

(seed first: ``manage.py seed_demo --scale 333`` gives a root unit of about 400,000 violations.)
"""

import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hrddp.settings")

import django  # noqa: E402

django.setup()

from django.db import connection, transaction  # noqa: E402
from django.db.models import Count  # noqa: E402

from assessments import snapshots  # noqa: E402
from assessments.models import Assessment, SnapshotViolation  # noqa: E402
from assessments.risk import recipient_records  # noqa: E402
from hrddp.registry.models import Attribution, Unit, UnitClosure, Violation  # noqa: E402


class Timer:
    def __init__(self, label):
        self.label = label

    def __enter__(self):
        self.start, self.queries = time.perf_counter(), len(connection.queries)
        return self

    def __exit__(self, *exc):
        took = time.perf_counter() - self.start
        print(f"  {self.label:34} {took * 1000:8.0f} ms")


def main():
    biggest = (
        UnitClosure.objects.values("ancestor_id")
        .annotate(n=Count("descendant_id"))
        .order_by("-n")
        .first()
    )
    root = Unit.objects.get(pk=biggest["ancestor_id"])
    leaf = Unit.objects.filter(parent__isnull=False).order_by("-id").first()
    assessment = Assessment.objects.select_related("request").order_by("-id").first()
    with transaction.atomic():
        assessment.request.recipient_units.set([root, leaf])
        print(f"root {root} ({biggest['n']} units in its subtree), leaf {leaf}")
        with Timer("take (INSERT ... SELECT)"):
            snapshot_row = snapshots.take(assessment, None)
        kept = SnapshotViolation.objects.filter(record__snapshot=snapshot_row).count()
        # As autovacuum would, once the table holds rows: the planner then probes its indexes.
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {SnapshotViolation._meta.db_table}")
        print(f"  rows kept: {kept}")
        with Timer("load"):
            snapshot = snapshots.load(snapshot_row.pk)
        with Timer("pages (one query)"):
            snapshots.load_snapshot_pages(snapshot.records, {})
        with Timer("summaries (one query)"):
            snapshots.load_snapshot_summaries(snapshot.records)
        # Changes after the snapshot: a new violation and a re-verified one in the root's record.
        newest = Violation.objects.filter(attributions__unit=leaf).first()
        if newest:
            Violation.objects.filter(pk=newest.pk).update(verification_status="discounted")
        fresh = Violation.objects.create(
            date=snapshot.as_of, location="Benchmark", narrative="-", category_id=1
        )
        Attribution.objects.create(violation=fresh, unit=leaf)
        views = {record.unit: "full" for record in snapshot.records}
        units = [record.unit for record in snapshot.records]
        with Timer("live records (counts and flags)"):
            live = recipient_records(assessment.request, units=units)
        with Timer("since (changes, live records given)"):
            since = snapshots.since(snapshot, assessment, views, live_records=live)
        for unit in since.units:
            print(f"  {unit.unit}: " + ", ".join(f"{k} {c.count}" for k, c in unit.changes.items()))
        transaction.set_rollback(True)


if __name__ == "__main__":
    main()
