"""Benchmark: exporting the violation list (a million rows) as CSV and XLSX (issues 5 and 11).

    DATABASE_URL=... DEBUG=1 python benchmarks/export_violations.py [--rows 1000000] [--repeat 3]

Tops the database up to ``--rows`` violations if it holds fewer (generated in one INSERT ...
SELECT, with triggers off for that session), then asks the violation list for its exports as a
manager would (the view itself, its filters, its queryset), in this process (the "server"):

- CSV: ``?format=csv`` read to the end. Time to the first byte (the header, sent before the query
  runs) and to the first rows, rows per second, and the process's resident memory growth (psutil,
  sampled as the blocks arrive). Beside it, in turn, ``psql \\copy`` of the very COPY statement the
  view ran (the database's own speed), and with ``--python`` the Python path of issue 5 that the
  COPY replaced (``tests/transfer/legacy_export.py``: values_list, a formatter per cell, csv).
  Each is run ``--repeat`` times, interleaved; medians are printed.
- XLSX: ``?format=xlsx``: the time until the job's page is rendered, then the job run here as
  the worker runs it (``export_jobs.run_job``): its total time, the file's size, memory growth.

``--cleanup`` deletes the generated violations.

Measured on 2 shared cores (seed_demo --scale 333: 999,000 violations, 1.3M attributions), two
runs: CSV 999,000 rows (128 MB), first byte 25 ms, first rows 87-144 ms, 31-60 s, 1.02 and 0.96 x
the rows per second of psql \\copy run beside it, memory growth 0.2 MB; the Python path it replaced
224 s, its first rows after 50 s. XLSX: the job's page after 69 ms, the file in 299 s (the export
of issue 5 sent its first byte after 482 s, measured beside it).
"""

import argparse
import csv
import logging
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from unittest import mock

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hrddp.settings")

import django  # noqa: E402

django.setup()

import psutil  # noqa: E402
from django.core.files.storage import default_storage  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import RequestFactory  # noqa: E402

from hrddp.accounts.models import Entity, Membership, Role, User  # noqa: E402
from hrddp.registry.models import Violation, ViolationCategory  # noqa: E402
from hrddp.registry.views.violations import violation_list  # noqa: E402
from hrddp.transfer import export_jobs, exporting  # noqa: E402
from hrddp.transfer.models import ExportJob  # noqa: E402
from hrddp.transfer.views import export_job  # noqa: E402

PREFIX = "EXPORT-"
URL = "/registry/violations/"
# Memory is sampled every this many blocks (psutil costs a system call).
SAMPLE_EVERY = 200


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
        cursor.execute("ANALYZE registry_violation")


def get(view, user, **query):
    request = RequestFactory().get(URL, query)
    request.user = user
    request.session = {}
    return view(request)


def read(chunks, started):
    """Read a stream to its end: (first byte s, first rows s, total s, bytes, rows, RSS growth)."""
    process = psutil.Process()
    rss_before = peak = process.memory_info().rss
    first_byte = first_rows = None
    size = lines = 0
    for number, chunk in enumerate(chunks):
        now = time.perf_counter()
        if first_byte is None:
            first_byte = now - started
        if isinstance(chunk, str):
            chunk = chunk.encode()
        size += len(chunk)
        lines += chunk.count(b"\n")
        if first_rows is None and lines >= 2:  # the header and a row
            first_rows = now - started
        if number % SAMPLE_EVERY == 0:
            peak = max(peak, process.memory_info().rss)
    total = time.perf_counter() - started
    peak = max(peak, process.memory_info().rss)
    return first_byte, first_rows or first_byte, total, size, lines - 1, peak - rss_before


def copy_statement(user):
    """The COPY statement the view runs for this reader."""
    statements = []

    def record(statement):
        statements.append(statement)
        return iter(())

    with mock.patch.object(exporting, "copy_out", record):
        b"".join(get(violation_list, user, format="csv").streaming_content)
    return statements[0]


def run_csv(user):
    started = time.perf_counter()
    response = get(violation_list, user, format="csv")
    try:
        return read(response.streaming_content, started)
    finally:
        response.close()


def run_psql(statement):
    """``psql \\copy`` of the same query, to /dev/null: the database's and libpq's own speed."""
    settings = connection.settings_dict
    query = statement.removeprefix("COPY ").removesuffix(" TO STDOUT WITH (FORMAT csv)")
    command = f"\\copy {query} TO '/dev/null' WITH (FORMAT csv)"
    env = {**os.environ, "PGPASSWORD": settings.get("PASSWORD") or ""}
    args = ["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-h", settings["HOST"] or "127.0.0.1"]
    args += ["-p", str(settings["PORT"] or 5432), "-U", settings["USER"], settings["NAME"]]
    # The session as the export runs it (exporting.copy_out): without JIT compilation.
    started = time.perf_counter()
    completed = subprocess.run(
        [*args, "-c", exporting.NO_JIT.replace(" LOCAL", ""), "-c", command],
        env=env,
        capture_output=True,
        text=True,
    )
    seconds = time.perf_counter() - started
    if completed.returncode:
        raise SystemExit(completed.stderr)
    rows = int(completed.stdout.split()[-1]) if completed.stdout.strip() else None
    return seconds, rows


def run_python(user):
    """The Python path of issue 5 on the view's own queryset (tests/transfer/legacy_export.py)."""
    from tests.transfer import legacy_export

    querysets = []
    real = exporting.csv_response

    def capture(queryset, spec):
        querysets.append(queryset)
        return real(queryset, spec)

    with mock.patch.object(exporting, "csv_response", capture):
        get(violation_list, user, format="csv").close()

    class Echo:
        def write(self, value):
            return value

    writer = csv.writer(Echo())
    spec = legacy_export.SPECS["violations"]

    def lines():
        yield "\ufeff"
        yield writer.writerow(spec.headers())
        for cells in legacy_export.rows(querysets[0], spec):
            yield writer.writerow([legacy_export.csv_cell(cell) for cell in cells])

    started = time.perf_counter()
    return read(lines(), started)


def ask_xlsx(user):
    """Ask for the spreadsheet and render the job's page: (seconds, job)."""
    with mock.patch.object(export_jobs, "enqueue"):  # the worker is this process, below
        started = time.perf_counter()
        response = get(violation_list, user, format="xlsx")
        job = ExportJob.objects.latest("pk")
        request = RequestFactory().get(response["Location"])
        request.user = user
        page = export_job(request, pk=job.pk)
        seconds = time.perf_counter() - started
    assert page.status_code == 200, page.status_code
    return seconds, job


def run_xlsx(user):
    process = psutil.Process()
    _warm_up, unused = ask_xlsx(user)  # a gunicorn worker has its templates loaded already
    unused.delete()
    to_page, job = ask_xlsx(user)
    rss_before = process.memory_info().rss
    started = time.perf_counter()
    job = export_jobs.run_job(job.pk)
    total = time.perf_counter() - started
    growth = process.memory_info().rss - rss_before
    size = job.file_size or 0
    default_storage.delete(export_jobs.stored_name(job))
    job.delete()
    return to_page, total, job.total_rows, size, growth, job.status


def median(values):
    return statistics.median(values)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--formats", default="csv,xlsx")
    parser.add_argument(
        "--python", action="store_true", help="also time the Python path of issue 5"
    )
    parser.add_argument("--cleanup", action="store_true")
    args = parser.parse_args()
    logging.getLogger("hrddp.transfer").setLevel(logging.WARNING)
    seed(args.rows)
    print(f"{Violation.objects.count():,} violations in the database", flush=True)
    user = reader()
    formats = args.formats.split(",")
    if "csv" in formats:
        statement = copy_statement(user)
        ours, psql, python = [], [], []
        for _ in range(args.repeat):
            psql.append(run_psql(statement))
            ours.append(run_csv(user))
            if args.python:
                python.append(run_python(user))
        rows = ours[0][4]
        psql_s = median(s for s, _rows in psql)
        ours_s = median(run[2] for run in ours)
        print(
            f" csv: {rows:,} rows, {ours[0][3] / 1e6:,.0f} MB; "
            f"first byte {median(r[0] for r in ours) * 1000:,.0f} ms, "
            f"first rows {median(r[1] for r in ours) * 1000:,.0f} ms, "
            f"all {ours_s:,.1f} s = {rows / ours_s:,.0f} rows/s; "
            f"memory growth {max(r[5] for r in ours) / 1e6:,.1f} MB",
            flush=True,
        )
        print(
            f"psql: \\copy of the same query {psql_s:,.1f} s = {rows / psql_s:,.0f} rows/s; "
            f"export / psql = {psql_s / ours_s:.2f} x the rows per second",
            flush=True,
        )
        if python:
            python_s = median(r[2] for r in python)
            print(
                f"  py: the Python path of issue 5: first rows "
                f"{median(r[1] for r in python):,.1f} s, all {python_s:,.1f} s = "
                f"{rows / python_s:,.0f} rows/s; memory growth "
                f"{max(r[5] for r in python) / 1e6:,.1f} MB",
                flush=True,
            )
    if "xlsx" in formats:
        runs = [run_xlsx(user) for _ in range(max(1, args.repeat // 2))]
        to_page, total, rows, size, growth, status = runs[-1]
        print(
            f"xlsx: job page after {median(r[0] for r in runs) * 1000:,.0f} ms; "
            f"job {status}: {rows:,} rows, {size / 1e6:,.0f} MB in "
            f"{median(r[1] for r in runs):,.1f} s; worker memory growth "
            f"{max(r[4] for r in runs) / 1e6:,.1f} MB",
            flush=True,
        )
    if args.cleanup:
        with connection.cursor() as cursor:
            cursor.execute("SET session_replication_role = replica")
            cursor.execute(
                "DELETE FROM registry_violation WHERE external_ref LIKE %s", [PREFIX + "%"]
            )
            cursor.execute("SET session_replication_role = DEFAULT")


if __name__ == "__main__":
    main()
