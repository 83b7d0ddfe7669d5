"""Benchmark: every main page and API list at the demo's size and at a large size, side by side.

    .venv/bin/python benchmarks/pages.py 333                 # scale 3 against scale 333
    .venv/bin/python benchmarks/pages.py 333 --runs 15 --only unit
    .venv/bin/python benchmarks/pages.py 333 --load 60       # then a mixed read load (locust)

Two databases, ``hrddp_bench_s3`` and ``hrddp_bench_s<large>`` (``--prefix``) on the server of ``BENCH_DATABASE_URL``
(default ``postgres://postgres@127.0.0.1:5432/postgres``), are created, migrated, seeded with
``seed_demo --scale N`` and analysed the first time; later runs reuse them (``--reseed`` starts
again). Each is served by gunicorn with production settings (DEBUG off, the Procfile's command
line), both at once, and every page is requested from both in turn, so that whatever else the
machine does weighs on both alike. For each page the table gives the median time at each size,
their ratio, the HTML bytes at each size (uncompressed; the wire carries it gzipped) and the
number of SQL queries (counted in-process with Django's test client, at the large size). Marks
show the goals of issue 11 that a page misses:

    t  time at the large size over 1.2 × the small size's
    b  HTML bytes at the large size over 1.1 × the small size's
    q  more than 15 queries
    l  a list page over 10 × the cheapest signed-in page at the small size

``--load SECONDS`` then drives the large server with locust (``benchmarks/locustfile.py``): HROs
and managers browsing lists, details, the dashboard and the API, and prints requests per second,
the 95th percentile and the failures (goal: ≥ 60 requests per second, p95 ≤ 300 ms, no error).
Locust comes with the ``bench`` extra: ``.venv/bin/pip install -e '.[bench]'``.
"""

import argparse
import json
import os
import signal
import statistics
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import psycopg
import requests

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
BIN = Path(PYTHON).parent
SMALL = 3
PASSWORD = "demo1234"
# Managers sign in with two factors: the benchmark gives them one-time codes of its own.
BENCH_CODES = [f"bench{n:04d}" for n in range(400)]
SECRET_KEY = "benchmark-only-secret-key-0d5f1c9a7e3b48a2b6c4d8e0f2a4c6e8"

# (label, persona, path with {placeholders} filled per database, kind). kind: "list" pages are
# held to the 10 × goal; "trivial" is the cheapest signed-in page they are held against.
PAGES = [
    ("trivial: password change", "hro", "/accounts/password/", "trivial"),
    ("home (HRO)", "hro", "/", "page"),
    ("home (manager)", "manager", "/", "page"),
    ("home (SSR advisor)", "ssr", "/", "page"),
    ("institutions list", "hro", "/registry/institutions/", "list"),
    ("units list", "hro", "/registry/units/", "list"),
    ("units list, searched", "hro", "/registry/units/?q=brigade", "list"),
    ("people list", "hro", "/registry/people/", "list"),
    ("people list, searched", "hro", "/registry/people/?q=mbala", "list"),
    ("assignments list", "hro", "/registry/assignments/", "list"),
    ("violations list", "hro", "/registry/violations/", "list"),
    (
        "violations list, grave verified",
        "hro",
        "/registry/violations/?grave=on&verification_status=verified",
        "list",
    ),
    ("violations list, searched", "hro", "/registry/violations/?q=checkpoint", "list"),
    ("violations of a division's subtree", "hro", "/registry/violations/?unit={mid}", "list"),
    ("triage", "hro", "/registry/violations/triage/", "list"),
    ("support requests list", "manager", "/requests/", "list"),
    ("waivers", "manager", "/requests/waivers/", "list"),
    ("interventions list", "manager", "/assessments/interventions/", "list"),
    ("notifications", "manager", "/assessments/notifications/", "list"),
    ("perceptions list", "hro", "/community/perceptions/", "list"),
    ("insights", "manager", "/insights/", "page"),
    ("institution page", "hro", "/registry/institutions/{institution}/", "page"),
    ("biggest root unit's page", "hro", "/registry/units/{root}/", "page"),
    ("division's page", "hro", "/registry/units/{mid}/", "page"),
    ("leaf unit's page", "hro", "/registry/units/{leaf}/", "page"),
    ("root unit as SSR advisor", "ssr", "/registry/units/{root}/", "page"),
    ("person page", "hro", "/registry/people/{person}/", "page"),
    ("violation page", "hro", "/registry/violations/{violation}/", "page"),
    ("request page", "manager", "/requests/{request}/", "page"),
    ("assessment page", "manager", "/assessments/{assessment}/", "page"),
    ("assessment print view", "manager", "/assessments/{assessment}/print/", "page"),
    ("intervention page", "manager", "/assessments/interventions/{intervention}/", "page"),
    ("violation form", "hro", "/registry/violations/new/", "page"),
    ("request form", "ssr", "/requests/new/", "page"),
    ("API units, 100", "hro", "/api/v1/units/?page_size=100", "list"),
    ("API people, 100", "hro", "/api/v1/people/?page_size=100", "list"),
    ("API violations, 100", "hro", "/api/v1/violations/?page_size=100", "list"),
    ("API assignments, 100", "hro", "/api/v1/command-assignments/?page_size=100", "list"),
    ("API support requests", "manager", "/api/v1/support-requests/", "list"),
    ("API interventions", "manager", "/api/v1/interventions/", "list"),
    ("API root unit's record", "hro", "/api/v1/units/{root}/record/", "page"),
]

# The records the pages above open, chosen by the same rule in both databases.
PICKS = {
    "root": "SELECT id FROM registry_unit WHERE name = 'Land Forces Command'",
    "mid": """SELECT id FROM registry_unit WHERE parent_id =
                  (SELECT id FROM registry_unit WHERE name = 'Land Forces Command')
              ORDER BY id LIMIT 1""",
    "leaf": """SELECT u.id FROM registry_unit u
               WHERE NOT EXISTS (SELECT 1 FROM registry_unit c WHERE c.parent_id = u.id)
                 AND EXISTS (SELECT 1 FROM registry_attribution a WHERE a.unit_id = u.id)
               ORDER BY u.id LIMIT 1""",
    "institution": "SELECT id FROM registry_institution WHERE kind = 'army' ORDER BY id LIMIT 1",
    "person": """SELECT person_id FROM registry_attribution WHERE person_id IS NOT NULL
                 ORDER BY id LIMIT 1""",
    "violation": "SELECT max(id) FROM registry_violation",
    "request": "SELECT id FROM support_supportrequest WHERE status = 'active' ORDER BY id LIMIT 1",
    "assessment": """SELECT a.id FROM assessments_assessment a
                     JOIN support_supportrequest r ON r.id = a.request_id
                     WHERE r.status = 'active' ORDER BY r.id, a.version DESC LIMIT 1""",
    "intervention": "SELECT id FROM assessments_intervention ORDER BY id LIMIT 1",
}

PREPARE = """
from django.db import connection
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from hrddp.accounts.models import User

codes = {codes!r}
for user in User.objects.filter(username__in=["manager", "admin"]):
    TOTPDevice.objects.get_or_create(user=user, name="authenticator", defaults={{"confirmed": True}})
    device, _ = StaticDevice.objects.get_or_create(
        user=user, name="benchmark codes", defaults={{"confirmed": True}}
    )
    device.token_set.all().delete()
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
with connection.cursor() as cursor:
    cursor.execute("ANALYZE")
"""


def database_url(name):
    base = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres")
    return base.rsplit("/", 1)[0] + "/" + name


def manage(url, *args, env=None, capture=False):
    environment = {**os.environ, "DEBUG": "1", "DATABASE_URL": url, **(env or {})}
    return subprocess.run(
        [PYTHON, "manage.py", *args],
        cwd=ROOT,
        env=environment,
        check=True,
        text=True,
        capture_output=capture,
    )


def ensure_database(name, scale, reseed):
    """Create, migrate and seed ``name`` at ``scale`` unless it already holds the seeded data."""
    url = database_url(name)
    with psycopg.connect(database_url("postgres"), autocommit=True) as admin:
        exists = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if exists and reseed:
            admin.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
            exists = False
        if not exists:
            admin.execute(f'CREATE DATABASE "{name}"')
    print(f"bench: {name}: migrate", flush=True)
    manage(url, "migrate", "--noinput", "-v0")
    with psycopg.connect(url) as connection:
        seeded = connection.execute("SELECT EXISTS (SELECT 1 FROM registry_unit)").fetchone()[0]
    if not seeded:
        print(f"bench: {name}: seed_demo --scale {scale} (this takes a while)", flush=True)
        manage(url, "seed_demo", "--scale", str(scale))
    manage(url, "shell", "-c", PREPARE.format(codes=BENCH_CODES))
    return url


def picks(url):
    with psycopg.connect(url) as connection:
        return {key: connection.execute(sql).fetchone()[0] for key, sql in PICKS.items()}


def production_env(url):
    return {
        **os.environ,
        "DEBUG": "0",
        "SECRET_KEY": SECRET_KEY,
        "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
        "DATABASE_URL": url,
        "SECURE_SSL_REDIRECT": "0",
        "STATIC_ROOT": str(ROOT / "var" / "bench" / "static"),
        "LOG_LEVEL": "WARNING",
        "CONN_MAX_AGE": "60",
    }


@contextmanager
def served(url, port):
    """gunicorn on ``url``'s database with production settings, the Procfile's command line."""
    command = [str(BIN / "gunicorn"), "hrddp.wsgi", "--workers", "2", "--threads", "4"]
    env = {**production_env(url), "GUNICORN_CMD_ARGS": f"--bind 127.0.0.1:{port}"}
    process = subprocess.Popen(command, cwd=ROOT, env=env, start_new_session=True)
    try:
        for _ in range(120):
            try:
                requests.get(f"http://127.0.0.1:{port}/accounts/login/", timeout=30)
                break
            except requests.RequestException:
                time.sleep(0.5)
        yield f"http://127.0.0.1:{port}"
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)


class Browser:
    """A signed-in user over HTTP. The production session cookie is Secure and the server sits
    behind a TLS proxy, so the proxy's header is sent and cookies are carried by hand."""

    def __init__(self, base, username, codes):
        self.base = base
        self.cookies = {}
        self.http = requests.Session()
        self._sign_in(username, codes)

    def _headers(self, extra=None):
        return {
            "X-Forwarded-Proto": "https",
            "Accept-Encoding": "gzip",
            "Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items()),
            **(extra or {}),
        }

    def request(self, method, path, data=None):
        response = self.http.request(
            method,
            self.base + path,
            data=data,
            headers=self._headers(
                {"Origin": self.base.replace("http:", "https:"), "Referer": self.base + path}
                if method == "POST"
                else None
            ),
            allow_redirects=False,
            timeout=600,
        )
        self.cookies.update(response.cookies.get_dict())
        return response

    def _sign_in(self, username, codes):
        self.request("GET", "/accounts/login/")
        response = self.request(
            "POST",
            "/accounts/login/",
            {
                "csrfmiddlewaretoken": self.cookies["csrftoken"],
                "username": username,
                "password": PASSWORD,
            },
        )
        assert response.status_code == 302, f"{username}: sign-in answered {response.status_code}"
        home = self.request("GET", "/")
        if "two-factor" in home.headers.get("Location", ""):
            response = self.request(
                "POST",
                "/accounts/two-factor/verify/",
                {"csrfmiddlewaretoken": self.cookies["csrftoken"], "code": codes.pop()},
            )
            assert response.status_code == 302, f"{username}: second factor refused"
            home = self.request("GET", "/")
        assert home.status_code == 200, f"{username}: home answered {home.status_code}"

    def get(self, path):
        return self.request("GET", path)


COUNT_QUERIES = """
import json, sys
import django
django.setup()
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

pages, codes = json.loads(sys.stdin.read())
clients, counts = {}, {}
for label, persona, path in pages:
    if persona not in clients:
        client = clients[persona] = Client(HTTP_X_FORWARDED_PROTO="https")
        client.post("/accounts/login/", {"username": persona, "password": "demo1234"})
        if "two-factor" in client.get("/").headers.get("Location", ""):
            client.post("/accounts/two-factor/verify/", {"code": codes.pop()})
    client = clients[persona]
    client.get(path)  # the first request of a process fills caches (policy settings, content types)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    sql = [query["sql"] for query in queries.captured_queries]
    counts[label] = {"status": response.status_code, "queries": len(sql),
                     "repeated": len(sql) - len(set(sql))}
print(json.dumps(counts))
"""


def count_queries(url, pages, codes):
    completed = subprocess.run(
        [PYTHON, "-c", COUNT_QUERIES],
        cwd=ROOT,
        env={**production_env(url), "DJANGO_SETTINGS_MODULE": "hrddp.settings"},
        input=json.dumps([pages, codes]),
        capture_output=True,
        text=True,
        check=False,
    )
    if completed.returncode:
        sys.exit(completed.stderr)
    return json.loads(completed.stdout.splitlines()[-1])


def measure(browsers, pages, runs):
    """{label: {size: [seconds]}} and {label: {size: bytes}}, sizes interleaved on every run."""
    times = {label: {size: [] for size in browsers} for label, *_ in pages}
    sizes = {label: {} for label, *_ in pages}
    statuses = {label: {} for label, *_ in pages}
    order = list(browsers)
    for run in range(runs + 1):  # run 0 warms up
        for label, persona, paths in pages:
            for size in order if run % 2 else reversed(order):
                browser = browsers[size][persona]
                started = time.perf_counter()
                response = browser.get(paths[size])
                body = response.content
                elapsed = time.perf_counter() - started
                statuses[label][size] = response.status_code
                sizes[label][size] = len(body)
                if run:
                    times[label][size].append(elapsed)
    return times, sizes, statuses


def report(pages, times, sizes, statuses, queries, small, large):
    medians = {
        label: {size: statistics.median(values) for size, values in by_size.items()}
        for label, by_size in times.items()
    }
    trivial = next(label for label, _, _, kind in PAGES if kind == "trivial")
    cheapest = medians[trivial][small]
    header = (
        f"{'page':<38} {'p50 ' + str(small):>9} {'p50 ' + str(large):>9} {'ratio':>6} "
        f"{'bytes ' + str(small):>11} {'bytes ' + str(large):>11} {'queries':>8}  goals missed"
    )
    print(header)
    print("-" * len(header))
    misses = 0
    for label, _persona, _path, kind in PAGES:
        if label not in medians:
            continue
        a, b = medians[label][small], medians[label][large]
        bytes_a, bytes_b = sizes[label][small], sizes[label][large]
        count = queries.get(label, {})
        marks = ""
        marks += "t" if b > 1.2 * a else ""
        marks += "b" if bytes_b > 1.1 * bytes_a else ""
        marks += "q" if count.get("queries", 0) > 15 else ""
        marks += "l" if kind == "list" and a > 10 * cheapest else ""
        bad_status = {s for s in statuses[label].values() if s != 200}
        if count.get("status", 200) != 200:
            bad_status.add(f"{count['status']} when counting")
        if bad_status:
            marks += f" status {sorted(map(str, bad_status))}"
        misses += bool(marks)
        repeated = f"+{count['repeated']}r" if count.get("repeated") else ""
        print(
            f"{label:<38} {a * 1000:>7.0f}ms {b * 1000:>7.0f}ms {b / a:>6.2f} "
            f"{bytes_a:>11,} {bytes_b:>11,} {count.get('queries', '?'):>5}{repeated:<3}  {marks}"
        )
    print(
        f"\nCheapest signed-in page at scale {small}: {cheapest * 1000:.0f} ms; "
        f"{misses} of {len(medians)} pages miss a goal."
    )


def load_test(base, ids, seconds, users):
    """locust, headless, on the large server; its own summary is printed as it ends."""
    # Codes 100 to 349: the query count and the timed browsers use others.
    env = {
        **os.environ,
        "BENCH_IDS": json.dumps(ids),
        "BENCH_CODES": json.dumps(BENCH_CODES[100:350]),
    }
    command = [
        str(BIN / "locust"),
        "-f",
        str(ROOT / "benchmarks" / "locustfile.py"),
        "--headless",
        "--host",
        base,
        "--users",
        str(users),
        "--spawn-rate",
        str(users),
        "--run-time",
        f"{seconds}s",
        "--only-summary",
        "--csv",
        str(ROOT / "var" / "bench" / "load"),
    ]
    subprocess.run(command, cwd=ROOT, env=env, check=False)
    with open(ROOT / "var" / "bench" / "load_stats.csv") as stats:
        rows = stats.read().splitlines()
    names = rows[0].split(",")
    total = dict(zip(names, rows[-1].split(","), strict=False))
    print(
        f"\nload at {users} users for {seconds} s: {float(total['Requests/s']):.1f} requests/s, "
        f"p50 {total['50%']} ms, p95 {total['95%']} ms, {total['Failure Count']} failures "
        f"of {total['Request Count']} requests"
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("large", type=float, help="the large scale, e.g. 333")
    parser.add_argument("--small", type=float, default=SMALL)
    parser.add_argument("--runs", type=int, default=11)
    parser.add_argument("--only", help="only the pages whose label contains this")
    parser.add_argument("--prefix", default="hrddp_bench_s", help="database names: <prefix><scale>")
    parser.add_argument("--reseed", action="store_true", help="drop and seed both databases")
    parser.add_argument("--load", type=int, metavar="SECONDS", help="then a mixed read load")
    parser.add_argument("--users", type=int, default=20, help="simulated users of the load")
    parser.add_argument("--json", help="also write the figures to this file")
    args = parser.parse_args()

    scales = {"small": args.small, "large": args.large}
    urls = {
        key: ensure_database(f"{args.prefix}{scale:g}".replace(".", "_"), scale, args.reseed)
        for key, scale in scales.items()
    }
    (ROOT / "var" / "bench").mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [PYTHON, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=ROOT,
        env=production_env(urls["small"]),
        check=True,
    )
    ids = {key: picks(url) for key, url in urls.items()}
    pages = [
        (label, persona, {key: path.format(**ids[key]) for key in urls})
        for label, persona, path, kind in PAGES
        # The cheapest page always, the yardstick of the list pages.
        if not args.only or args.only.lower() in label.lower() or kind == "trivial"
    ]
    codes = {key: list(BENCH_CODES) for key in urls}
    print("bench: counting queries", flush=True)
    queries = count_queries(
        urls["large"],
        [(label, persona, paths["large"]) for label, persona, paths in pages],
        codes["large"][:50],
    )
    with served(urls["small"], 8131) as small_base, served(urls["large"], 8133) as large_base:
        bases = {"small": small_base, "large": large_base}
        personas = {persona for _, persona, _ in pages}
        browsers = {
            key: {p: Browser(bases[key], p, codes[key][350:]) for p in personas} for key in urls
        }
        print(f"bench: {len(pages)} pages × {args.runs} runs at each size", flush=True)
        times, sizes, statuses = measure(browsers, pages, args.runs)
        times = {label: {scales[k]: v for k, v in t.items()} for label, t in times.items()}
        sizes = {label: {scales[k]: v for k, v in s.items()} for label, s in sizes.items()}
        statuses = {label: {scales[k]: v for k, v in s.items()} for label, s in statuses.items()}
        report(pages, times, sizes, statuses, queries, args.small, args.large)
        if args.json:
            Path(args.json).write_text(
                json.dumps({"times": times, "bytes": sizes, "queries": queries}, default=str)
            )
        if args.load:
            load_test(large_base, ids["large"], args.load, args.users)


if __name__ == "__main__":
    main()
