"""Screening at scale (issue 15, "Quality and speed"): 1,000 participants against 100,000 people
with 200,000 aliases.

    DEBUG=1 DATABASE_URL=postgres://... python benchmarks/screening_scale.py [--people 100000]
        [--queries 1000] [--sample 200] [--seed 15]

Without DATABASE_URL it runs on the embedded PostgreSQL of ``make run`` (under ``var/``, started
as the project starts it; it has no pg_trgm or unaccent, and the matcher needs neither).

On the configured server it (re)creates a scratch database, ``<name>_screening_scale``, and
migrates it; the database named by DATABASE_URL is never written. It fills the registry with
COPY: people drawn from the name lists of the evaluation set (``names/build_pairs.py``: Arabic,
Russian, Congolese, Swahili and Malian names), each with two aliases (another transliteration,
the original script, surname first); then ``matching.index_all`` and ANALYZE. The participants:
70 % true variants of a registry person (another transliteration, the original script, surname
first, a missing middle name, a typo, accents and case; half of them with the person's date of
birth), 30 % strangers drawn afresh.

It reports:

- the screening of all participants through one ``matching.screen_many`` call (what the Celery
  task runs), end to end: seconds;
- one typed-in name (``matching.candidates``) for ``--sample`` participants: p50 and p95 in ms,
  and that each answer equals the batch's;
- recall@5 of the true variants (their person among the first five candidates);
- a digest (SHA-256) of every answer (person ids, scores, levels, reasons), to compare two
  servers: the same digest means the same answers.

The goal (issue 15): under 30 s for the batch, under 300 ms p50 for one name.

Measured on 2026-12-04 (2 shared cores; other work ran beside it, so wall times vary by up to 2x
with the load; CPU time is steadier). Defaults: --shortlist 200, --budget 2500, seed 15.

| server | batch of 1,000 | CPU | one name p50 / p95 | recall@5 (+crowded, missed) |
|---|---|---|---|---|
| machine's PostgreSQL 15.20 | 27.0 s, 31.1 s | 24.0 s, 27.4 s | 28-38 / 42-54 ms | 0.753 (+0.217, 0.030) |
| embedded PostgreSQL 18.4 (``make run``) | 25.4 s | 23.0 s | 25 / 37 ms | 0.753 (+0.217, 0.030) |

Both digests: 540d7cf537578a32f37f5753b4c49b3a8e69b5b88bb0d92d2436663e4397f6cf (identical
answers). Under a load average of 3-4 the same batch took 35-52 s. Reading every key (the old
shortlist, ``--budget 1000000``): 45.5 s (20 s of it in PostgreSQL), recall@5 0.767, missed
0.011; ``--shortlist 100``: 17.1 s, recall@5 0.740, missed 0.040. "Crowded" are true variants
whose person is not in the first five because as many namesakes (the name lists are small, so
100,000 people repeat names) score within 5 points of it: not a miss of the matcher.
"""

import argparse
import datetime
import hashlib
import json
import os
import random
import statistics
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE / "names"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hrddp.settings")
os.environ.setdefault("DEBUG", "1")

import build_pairs as lists  # noqa: E402
import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, connections, reset_queries, transaction  # noqa: E402

from hrddp.insights.management.commands.seed_demo import copy_create  # noqa: E402
from hrddp.registry import matching, names  # noqa: E402
from hrddp.registry.models import Person  # noqa: E402

SCRIPTED = ("arabic", "russian")


def rendering(rng, someone):
    return lists.render(lists.latin_words(rng, someone))


def aliases_of(rng, someone, name):
    """Two other ways the registry holds the person: another spelling, the original script,
    surname first."""
    found = []
    while len(found) < 2:
        kind = rng.randrange(3)
        if kind == 0:
            text = rendering(rng, someone)
        elif kind == 1 and someone.region in SCRIPTED:
            text = lists.render(entry.script for entry in someone.entries)
        else:
            words = name.split(" ")
            text = " ".join([words[-1].upper(), *words[:-1]])
        if text != name and text not in found:
            found.append(text)
        elif rng.random() < 0.2:
            found.append(text.upper())
    return found


def variant(rng, someone):
    """A true variant of a person's name, as a participant list may spell it."""
    kind = rng.randrange(6)
    words = lists.latin_words(rng, someone)
    if kind == 0:
        return rendering(rng, someone)
    if kind == 1 and someone.region in SCRIPTED:
        return lists.render(entry.script for entry in someone.entries)
    if kind == 2:
        return " ".join([words[-1].upper(), *words[:-1]])
    if kind == 3 and len(words) >= 3:
        return lists.render([words[0], *words[2:]])
    if kind == 4:
        at = max(range(len(words)), key=lambda i: len(words[i]))
        word = words[at]
        i = rng.randrange(1, max(2, len(word) - 1))
        words[at] = word[:i] + rng.choice(lists.KEYBOARD) + word[i + 1 :]
        return lists.render(words)
    return lists.case_change(rng, lists.strip_accents(lists.render(words)))


def birth_date(rng):
    return datetime.date(1955, 1, 1) + datetime.timedelta(days=rng.randrange(365 * 45))


def use_scratch_database():
    """Point the default connection at a fresh scratch database on the configured server."""
    name = settings.DATABASES["default"]["NAME"]
    scratch = f"{name}_screening_scale"
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{scratch}"')
        cursor.execute(f'CREATE DATABASE "{scratch}"')
    connection.close()
    settings.DATABASES["default"]["NAME"] = scratch
    connections["default"].settings_dict["NAME"] = scratch
    return scratch


def build_registry(rng, count, insert=True):
    people, someones = [], []
    for _ in range(count):
        someone = lists.person(rng, rng.choice(lists.REGIONS))
        name = rendering(rng, someone)
        people.append(
            Person(
                name=name,
                aliases=aliases_of(rng, someone, name),
                birth_date=birth_date(rng) if rng.random() < 0.5 else None,
            )
        )
        someones.append(someone)
    if not insert:
        # The scratch database kept by an earlier run (--keep) holds them, ids from 1.
        for pk, person in enumerate(people, start=1):
            person.pk = person.id = pk
        return people, someones
    with transaction.atomic():
        for start in range(0, count, 10000):
            copy_create(Person, people[start : start + 10000])
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE registry_person")
    return people, someones


def build_queries(rng, people, someones, count):
    queries, targets = [], []
    for at in range(count):
        if at % 10 < 7:
            index = rng.randrange(len(people))
            person = people[index]
            known = person.birth_date if rng.random() < 0.5 else None
            queries.append(matching.Query(variant(rng, someones[index]), birth_date=known))
            targets.append(person.pk)
        else:
            stranger = lists.person(rng, rng.choice(lists.REGIONS))
            queries.append(matching.Query(rendering(rng, stranger)))
            targets.append(None)
    return queries, targets


def answer_rows(answer):
    return [[m.person.pk, m.score, m.level, [list(r) for r in m.reasons]] for m in answer]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=1000)
    parser.add_argument("--sample", type=int, default=200)
    parser.add_argument("--seed", type=int, default=15)
    parser.add_argument(
        "--keep", action="store_true", help="Keep the scratch database (dropped by default)."
    )
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="Screen in the scratch database an earlier run kept (same --people and --seed).",
    )
    parser.add_argument(
        "--shortlist", type=int, help=f"People scored per name (default {matching.SHORTLIST})."
    )
    parser.add_argument(
        "--budget", type=int, help=f"Index rows read per name (default {matching.KEY_BUDGET})."
    )
    args = parser.parse_args()
    if args.shortlist:
        matching.SHORTLIST = args.shortlist
    if args.budget:
        matching.KEY_BUDGET = args.budget
    rng = random.Random(args.seed)

    with connection.cursor() as cursor:
        cursor.execute("SELECT version()")
        server = cursor.fetchone()[0].split(",")[0]
    original = settings.DATABASES["default"]["NAME"]
    if args.reuse:
        scratch = f"{original}_screening_scale"
        settings.DATABASES["default"]["NAME"] = scratch
        connections["default"].settings_dict["NAME"] = scratch
        connection.close()
    else:
        scratch = use_scratch_database()
    print(f"{server}; scratch database {scratch}; load average {os.getloadavg()[0]:.1f}")
    if not args.reuse:
        started = time.monotonic()
        call_command("migrate", verbosity=0)
        print(f"migrated in {time.monotonic() - started:.1f} s")

    started = time.monotonic()
    people, someones = build_registry(rng, args.people, insert=not args.reuse)
    aliases = sum(len(person.aliases) for person in people)
    print(f"{len(people):,} people, {aliases:,} aliases in {time.monotonic() - started:.1f} s")
    if not args.reuse:
        started = time.monotonic()
        keys = matching.index_all()
        print(f"index: {keys:,} keys in {time.monotonic() - started:.1f} s")
    queries, targets = build_queries(rng, people, someones, args.queries)
    by_id = {person.pk: person for person in people}
    reset_queries()

    started, cpu = time.monotonic(), time.process_time()
    answers = matching.screen_many(queries)
    batch, cpu = time.monotonic() - started, time.process_time() - cpu
    statements = len(connection.queries) if settings.DEBUG else None
    true = [
        (query, answer, target)
        for query, answer, target in zip(queries, answers, targets, strict=True)
        if target
    ]
    hits = crowded = 0
    for query, answer, target in true:
        if target in [match.person.pk for match in answer]:
            hits += 1
            continue
        # Not in the first five: pushed out by namesakes scoring as well (the lists are small,
        # so a registry of 100,000 repeats names), or missed by the shortlist?
        form = names.parse(query.name)
        person = by_id[target]
        own = max(
            names.compare(form, names.parse(text)).score for text in [person.name, *person.aliases]
        )
        if len(answer) == 5 and answer[-1].score >= own - 5:
            crowded += 1
    recall = hits / len(true)

    timings, differ = [], 0
    for at in range(0, len(queries), max(1, len(queries) // args.sample))[: args.sample]:
        query = queries[at]
        started = time.monotonic()
        one = matching.candidates(query.name, birth_date=query.birth_date)
        timings.append((time.monotonic() - started) * 1000)
        differ += answer_rows(one) != answer_rows(answers[at])
    timings.sort()
    digest = hashlib.sha256(
        json.dumps([answer_rows(answer) for answer in answers]).encode()
    ).hexdigest()

    print(
        f"screen_many of {len(queries):,} participants: {batch:.1f} s "
        f"({cpu:.1f} s of this process's CPU)"
        + (f" ({statements} SQL statements)" if statements is not None else "")
    )
    print(
        f"one name ({len(timings)} typed in): p50 {statistics.median(timings):.0f} ms, "
        f"p95 {timings[int(len(timings) * 0.95) - 1]:.0f} ms; "
        f"answers differing from the batch: {differ}"
    )
    print(
        f"recall@5 of the {len(true)} true variants: {recall:.3f} "
        f"(+{crowded / len(true):.3f} crowded out by namesakes scoring within 5 points; "
        f"missed: {(len(true) - hits - crowded) / len(true):.3f})"
    )
    print(f"digest {digest}")
    connection.close()
    if not args.keep:
        settings.DATABASES["default"]["NAME"] = original
        connections["default"].settings_dict["NAME"] = original
        with connection.cursor() as cursor:
            cursor.execute(f'DROP DATABASE "{scratch}"')
    return 0


if __name__ == "__main__":
    sys.exit(main())
