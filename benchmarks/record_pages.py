"""Benchmark: the detail pages and a unit's record, on a seeded database, in-process.

    DATABASE_URL=.../copy_s3 python benchmarks/record_pages.py [--runs 7] [--timeout 60]

Prints for each page: p50 and worst time over ``--runs`` requests, the query count, how many of
those queries repeat an earlier one word for word, and the HTML bytes. The pages are chosen by the
same rule at every scale: the biggest root unit (Land Forces Command), its first grandchild, a leaf
below it with violations; the request and assessment of an awaiting-decision request to which the
root unit is added as a recipient (``--big-recipient`` adds it, on a copy you may change).

Runs with production settings in the Django test client, so it times Django and the database, not
a web server. Compare figures taken side by side: the machine is shared.
"""

import argparse
import collections
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hrddp.settings")
os.environ.setdefault("SECRET_KEY", "benchmark-only")
os.environ.setdefault("ALLOWED_HOSTS", "testserver")
os.environ.setdefault("SECURE_SSL_REDIRECT", "0")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402

# No collectstatic here: static URLs without the manifest (the pages' work is the same).
settings.STORAGES = {
    **settings.STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

from django.core.signals import request_finished, request_started  # noqa: E402
from django.db import close_old_connections, connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import reverse  # noqa: E402

from assessments.models import Assessment, Intervention  # noqa: E402
from hrddp.accounts.models import User  # noqa: E402
from hrddp.registry.models import CommandAssignment, Unit, Violation  # noqa: E402
from hrddp.support.models import RequestStatus, SupportRequest  # noqa: E402


def pick_units():
    root = Unit.objects.filter(name="Land Forces Command", parent=None).order_by("pk").first()
    child = Unit.objects.filter(parent=root).order_by("pk").first()
    mid = Unit.objects.filter(parent=child).order_by("pk").first()
    leaf = mid
    while (below := Unit.objects.filter(parent=leaf).order_by("pk").first()) is not None:
        leaf = below
    return root, mid, leaf


def pick_request(root, add):
    support = (
        SupportRequest.objects.filter(status=RequestStatus.AWAITING_DECISION).order_by("pk").first()
    )
    if add and not support.recipient_units.filter(pk=root.pk).exists():
        support.recipient_units.add(root)
    return support


def pages(add):
    root, mid, leaf = pick_units()
    support = pick_request(root, add)
    assessment = Assessment.objects.filter(request=support).order_by("-version").first()
    commander = (
        CommandAssignment.objects.filter(unit=root, end=None).select_related("person").first()
    )
    violation = Violation.objects.filter(attributions__unit=leaf).order_by("-date").first()
    intervention = Intervention.objects.order_by("pk").first()
    rows = [
        (f"unit: root ({root.pk})", "hro", reverse("registry:unit_detail", args=[root.pk])),
        (f"unit: mid ({mid.pk})", "hro", reverse("registry:unit_detail", args=[mid.pk])),
        (f"unit: leaf ({leaf.pk})", "hro", reverse("registry:unit_detail", args=[leaf.pk])),
        ("unit: root, SSR summary", "ssr", reverse("registry:unit_detail", args=[root.pk])),
        ("request (root recipient)", "hro", reverse("support:detail", args=[support.pk])),
        ("assessment (root recipient)", "hro", reverse("assessments:detail", args=[assessment.pk])),
        ("assessment print", "hro", reverse("assessments:print", args=[assessment.pk])),
        ("api unit record: root", "hro", f"/api/v1/units/{root.pk}/record/"),
        (
            "institution",
            "hro",
            reverse("registry:institution_detail", args=[root.institution_id]),
        ),
    ]
    if commander:
        rows.append(
            (
                "person (root commander)",
                "hro",
                reverse("registry:person_detail", args=[commander.person_id]),
            )
        )
    if violation:
        rows.append(("violation", "hro", reverse("registry:violation_detail", args=[violation.pk])))
    if intervention:
        rows.append(
            (
                "intervention",
                "hro",
                reverse("assessments:intervention_detail", args=[intervention.pk]),
            )
        )
    return rows


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--timeout", type=int, default=60, help="statement timeout, seconds")
    parser.add_argument("--big-recipient", action="store_true")
    parser.add_argument("--only", default="", help="run only pages whose label contains this")
    parser.add_argument("--show-queries", action="store_true", help="print each page's SQL")
    args = parser.parse_args()
    # One connection for the whole run (as a worker with persistent connections), so that the
    # query log of each page survives the end of its request.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    clients = {}
    for username in ("hro", "ssr"):
        clients[username] = Client()
        clients[username].force_login(User.objects.get(username=username))
    print(f"{Violation.objects.count():,} violations, {Unit.objects.count():,} units")
    print(f"{'page':34} {'p50 ms':>9} {'max ms':>9} {'queries':>8} {'repeats':>8} {'bytes':>10}")
    for label, username, url in pages(args.big_recipient):
        if args.only not in label:
            continue
        client = clients[username]
        with connection.cursor() as cursor:
            cursor.execute(f"SET statement_timeout = {args.timeout * 1000}")
        try:
            with CaptureQueriesContext(connection) as captured:
                response = client.get(url)
        except Exception as error:  # noqa: BLE001 - a timed-out page is a figure too
            print(f"{label:34} failed: {type(error).__name__}: {str(error)[:80]}")
            connection.close()
            continue
        queries = [q["sql"] for q in captured.captured_queries]
        seconds = [q["time"] for q in captured.captured_queries]
        statements = collections.Counter(queries)
        repeats = sum(n - 1 for n in statements.values())
        if args.show_queries:
            for sql, took in zip(queries, seconds, strict=True):
                print(f"   {'R' if statements[sql] > 1 else ' '} {took:>6}s {sql[:200]}")
        timings = []
        for _run in range(args.runs):
            start = time.perf_counter()
            client.get(url)
            timings.append(time.perf_counter() - start)
        print(
            f"{label:34} {statistics.median(timings) * 1000:9.1f} {max(timings) * 1000:9.1f} "
            f"{len(queries):8d} {repeats:8d} {len(response.content):10,d}"
            + ("" if response.status_code == 200 else f"  HTTP {response.status_code}")
        )


if __name__ == "__main__":
    main()
