"""Benchmark: exporting a million violations from the violation list, in CSV and XLSX (issue 5).

    DATABASE_URL=... DEBUG=1 python benchmarks/export_violations.py [--rows 1000000]

Tops the database up to ``--rows`` violations (generated in one INSERT ... SELECT, with triggers
off for that session so that the seed is quick), then requests the violation list's export as a
registry reader would (``?format=csv`` and ``?format=xlsx``, through the view and its filters),
reads the whole response, and reports time, size, the peak of Python allocations (tracemalloc)
and the process's resident memory (psutil) before and after. The rows stream: memory stays flat
whatever the row count. ``--cleanup`` deletes the generated violations.
"""

import argparse
import os
import sys
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hrddp.settings")

import django  # noqa: E402

django.setup()

import psutil  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import RequestFactory  # noqa: E402

from hrddp.accounts.models import Entity, Membership, Role, User  # noqa: E402
from hrddp.registry.models import Violation, ViolationCategory  # noqa: E402
from hrddp.registry.views.violations import violation_list  # noqa: E402

PREFIX = "EXPORT-"


def reader():
    user, _ = User.objects.get_or_create(username="bench-manager")
    entity, _ = Entity.objects.get_or_create(code="bench", defaults={"name": "Bench"})
    Membership.objects.get_or_create(user=user, entity=entity, role=Role.MANAGER)
    return User.objects.get(pk=user.pk)


def seed(rows):
    missing = rows - Violation.objects.count()
    if missing <= 0:
        return
    category_id = ViolationCategory.objects.order_by("id").values_list("id", flat=True).first()
    start = Violation.objects.filter(external_ref__startswith=PREFIX).count()
    print(f"Seeding {missing:,} violations...", flush=True)
    with connection.cursor() as cursor:
        cursor.execute("SET session_replication_role = replica")
        cursor.execute(
            """
            INSERT INTO registry_violation (external_ref, date, date_precision, location,
                narrative, category_id, victims_count, children_involved, verification_status,
                source_reliability, scale, staff_report, created_at, updated_at)
            SELECT %s || n, DATE '2015-01-01' + (n %% 3000), 'day', 'Village ' || (n %% 500),
                'Narrative of incident ' || n || '.', %s, n %% 20, false,
                (ARRAY['alleged', 'credible', 'verified'])[1 + n %% 3], 'moderate', 'isolated',
                false, now(), now()
            FROM generate_series(%s, %s) AS n
            """,
            [PREFIX, category_id, start, start + missing - 1],
        )
        cursor.execute("SET session_replication_role = DEFAULT")


def export(user, fmt):
    request = RequestFactory().get("/registry/violations/", {"format": fmt})
    request.user = user
    process = psutil.Process()
    rss_before = process.memory_info().rss
    tracemalloc.start()
    started = time.perf_counter()
    response = violation_list(request)
    size = 0
    peak_rss = rss_before
    for number, chunk in enumerate(response.streaming_content):
        size += len(chunk)
        if number % 5000 == 0:
            peak_rss = max(peak_rss, process.memory_info().rss)
    response.close()
    seconds = time.perf_counter() - started
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    peak_rss = max(peak_rss, process.memory_info().rss)
    print(
        f"{fmt:>4}: {type(response).__name__}, {size / 1e6:,.0f} MB in {seconds:,.0f} s; "
        f"Python allocations peak {peak / 1e6:,.1f} MB; "
        f"RSS {rss_before / 1e6:,.0f} MB before, {peak_rss / 1e6:,.0f} MB at most during",
        flush=True,
    )


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--formats", default="csv,xlsx")
    parser.add_argument("--cleanup", action="store_true")
    args = parser.parse_args()
    seed(args.rows)
    print(f"{Violation.objects.count():,} violations in the database", flush=True)
    user = reader()
    for fmt in args.formats.split(","):
        export(user, fmt)
    if args.cleanup:
        with connection.cursor() as cursor:
            cursor.execute("SET session_replication_role = replica")
            cursor.execute(
                "DELETE FROM registry_violation WHERE external_ref LIKE %s", [PREFIX + "%"]
            )
            cursor.execute("SET session_replication_role = DEFAULT")


if __name__ == "__main__":
    main()
