"""EXPLAIN (ANALYZE, BUFFERS) of a unit record's queries: the counts and flags, and each route's
first page, for the biggest root unit, a mid-level unit and a leaf.

    DATABASE_URL=... python benchmarks/record_plans.py [--full]

Prints each query's execution time (and with ``--full`` the plans).
"""

import argparse
import os
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hrddp.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402

from hrddp.policy.models import PolicySettings  # noqa: E402
from hrddp.registry import queries  # noqa: E402
from hrddp.registry.models import Unit  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
from record_pages import pick_units  # noqa: E402


def explain(label, sql, params, full):
    with connection.cursor() as cursor:
        queries._execute(cursor, "EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
        plan = [row[0] for row in cursor.fetchall()]
    took = next(line for line in plan if line.startswith("Execution Time"))
    hits = re.search(r"shared hit=(\d+)(?: read=(\d+))?", " ".join(plan))
    print(
        f"  {label:28} {took}  buffers hit={hits and hits.group(1)} read={hits and hits.group(2)}"
    )
    if full:
        print("\n".join("      " + line for line in plan))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--full", action="store_true")
    args = parser.parse_args()
    policy = PolicySettings.get_solo()
    as_of = timezone.localdate()
    for name, unit in zip(("root", "mid", "leaf"), pick_units(), strict=True):
        print(f"{name}: {unit.name} (#{unit.pk}), {Unit.objects.subtree(unit).count():,} units")
        sql, params = queries._summary_select(
            unit.pk, as_of, policy.lookback_days, policy.pattern_threshold
        )
        explain("counts and flags", sql, params, args.full)
        for route in queries.ROUTES:
            route_sql, route_params = queries.route_sql(route, unit.pk, as_of)
            where, extra = "", []
            if route == "ancestors":
                where, extra = queries._outside_record(unit.pk, as_of)
            explain(
                f"first page: {route}",
                f"""SELECT v.id FROM registry_violation v WHERE v.date <= %s
                AND v.id IN ({route_sql}){where} ORDER BY v.date DESC, v.id DESC LIMIT 26""",
                [as_of, *route_params, *extra],
                args.full,
            )
        record = queries.UnitRecord.of(unit, as_of)
        record_obj = queries.records_of([unit], as_of)[unit.pk]
        del record
        branches = []
        for route in queries.COUNTED_ROUTES:
            branches.append(
                queries._limited(
                    route, unit.pk, as_of, queries.RECORD_CAP + 1, columns="v.id, v.date"
                )
            )
        union = " UNION ".join(f"({s})" for s, _p in branches)
        explain(
            "SSR summary (newest 1,000)",
            f"SELECT v.category_id, v.verification_status, count(*) FROM ({union}) n "
            "JOIN registry_violation v ON v.id = n.id GROUP BY 1, 2",
            [p for _s, ps in branches for p in ps],
            args.full,
        )
        print(f"  record: {record_obj.counts}")


if __name__ == "__main__":
    main()
