"""Finding a person of the registry by name (issue 15): the one matcher behind screening, the
duplicate queue and the search.

**The index.** Each person's name and aliases are filed under their phonetic keys
(``PersonNameKey``, ``names.index_keys``). A person is re-filed whenever their name, aliases or
merge change (``registry.signals``, on every save: pages, API, import, merging); merged people
are not filed. ``index_all`` rebuilds the whole index (``manage.py index_names``, after
``seed_demo`` and ``restore``, which write rows without saving models).

**The shortlist.** A query's candidates are the people sharing keys with it, ranked by the sum,
over the keys shared, of 1 / (people filed under the key): rare keys weigh most. Very common keys
(a two-letter skeleton such as "mt" files thousands of people) weigh almost nothing, yet reading
them dominated the cost of a screening. So the keys are read rarest first and a common key is read
only while the rarer ones have not yet gathered ``SHORTLIST`` people (``choose_keys``); a person
sharing only common keys with the query would rank among thousands of equals anyway.

**Scoring.** Each shortlisted person is scored in Python on their best name or alias
(``names.compare``); what else is known then raises or lowers the score (``FACTORS``): birth date,
service number, unit. Every adjustment adds a reason (code + params), rendered by ``reason_text``
in the reader's language.

``screen_many`` answers many queries with a constant number of SQL statements (a participant list
of a thousand names is one batch); ``candidates`` is ``screen_many`` of one. Plain SQL on indexed
columns, no pg_trgm or unaccent: the same answers on the embedded PostgreSQL as on the machine's.
"""

import re
from dataclasses import dataclass, field

from django.db import DEFAULT_DB_ALIAS, connection, connections, transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from . import names
from .models import CommandAssignment, Person, PersonNameKey, Unit

# How many people sharing keys with the query are scored in Python.
SHORTLIST = 200
# How many rows of the index a query reads, at most, beyond its rarest key (see choose_keys).
KEY_BUDGET = 2500
# Rows written per statement by index_all.
INDEX_BATCH = 5000

# What else than the name moves a candidate's score (points out of 100).
SAME_BIRTH_DATE = 5.0
OTHER_BIRTH_DATE = -15.0  # born more than a year apart
SAME_SERVICE_NUMBER = 15.0
OTHER_SERVICE_NUMBER = -10.0
SAME_UNIT = 3.0


def person_names(person):
    return [person.name, *person.aliases]


def keys_of(texts):
    found = set()
    for text in texts:
        found.update(names.index_keys(names.parse(text)))
    return found


# --- The index ------------------------------------------------------------------------------


@transaction.atomic
def index_people(people):
    """(Re)file the given people's names under their keys."""
    people = list(people)
    PersonNameKey.objects.filter(person__in=[person.pk for person in people]).delete()
    rows = []
    for person in people:
        if person.merged_into_id:
            continue
        rows.extend(
            PersonNameKey(person_id=person.pk, key=key) for key in keys_of(person_names(person))
        )
    PersonNameKey.objects.bulk_create(rows, batch_size=5000)


@transaction.atomic
def index_person(person):
    """Bring one person's rows in line with their name and aliases, writing only what changed
    (saving a person whose name did not change costs one read)."""
    wanted = set() if person.merged_into_id else keys_of(person_names(person))
    filed = set(PersonNameKey.objects.filter(person_id=person.pk).values_list("key", flat=True))
    if filed - wanted:
        PersonNameKey.objects.filter(person_id=person.pk, key__in=filed - wanted).delete()
    if wanted - filed:
        PersonNameKey.objects.bulk_create(
            [PersonNameKey(person_id=person.pk, key=key) for key in sorted(wanted - filed)]
        )


def index_all(batch=INDEX_BATCH, log=None, using=DEFAULT_DB_ALIAS):
    """Rebuild the whole index: every person not merged, ``batch`` people at a time, written with
    COPY, then ANALYZE so that the planner knows the new rows. Returns the number of rows."""
    table = connection.ops.quote_name(PersonNameKey._meta.db_table)
    total = 0
    with transaction.atomic(using=using), connections[using].cursor() as cursor:
        cursor.execute(f"DELETE FROM {table}")
        people = (
            Person.objects.using(using)
            .filter(merged_into__isnull=True)
            .order_by("pk")
            .values_list("pk", "name", "aliases")
        )
        last = 0
        while chunk := list(people.filter(pk__gt=last)[:batch]):
            last = chunk[-1][0]
            with cursor.cursor.copy(f"COPY {table} (person_id, key) FROM STDIN") as copy:
                for pk, name, aliases in chunk:
                    for key in sorted(keys_of([name, *aliases])):
                        copy.write_row((pk, key))
                        total += 1
            if log:
                log(f"  {last}: {total:,} keys")
        if connections[using].in_atomic_block:
            cursor.execute(f"ANALYZE {table}")
    if not connections[using].in_atomic_block:
        # VACUUM (outside a transaction) also marks the pages all-visible, so that the shortlist
        # reads the index alone.
        with connections[using].cursor() as cursor:
            cursor.execute(f"VACUUM (ANALYZE) {table}")
    return total


# --- The shortlist --------------------------------------------------------------------------


def key_frequencies(keys):
    """How many rows of the index hold each of ``keys`` (absent keys: none)."""
    keys = sorted(set(keys))
    if not keys:
        return {}
    table = connection.ops.quote_name(PersonNameKey._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT key, count(*) FROM {table} WHERE key = ANY(%s) GROUP BY key", [keys]
        )
        return dict(cursor.fetchall())


def choose_keys(keys, frequencies, limit=None, budget=None):
    """The keys of a query worth reading, rarest first: every key until the rows read reach
    ``limit`` people, then the others only while they stay within ``budget`` rows in all. The
    keys left out are the commonest: each weighs less than 1 / ``budget``."""
    limit = SHORTLIST if limit is None else limit
    budget = KEY_BUDGET if budget is None else budget
    chosen, read = [], 0
    for key in sorted((key for key in keys if frequencies.get(key)), key=frequencies.get):
        rows = frequencies[key]
        if read >= limit and read + rows > budget:
            break
        chosen.append(key)
        read += rows
    return chosen


def shortlist_many(key_lists, limit=None):
    """For each list of keys, the ids of the ``limit`` people sharing the most (rarest) keys
    with it (of those ``choose_keys`` reads), best first. Two SQL statements whatever the number
    of lists."""
    limit = SHORTLIST if limit is None else limit
    frequencies = key_frequencies(key for keys in key_lists for key in keys)
    rows = []  # (list number, key, weight, read it?)
    for at, keys in enumerate(key_lists):
        chosen = set(choose_keys(keys, frequencies, limit))
        rows.extend(
            (at, key, 1.0 / frequencies[key], key in chosen) for key in keys if frequencies.get(key)
        )
    found = [[] for _ in key_lists]
    rows = [(number, key, weight) for number, key, weight, read in rows if read]
    if not rows:
        return found
    table = connection.ops.quote_name(PersonNameKey._meta.db_table)
    numbers, keys, weights = (list(column) for column in zip(*rows, strict=True))
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            SELECT number, person_id FROM (
                SELECT number, person_id, row_number() OVER (
                    PARTITION BY number ORDER BY sum(weight) DESC, person_id
                ) AS place
                FROM unnest(%s::int[], %s::varchar[], %s::float8[]) AS q(number, key, weight)
                JOIN {table} k USING (key)
                GROUP BY number, person_id
            ) ranked
            WHERE place <= %s
            ORDER BY number, place
            """,
            [numbers, keys, weights, limit],
        )
        for number, person_id in cursor.fetchall():
            found[number].append(person_id)
    return found


def shortlist(keys, limit=None):
    """The ids of the people sharing the most (rarest) keys with ``keys``."""
    return shortlist_many([list(keys)], limit)[0]


# --- Scoring --------------------------------------------------------------------------------


@dataclass
class Match:
    person: Person
    score: float
    level: str
    # [(code, params)]: why the names matched (``names.compare``) and what else agreed.
    reasons: list = field(default_factory=list)

    @property
    def reason_texts(self):
        return reason_texts(self.reasons)


@dataclass
class Query:
    """What is known of someone looked for: a participant, a typed name, a registry person."""

    name: str
    birth_date: object = None  # datetime.date or None
    service_number: str = ""
    unit_id: int | None = None


NOT_ALNUM = re.compile(r"[^0-9A-Z]")


def service_numbers(text):
    """The identifiers in a text, compared without case, spaces or punctuation: "FARDC-12 345"
    and "fardc12345" are one number; "A1, B2" holds two."""
    found = set()
    for part in re.split(r"[,;/]+", text or ""):
        part = NOT_ALNUM.sub("", part.upper())
        if part:
            found.add(part)
    return found


def years_apart(first, second):
    later, earlier = max(first, second), min(first, second)
    years = later.year - earlier.year
    if (later.month, later.day) < (earlier.month, earlier.day):
        years -= 1
    return years


def other_factors(query, person, unit_ids, unit_name):
    """What the query's birth date, service number and unit say of ``person``: (points, reasons)."""
    points, reasons = 0.0, []
    if query.birth_date and person.birth_date:
        if query.birth_date == person.birth_date:
            points += SAME_BIRTH_DATE
            reasons.append(("same_birth_date", {}))
        elif abs((query.birth_date - person.birth_date).days) > 365:
            # Within a year, a slip of the pen proves nothing either way.
            points += OTHER_BIRTH_DATE
            years = max(1, years_apart(query.birth_date, person.birth_date))
            reasons.append(("other_birth_date", {"years": years}))
    mine, theirs = service_numbers(query.service_number), service_numbers(person.identifiers)
    if mine and theirs:
        if mine & theirs:
            points += SAME_SERVICE_NUMBER
            reasons.append(("same_service_number", {"number": sorted(mine & theirs)[0]}))
        else:
            points += OTHER_SERVICE_NUMBER
            reasons.append(("other_service_number", {}))
    if query.unit_id and query.unit_id in unit_ids.get(person.pk, ()):
        points += SAME_UNIT
        reasons.append(("same_unit", {"unit": unit_name}))
    return points, reasons


def _unit_id(unit):
    return getattr(unit, "pk", unit)


def screen_many(queries, *, limit=5, queryset=None):
    """For each ``Query``, the people most like it, best first (at most ``limit``), each with its
    score, level and reasons. A constant number of SQL statements for all the queries."""
    queries = list(queries)
    if not queries:
        return []
    forms = [names.parse(query.name) for query in queries]
    key_lists = [names.index_keys(form) for form in forms]
    ids = shortlist_many(key_lists)
    wanted = {pk for found in ids for pk in found}
    people = {}
    if wanted:
        people = (queryset if queryset is not None else Person.objects).filter(
            merged_into__isnull=True
        )
        people = people.only(
            "pk", "name", "aliases", "rank", "birth_date", "identifiers", "merged_into"
        ).in_bulk(wanted)
    unit_ids, unit_names = {}, {}
    units = {_unit_id(query.unit_id) for query in queries if query.unit_id}
    if units and people:
        unit_names = dict(Unit.objects.filter(pk__in=units).values_list("pk", "name"))
        for person_id, unit_id in (
            CommandAssignment.objects.filter(person_id__in=people.keys(), unit_id__in=units)
            .values_list("person_id", "unit_id")
            .distinct()
        ):
            unit_ids.setdefault(person_id, set()).add(unit_id)
    parsed = {}
    answers = []
    for query, form, found in zip(queries, forms, ids, strict=True):
        compared = {}
        query_unit = _unit_id(query.unit_id)
        if query_unit != query.unit_id:
            query = Query(query.name, query.birth_date, query.service_number, query_unit)
        matches = []
        for pk in found:
            person = people.get(pk)
            if person is None:
                continue
            if pk not in parsed:
                parsed[pk] = [names.parse(text) for text in person_names(person)]
            best = None
            for other in parsed[pk]:
                # Registries repeat names (namesakes, the same alias): each is compared once.
                comparison = compared.get(other.text)
                if comparison is None:
                    comparison = compared[other.text] = names.compare(form, other)
                if best is None or comparison.score > best.score:
                    best = comparison
            points, more = other_factors(query, person, unit_ids, unit_names.get(query_unit))
            score = round(min(max(best.score + points, 0.0), 100.0), 1)
            level = names.level(score)
            if level:
                reasons = [(code, {}) for code in best.reasons] + more
                matches.append(Match(person, score, level, reasons))
        matches.sort(key=lambda match: (-match.score, match.person.pk))
        answers.append(matches[:limit])
    return answers


def candidates(name, *, birth_date=None, service_number="", unit=None, limit=5, queryset=None):
    """The people most like ``name``, best first, each with its score, level and reasons.
    ``birth_date``, ``service_number`` and ``unit`` (a Unit or its id), where known, raise or lower
    the score."""
    query = Query(name, birth_date, service_number or "", _unit_id(unit))
    return screen_many([query], limit=limit, queryset=queryset)[0]


# --- Reasons, for readers -------------------------------------------------------------------


def _reason_texts():
    # Built on each call, so that gettext answers in the language active for the reader.
    return {
        "same_spelling": _("the names are written the same"),
        "script_or_accents": _("written in another script or with other accents"),
        "word_order": _("the same names in another order"),
        "missing_word": _("one name has a word the other lacks"),
        "spacing": _("hyphens, apostrophes or spaces differ"),
        "particle": _("particles or articles differ (bin, ould, al-, Abdel/Abd al-)"),
        "transliteration": _("another transliteration of the same name"),
        "typo": _("a letter or two differ"),
        "spelling_variant": _("a name is spelled differently"),
        "same_birth_date": _("same date of birth"),
        "same_service_number": _("same service number (%(number)s)"),
        "other_service_number": _("another service number"),
        "same_unit": _("served in the same unit (%(unit)s)"),
    }


def reason_text(code, params):
    """A reason code with its parameters, in the reader's language."""
    if code == "other_birth_date":
        years = (params or {}).get("years", 1)
        return ngettext("born %(years)s year apart", "born %(years)s years apart", years) % {
            "years": years
        }
    text = _reason_texts().get(code)
    if text is None:
        return str(code)
    try:
        return text % (params or {})
    except (KeyError, TypeError, ValueError):
        return text


def reason_texts(reasons):
    """``[(code, params)]`` (or stored ``[[code, params]]``) as texts for readers."""
    return [reason_text(code, params) for code, params in reasons]
