"""Benchmark: import speed for violations, in rows per second (issue 5).

    DATABASE_URL=... DEBUG=1 python benchmarks/import_violations.py [--rows 100000]

Generates a CSV of ``--rows`` violations (each attributed to one or two of 200 units, a third of
them verified), then times, through the same code path as the browser and the command:
the dry run, the import, and the re-import of the same file (every row unchanged). Creates the
units and an HRO it needs (external references prefixed BENCH-) and deletes the imported
violations afterwards unless --keep.
"""

import argparse
import csv
import datetime
import io
import os
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hrddp.settings")

import django  # noqa: E402

django.setup()

from django.db import connection, transaction  # noqa: E402

from hrddp.accounts.models import Entity, Membership, Role, User  # noqa: E402
from hrddp.registry.models import (  # noqa: E402
    Attribution,
    Institution,
    Unit,
    Violation,
    ViolationCategory,
)
from hrddp.transfer.importing import import_file  # noqa: E402

UNITS = 200
HEADER = [
    "external_ref",
    "date",
    "location",
    "narrative",
    "category",
    "victims_count",
    "children_involved",
    "verification_status",
    "scale",
    "units",
    "responsibility",
]


def importer():
    user, _ = User.objects.get_or_create(username="bench-hro")
    entity, _ = Entity.objects.get_or_create(code="bench", defaults={"name": "Bench"})
    Membership.objects.get_or_create(user=user, entity=entity, role=Role.HRO)
    return user


def units():
    institution, _ = Institution.objects.get_or_create(
        name="Bench army", defaults={"kind": "army", "external_ref": "BENCH-I"}
    )
    existing = set(
        Unit.objects.filter(external_ref__startswith="BENCH-U").values_list(
            "external_ref", flat=True
        )
    )
    Unit.objects.bulk_create(
        Unit(name=f"Bench unit {n}", institution=institution, external_ref=f"BENCH-U{n}")
        for n in range(UNITS)
        if f"BENCH-U{n}" not in existing
    )
    return [f"BENCH-U{n}" for n in range(UNITS)]


def generate(rows, unit_refs):
    rng = random.Random(5)
    codes = list(ViolationCategory.objects.values_list("code", flat=True))
    statuses = ["alleged", "alleged", "verified"]
    start = datetime.date(2015, 1, 1)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(HEADER)
    for n in range(rows):
        attributed = rng.sample(unit_refs, rng.choice((1, 1, 2)))
        writer.writerow(
            [
                f"BENCH-V{n}",
                (start + datetime.timedelta(days=rng.randrange(3000))).isoformat(),
                f"Village {rng.randrange(500)}",
                f"Narrative of incident {n}.",
                rng.choice(codes),
                rng.randrange(1, 20),
                rng.choice(("yes", "no")),
                rng.choice(statuses),
                "isolated",
                ";".join(attributed),
                "direct",
            ]
        )
    return buffer.getvalue().encode()


def timed(label, rows, **kwargs):
    start = time.perf_counter()
    report = import_file("violations", **kwargs)
    seconds = time.perf_counter() - start
    assert report.ok, (report.errors, [r for r in report.rows if r["errors"]][:5])
    print(
        f"{label:<28} {rows:>8,} rows in {seconds:7.1f} s = {rows / seconds:8,.0f} rows/s  {report.counts}"
    )
    return report


def cleanup():
    """Benchmark rows only, removed without history triggers (a cascade through the ORM, with a
    history row per deleted row, takes longer than the import)."""
    bench = "SELECT id FROM registry_violation WHERE external_ref LIKE 'BENCH-V%%'"
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL session_replication_role = replica")
        for table in ("registry_attribution", "registry_verificationchange"):
            cursor.execute(f"DELETE FROM {table} WHERE violation_id IN ({bench})")
        cursor.execute("DELETE FROM registry_violation WHERE external_ref LIKE 'BENCH-V%%'")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()
    user = importer()
    content = generate(args.rows, units())
    print(f"CSV of {args.rows:,} violations: {len(content) / 1e6:.1f} MB")
    common = {"content": content, "file_name": "bench.csv", "user": user}
    timed("dry run", args.rows, dry_run=True, **common)
    timed("import", args.rows, dry_run=False, **common)
    timed("re-import (all unchanged)", args.rows, dry_run=False, **common)
    print(
        f"{Violation.objects.filter(external_ref__startswith='BENCH-V').count():,} violations, "
        f"{Attribution.objects.filter(violation__external_ref__startswith='BENCH-V').count():,} "
        "attributions in the database"
    )
    if not args.keep:
        cleanup()


if __name__ == "__main__":
    main()
