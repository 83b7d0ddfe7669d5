"""Benchmark: how long a unit's record takes to build, on a seeded database.

    DATABASE_URL=... python manage.py seed_demo --scale 100     # 300,000 violations
    DATABASE_URL=... python benchmarks/unit_record.py [--units 50]

Prints the median and worst time per record (its counts and flags, and the first page of each
route, as the record page shows it) over a fixed sample of units (leaves and roots).
"""

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hrddp.settings")

import django  # noqa: E402

django.setup()

from hrddp.registry.models import Unit, Violation  # noqa: E402
from hrddp.registry.queries import load_pages  # noqa: E402


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--units", type=int, default=50)
    args = parser.parse_args()
    ids = list(Unit.objects.values_list("id", flat=True))
    sample = random.Random(7).sample(ids, min(args.units, len(ids)))
    roots = list(Unit.objects.filter(parent=None).values_list("id", flat=True)[:5])
    timings = []
    for unit in Unit.objects.filter(id__in=sample + roots):
        start = time.perf_counter()
        load_pages([Unit.objects.record(unit)])
        timings.append(time.perf_counter() - start)
    print(
        f"{Violation.objects.count():,} violations, {len(ids):,} units; "
        f"record of {len(timings)} units: median {statistics.median(timings) * 1000:.1f} ms, "
        f"worst {max(timings) * 1000:.1f} ms"
    )


if __name__ == "__main__":
    main()
