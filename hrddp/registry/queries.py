"""Named queries of the registry, above all a unit's record (domain.md 3.2).

The unit tree is read from ``UnitClosure`` (one row per unit and ancestor, kept by triggers), so a
subtree or a chain of ancestors is one indexed lookup whatever the depth, with statistics that
tell the planner a root's subtree from a leaf's.

A record is never loaded whole: its counts, flags and floor come from one query of bounded
subqueries, each route's violations a page at a time (see ``UnitRecord``).
"""

import datetime
import re
from dataclasses import dataclass, field
from functools import cached_property

from django.apps import apps
from django.contrib.postgres.search import SearchQuery, SearchVectorField
from django.db import connection, models
from django.db.models import Q
from django.db.models.expressions import RawSQL
from django.http import Http404, QueryDict
from django.shortcuts import get_object_or_404
from django.utils import formats, timezone

from hrddp.accounts.access import can_edit_registry, can_read_registry, can_see_identities
from hrddp.pagination import COUNT_CAP, count_up_to
from hrddp.policy.models import PolicySettings

from .choices import COUNTABLE_STATUSES, VerificationStatus

# Sent before each of the record's own queries, in the same statement (one implicit transaction):
# every one of them stops after a page or at the cap, but the planner costs them by the whole
# record, so a root's would start parallel workers and JIT-compile (measured at a million
# violations: 6 s of compilation and up to 2 s of worker start-up for 0.3 s of work).
NO_PARALLEL = "SET LOCAL max_parallel_workers_per_gather = 0; SET LOCAL jit = off; "


def _execute(cursor, sql, params):
    """Run one of the record's queries without parallel workers or JIT; the cursor ends on its
    rows."""
    cursor.execute(NO_PARALLEL + sql, params)
    while cursor.nextset():
        pass
    return cursor


# Counts stop here: "1,000+" says as much to a reader as 412,318, and costs a thousandth of it.
RECORD_CAP = 1000
RECORD_PAGE_SIZE = 25
# The routes of domain.md 3.2 that make the record, and the ancestors' violations (context only).
COUNTED_ROUTES = ("subtree", "commanded_at_time", "current_commanders")
ROUTES = (*COUNTED_ROUTES, "ancestors")

SUBTREE_SQL = "SELECT descendant_id FROM registry_unitclosure WHERE ancestor_id = %s"
ANCESTORS_SQL = (
    "SELECT ancestor_id FROM registry_unitclosure WHERE descendant_id = %s AND depth > 0"
)

# Ids of the violations each route reaches, before the record's date (``as_of``) is applied.
# Each takes the unit's id; "current_commanders" also takes the date twice. Written as SQL (not
# ORM joins) so that every query of the record shares them and the planner sees plain joins it
# can turn into semi-joins: by date order for a root, by index lookups for a leaf.
ROUTE_SQL = {
    "subtree": """
        SELECT a.violation_id FROM registry_attribution a
        JOIN registry_unitclosure c ON c.descendant_id = a.unit_id
        WHERE c.ancestor_id = %s""",
    # On the violation's date: the assignment's dates hold that date.
    "commanded_at_time": """
        SELECT a.violation_id FROM registry_commandassignment ca
        JOIN registry_attribution a ON a.person_id = ca.person_id
        JOIN registry_violation av ON av.id = a.violation_id
        WHERE ca.unit_id = %s AND ca.start <= av.date
            AND (ca."end" IS NULL OR ca."end" >= av.date)""",
    # Commands it now (on ``as_of``): their violations at any date.
    "current_commanders": """
        SELECT a.violation_id FROM registry_commandassignment ca
        JOIN registry_attribution a ON a.person_id = ca.person_id
        WHERE ca.unit_id = %s AND ca.start <= %s AND (ca."end" IS NULL OR ca."end" >= %s)""",
    "ancestors": """
        SELECT a.violation_id FROM registry_attribution a
        JOIN registry_unitclosure c ON c.ancestor_id = a.unit_id
        WHERE c.descendant_id = %s AND c.depth > 0""",
}


# The same routes as conditions on one violation ``v`` (correlated): the ancestors' context leaves
# out what the record holds with anti-joins probed per candidate, never by computing a whole route.
ROUTE_HOLDS_SQL = {
    "subtree": """EXISTS (SELECT 1 FROM registry_attribution a
        JOIN registry_unitclosure c ON c.descendant_id = a.unit_id
        WHERE a.violation_id = v.id AND c.ancestor_id = %s)""",
    "commanded_at_time": """EXISTS (SELECT 1 FROM registry_attribution a
        JOIN registry_commandassignment ca ON ca.person_id = a.person_id
        WHERE a.violation_id = v.id AND ca.unit_id = %s AND ca.start <= v.date
            AND (ca."end" IS NULL OR ca."end" >= v.date))""",
    "current_commanders": """EXISTS (SELECT 1 FROM registry_attribution a
        JOIN registry_commandassignment ca ON ca.person_id = a.person_id
        WHERE a.violation_id = v.id AND ca.unit_id = %s AND ca.start <= %s
            AND (ca."end" IS NULL OR ca."end" >= %s))""",
}


def _outside_record(unit_pk, as_of):
    """``(sql, params)``: " AND the violation ``v`` is in none of the counted routes"."""
    sql = "".join(f" AND NOT {ROUTE_HOLDS_SQL[route]}" for route in COUNTED_ROUTES)
    params = [p for route in COUNTED_ROUTES for p in route_sql(route, unit_pk, as_of)[1]]
    return sql, params


def route_sql(route, unit_pk, as_of):
    """``(sql, params)``: the ids of the violations ``route`` reaches for the unit."""
    params = [unit_pk, as_of, as_of] if route == "current_commanders" else [unit_pk]
    return ROUTE_SQL[route], params


def subtree_sql(unit_pk):
    """An expression usable as ``unit_id__in=``: the unit and all its descendants."""
    return RawSQL(SUBTREE_SQL, (unit_pk,))


def ancestors_sql(unit_pk):
    """An expression usable as ``unit_id__in=``: the unit's ancestors, not the unit itself."""
    return RawSQL(ANCESTORS_SQL, (unit_pk,))


class RowCount(models.Subquery):
    """The rows of a correlated queryset, counted for each row shown (a subquery that runs for the
    page's 25 rows), where ``Count()`` would group the whole table before a page is cut from it."""

    template = "(SELECT count(*) FROM (%(subquery)s) counted)"
    output_field = models.IntegerField()

    def __init__(self, queryset, **extra):
        super().__init__(queryset.order_by(), **extra)  # a count needs no order


class UnitQuerySet(models.QuerySet):
    def with_child_count(self):
        """``child_count``: the unit's direct sub-units."""
        return self.annotate(
            child_count=RowCount(
                self.model.objects.filter(parent=models.OuterRef("pk")).values("pk")
            )
        )

    def subtree(self, unit):
        return self.filter(id__in=subtree_sql(_pk(unit)))

    def subtree_ids(self, unit):
        return set(self.subtree(unit).values_list("id", flat=True))

    def ancestors(self, unit):
        """The unit's ancestors, from the root down (one query)."""
        links = apps.get_model("registry", "UnitClosure").objects.filter(
            descendant_id=unit.pk, depth__gt=0
        )
        return [link.ancestor for link in links.select_related("ancestor").order_by("-depth")]

    def record(self, unit, as_of=None):
        return UnitRecord.of(unit, as_of=as_of)

    def records(self, units, as_of=None, policy=None):
        return records_of(units, as_of=as_of, policy=policy)


def grave_triage_count(user):
    """(count, more): the grave cases waiting for triage, for the HROs' navigation badge; one
    capped count query; (0, False) for anyone who does not triage."""
    if not can_edit_registry(user):
        return 0, False
    return count_up_to(apps.get_model("registry", "Violation").objects.grave_waiting())


def undoable_change(violation, today=None):
    """The violation's latest verification change when it may still be undone: made today (the
    local day, domain.md: undo "within the same day"), and not itself an undo. None otherwise."""
    today = today or timezone.localdate()
    latest = violation.verification_changes.order_by("-changed_at", "-id").first()
    if latest is None or latest.undoes_id is not None:
        return None
    if timezone.localdate(latest.changed_at) != today:
        return None
    return latest


# The start page tells the length of the triage queue up to here, not a million rows: the same
# cap as the list pages' count.
TRIAGE_COUNT_CAP = COUNT_CAP


def words_query(text, prefix=True):
    """A tsquery of every word typed, whole or as the start of a word: ``2nd brig`` →
    ``'2nd':* & 'brig':*``; empty when nothing typed is a word. Each chunk is quoted, so that
    PostgreSQL's own parser splits it as it split the indexed text."""
    chunks = [chunk.replace("\\", "").replace("'", "''") for chunk in text.split()]
    suffix = ":*" if prefix else ""
    return " & ".join(f"'{chunk}'{suffix}" for chunk in chunks if WORD.search(chunk))


WORD = re.compile(r"[^\W_]")


class ViolationDocument(models.Func):
    """The words of a violation's location and narrative: ``violation_document(location,
    narrative)``, the immutable SQL function its GIN index is built on (migration registry 0010)."""

    function = "violation_document"
    output_field = SearchVectorField()


class InstitutionQuerySet(models.QuerySet):
    def with_unit_count(self):
        """``unit_count``: the institution's units."""
        units = apps.get_model("registry", "Unit").objects.filter(institution=models.OuterRef("pk"))
        return self.annotate(unit_count=RowCount(units.values("pk")))


def in_command_on(on, prefix=""):
    """Condition on a command assignment (reached through ``prefix``, e.g. ``"assignments__"``
    from a person or a unit): it runs on ``on``, a date or an expression such as
    ``F("violation__date")``. Started that day or before, and open-ended or ending that day or
    later: who commands on the last day of an assignment still commands (domain.md 3). The raw
    SQL of the record's routes (``ROUTE_SQL``) says the same."""
    return Q(**{f"{prefix}start__lte": on}) & (
        Q(**{f"{prefix}end__isnull": True}) | Q(**{f"{prefix}end__gte": on})
    )


class CommandAssignmentQuerySet(models.QuerySet):
    def current(self, on=None):
        """Who commands now: the assignments running on ``on`` (today by default)."""
        return self.filter(in_command_on(on or timezone.localdate()))

    def not_current(self, on=None):
        """The assignments ended before ``on`` (today by default), or starting after it."""
        return self.exclude(in_command_on(on or timezone.localdate()))


class PersonQuerySet(models.QuerySet):
    def unmerged(self):
        """The people who are a record of their own: not merged into another (issue 15). Lists,
        pickers, exports and search read these; a merged record is reached by its id only."""
        return self.filter(merged_into__isnull=True)

    def with_violation_count(self):
        """``violation_count``: the violations attributed to the person, each counted once."""
        attributions = apps.get_model("registry", "Attribution").objects.filter(
            person=models.OuterRef("pk")
        )
        return self.annotate(
            violation_count=RowCount(attributions.values("violation_id").distinct())
        )


# The fields of a source that anyone who reads the registry may see, on the violation page and in
# the API; the others (``Source.IDENTITY_FIELDS``, the key) are for HROs only (domain.md 7).
NON_IDENTIFYING_SOURCE_FIELDS = ("id", "kind", "reliability", "description", "obtained_on")


def get_violation_for_user(user, pk, queryset=None):
    """The violation, if the user may read it; 404 otherwise, as if it did not exist."""
    if not can_read_registry(user):
        raise Http404
    violations = queryset if queryset is not None else apps.get_model("registry", "Violation")
    return get_object_or_404(violations, pk=pk)


def get_source_for_user(user, pk):
    """The source with its violation and erasure, if the user may read the registry; 404 otherwise.
    Its identity is read only where the user may see it (the caller asks ``can_see_identities``)."""
    if not can_read_registry(user):
        raise Http404
    sources = apps.get_model("registry", "Source").objects.select_related(
        "violation__category", "key", "erasure__requested_by", "erasure__confirmed_by"
    )
    return get_object_or_404(sources, pk=pk)


def _attributions():
    attributions = apps.get_model("registry", "Attribution").objects
    return attributions.select_related("unit", "person").order_by("id")


class ViolationQuerySet(models.QuerySet):
    def listed(self):
        """Violations with what a list row shows, in a constant number of queries."""
        return self.select_related("category", "subtype").prefetch_related(
            models.Prefetch("attributions", queryset=_attributions())
        )

    def for_page(self, user):
        """Everything the violation page shows; sources without identities unless the user is
        an HRO."""
        sources = apps.get_model("registry", "Source").objects.order_by("id")
        if can_see_identities(user):
            # The key decrypts the identity; the erasure says when and why it is gone.
            sources = sources.select_related("key", "erasure")
        else:
            # The violation to attach each source to, and when an identity was erased.
            sources = sources.only(*NON_IDENTIFYING_SOURCE_FIELDS, "violation_id", "erased_at")
        changes = apps.get_model("registry", "VerificationChange").objects
        return self.select_related("category", "subtype", "reported_by").prefetch_related(
            models.Prefetch("attributions", queryset=_attributions()),
            "accountability_actions",
            models.Prefetch("sources", queryset=sources),
            models.Prefetch("verification_changes", queryset=changes.select_related("changed_by")),
        )

    def search(self, text):
        """Violations whose location or narrative has a word beginning with each word typed."""
        if not (query := words_query(text)):
            return self.none() if text.strip() else self
        return self.alias(document=ViolationDocument("location", "narrative")).filter(
            document=SearchQuery(query, search_type="raw", config="simple")
        )

    def countable_grave(self):
        return self.filter(category__is_grave=True, verification_status__in=COUNTABLE_STATUSES)

    def awaiting_triage(self):
        """Alleged violations, waiting for an HRO's verification decision (domain.md 6.4), the
        newest first. Index: registry_violation_triage (read backwards)."""
        return self.filter(verification_status=VerificationStatus.ALLEGED).order_by(
            "-created_at", "-id"
        )

    def grave_waiting(self):
        """Alleged violations of a grave category (domain.md 3.1), waiting for triage. The grave
        categories are a subquery, so the count reads index registry_violation_triage_category
        alone, without joining the categories row by row."""
        grave = apps.get_model("registry", "ViolationCategory").objects.filter(is_grave=True)
        return self.filter(
            verification_status=VerificationStatus.ALLEGED, category__in=grave.values("pk")
        )

    def by_gravity(self):
        """Grave categories first, then the newest first (the triage queue's "gravity" sort)."""
        return self.order_by("-category__is_grave", "-created_at", "-id")

    def recent(self, as_of=None, lookback_days=None):
        as_of = as_of or timezone.localdate()
        if lookback_days is None:
            lookback_days = PolicySettings.get_solo().lookback_days
        return self.filter(date__gt=as_of - datetime.timedelta(days=lookback_days), date__lte=as_of)

    def in_record(self, unit, route, as_of):
        """The violations ``route`` brings into the unit's record as of ``as_of``; for
        "ancestors", those of its ancestors that no counted route brings."""
        unit_pk = _pk(unit)
        found = self.filter(id__in=RawSQL(*route_sql(route, unit_pk, as_of)), date__lte=as_of)
        if route == "ancestors":
            for counted in COUNTED_ROUTES:
                found = found.exclude(id__in=RawSQL(*route_sql(counted, unit_pk, as_of)))
        return found

    def in_whole_record(self, unit, as_of):
        """The record itself: every violation one of the counted routes reaches."""
        unit_pk = _pk(unit)
        reached = Q()
        for route in COUNTED_ROUTES:
            reached |= Q(id__in=RawSQL(*route_sql(route, unit_pk, as_of)))
        return self.filter(reached, date__lte=as_of)


@dataclass(frozen=True)
class CappedCount:
    """A count that stops at ``cap``: exact up to it, "at least cap + 1" beyond."""

    value: int
    cap: int = RECORD_CAP

    @property
    def more(self):
        return self.value > self.cap

    def __int__(self):
        return self.value

    def __bool__(self):
        return self.value > 0

    def __eq__(self, other):
        if isinstance(other, int):
            return self.value == other
        return isinstance(other, CappedCount) and (self.value, self.cap) == (other.value, other.cap)

    def __hash__(self):
        return hash((self.value, self.cap))

    def __str__(self):
        if self.more:
            return f"{formats.number_format(self.cap, force_grouping=True)}+"
        return formats.number_format(self.value, force_grouping=True)


@dataclass
class RoutePage:
    """One page of a route's violations (or of another list: ``page_of``), newest first,
    without counting the whole list."""

    route: str
    number: int
    violations: list
    has_next: bool
    parameter: str
    anchor: str = ""
    data: object = None  # the request's query parameters, to keep the other routes' pages

    def _query(self, number):
        query = QueryDict(mutable=True)
        if isinstance(self.data, QueryDict):
            query = self.data.copy()
        elif self.data:
            query.update(self.data)
        query[self.parameter] = number
        return f"?{query.urlencode()}#{self.anchor}"

    @property
    def first_query(self):
        return self._query(1)

    @property
    def previous_query(self):
        return self._query(self.number - 1)

    @property
    def other_parameters(self):
        """(name, value) of the request's other parameters, which a page-jump form keeps."""
        if isinstance(self.data, QueryDict):
            pairs = self.data.lists()
        else:
            pairs = ((name, [value]) for name, value in (self.data or {}).items())
        return [
            (name, value) for name, values in pairs if name != self.parameter for value in values
        ]

    @property
    def next_query(self):
        return self._query(self.number + 1)

    @property
    def has_previous(self):
        return self.number > 1

    @property
    def previous_number(self):
        return self.number - 1

    @property
    def next_number(self):
        return self.number + 1

    @property
    def rows(self):
        return self.violations


@dataclass
class UnitRecord:
    """The record of a unit as of a date (domain.md 3.2), bounded.

    ``counts``, the flags and the floor come from one query (``records_of``) whose subqueries stop
    at ``RECORD_CAP`` rows, or at the pattern threshold; ``pages`` holds one page of each route
    (``load_pages``). The querysets ``route(name)``, ``violations`` and ``recent_countable_grave``
    are lazy and unbounded: slice them.
    """

    unit: object
    as_of: datetime.date
    lookback_days: int
    pattern_threshold: int
    counts: dict = field(default_factory=dict)  # route -> CappedCount, "record" for all three
    recent_countable_grave_count: CappedCount = CappedCount(0)
    current_commander_has_countable_grave: bool = False
    pages: dict = field(default_factory=dict)  # route -> RoutePage

    @classmethod
    def of(cls, unit, as_of=None):
        return records_of([unit], as_of=as_of)[_pk(unit)]

    # The rules' flags (domain.md 3.2, 4.4).

    @property
    def has_recent_countable_grave(self):
        return bool(self.recent_countable_grave_count)

    @property
    def has_pattern(self):
        return int(self.recent_countable_grave_count) >= self.pattern_threshold

    @property
    def page_size(self):
        return RECORD_PAGE_SIZE

    @property
    def record_count(self):
        return self.counts["record"]

    def is_recent(self, violation):
        return (
            self.as_of - datetime.timedelta(days=self.lookback_days) < violation.date <= self.as_of
        )

    def is_recent_countable_grave(self, violation):
        return violation.is_countable_grave and self.is_recent(violation)

    # The violations, as querysets to page through.

    def route(self, name):
        Violation = apps.get_model("registry", "Violation")
        return (
            Violation.objects.in_record(self.unit, name, self.as_of)
            .select_related("category", "subtype")
            .order_by("-date", "-id")
        )

    @property
    def subtree(self):
        return self.route("subtree")

    @property
    def commanded_at_time(self):
        return self.route("commanded_at_time")

    @property
    def current_commanders(self):
        return self.route("current_commanders")

    @property
    def ancestors(self):
        return self.route("ancestors")

    @property
    def violations(self):
        Violation = apps.get_model("registry", "Violation")
        return (
            Violation.objects.in_whole_record(self.unit, self.as_of)
            .select_related("category", "subtype")
            .order_by("-date", "-id")
        )

    @property
    def recent_countable_grave(self):
        return self.violations.countable_grave().recent(self.as_of, self.lookback_days)

    # What an SSR advisor sees (domain.md 7); ``load_summaries`` fills it for many records at once.

    @cached_property
    def summary(self):
        return summaries_of([self])[_pk(self.unit)]


@dataclass
class RecordSummary:
    """Counts by category and verification status of the newest ``RECORD_CAP`` violations of a
    record: the whole record when it holds no more (``partial`` False)."""

    rows: list
    partial: bool
    newest: datetime.date | None = None
    oldest: datetime.date | None = None
    cap: int = RECORD_CAP

    def __iter__(self):
        return iter(self.rows)

    def __len__(self):
        return len(self.rows)


def _policy():
    return PolicySettings.get_solo()


def _limited(
    route, unit_pk, as_of, limit, extra_where="", extra_params=(), columns="v.id", newest=True
):
    """``limit`` of a route's violations (as of ``as_of``), the newest unless ``newest`` is
    False (a count needs any ``limit``, and the planner may then start from either end)."""
    sql, params = route_sql(route, unit_pk, as_of)
    order = "ORDER BY v.date DESC, v.id DESC" if newest else ""
    query = f"""
        SELECT {columns} FROM registry_violation v
        WHERE v.date <= %s AND v.id IN ({sql}){extra_where}
        {order} LIMIT {int(limit)}"""
    return query, [as_of, *params, *extra_params]


def recent_countable_grave_where(as_of, lookback_days):
    """``(sql, params)``: " AND the violation ``v`` is a recent countable grave one"."""
    sql = """ AND v.date > %s AND v.verification_status = ANY(%s) AND v.category_id IN (
        SELECT id FROM registry_violationcategory WHERE is_grave)"""
    return sql, [as_of - datetime.timedelta(days=lookback_days), list(COUNTABLE_STATUSES)]


def kept_ids_sql(route, unit_pk, as_of, lookback_days, pattern_threshold):
    """``(sql, params)``: the ids of the violations a snapshot of the record keeps for ``route``
    (assessments/snapshots.py): its newest ``RECORD_CAP`` and, on a counted route, every recent
    countable grave one up to the bound of their count (they set the flags). As the record page
    reads them: the ancestors' context leaves out what a counted route holds."""
    where, params = "", []
    if route == "ancestors":
        where, params = _outside_record(unit_pk, as_of)
    parts = [_limited(route, unit_pk, as_of, RECORD_CAP, where, params)]
    if route in COUNTED_ROUTES:
        recent, recent_params = recent_countable_grave_where(as_of, lookback_days)
        limit = max(RECORD_CAP, pattern_threshold) + 1
        parts.append(_limited(route, unit_pk, as_of, limit, recent, recent_params))
    sql = " UNION ".join(f"({part})" for part, _params in parts)
    return sql, [p for _part, part_params in parts for p in part_params]


def in_live_record_sql(unit_pk, as_of):
    """``(sql, params)``: "the violation ``v`` is in the unit's record now" (a counted route
    reaches it, dated on or before ``as_of``), probed for one violation at a time."""
    conditions = " OR ".join(ROUTE_HOLDS_SQL[route] for route in COUNTED_ROUTES)
    params = [p for route in COUNTED_ROUTES for p in route_sql(route, unit_pk, as_of)[1]]
    return f"(v.date <= %s AND ({conditions}))", [as_of, *params]


def _union_count(parts):
    sql = " UNION ".join(f"({part})" for part, _params in parts)
    return f"(SELECT count(*) FROM ({sql}) u)", [p for _part, params in parts for p in params]


def _summary_select(unit_pk, as_of, lookback_days, pattern_threshold):
    """One row of counts and flags for a unit: every subquery stops early (LIMIT), so a root of
    400,000 violations costs about what a leaf of ten does."""
    columns, params = ["%s"], [unit_pk]
    for route in ROUTES:
        sql, route_params = route_sql(route, unit_pk, as_of)
        where = ""
        if route == "ancestors":
            where, outside_params = _outside_record(unit_pk, as_of)
            route_params = [*route_params, *outside_params]
        columns.append(
            f"""(SELECT count(*) FROM (SELECT 1 FROM registry_violation v
                WHERE v.date <= %s AND v.id IN ({sql}){where} LIMIT {RECORD_CAP + 1}) n)"""
        )
        params += [as_of, *route_params]
    # The whole record, each violation once.
    sql, union_params = _union_count(
        [_limited(route, unit_pk, as_of, RECORD_CAP + 1, newest=False) for route in COUNTED_ROUTES]
    )
    columns.append(sql)
    params += union_params
    # Recent countable grave violations, each once: enough of each route to tell a pattern.
    recent, recent_params = recent_countable_grave_where(as_of, lookback_days)
    limit = max(RECORD_CAP, pattern_threshold) + 1
    sql, union_params = _union_count(
        [
            _limited(route, unit_pk, as_of, limit, recent, recent_params, newest=False)
            for route in COUNTED_ROUTES
        ]
    )
    columns.append(sql)
    params += union_params
    # A current commander with a countable grave violation, at any date (up to ``as_of``).
    sql, commander_params = route_sql("current_commanders", unit_pk, as_of)
    columns.append(
        f"""EXISTS (SELECT 1 FROM registry_violation v
            JOIN registry_violationcategory cat ON cat.id = v.category_id
            WHERE cat.is_grave AND v.verification_status = ANY(%s) AND v.date <= %s
                AND v.id IN ({sql}))"""
    )
    params += [list(COUNTABLE_STATUSES), as_of, *commander_params]
    return "SELECT " + ", ".join(columns), params


def records_of(units, as_of=None, policy=None):
    """{unit pk: UnitRecord} with counts and flags, for any number of units in one query (two
    without ``policy``, the policy settings). Each unit's row is planned with its own id, so a
    root and a leaf each get the plan that suits them."""
    units = list(units)
    as_of = as_of or timezone.localdate()
    policy = policy or _policy()
    records = {}
    if not units:
        return records
    selects = [
        _summary_select(_pk(unit), as_of, policy.lookback_days, policy.pattern_threshold)
        for unit in units
    ]
    sql = " UNION ALL ".join(f"({select})" for select, _params in selects)
    with connection.cursor() as cursor:
        _execute(cursor, sql, [p for _select, params in selects for p in params])
        rows = {row[0]: row[1:] for row in cursor.fetchall()}
    for unit in units:
        *route_counts, total, recent_grave, commander_grave = rows[_pk(unit)]
        counts = {
            route: CappedCount(n, RECORD_CAP) for route, n in zip(ROUTES, route_counts, strict=True)
        }
        counts["record"] = CappedCount(total, RECORD_CAP)
        records[_pk(unit)] = UnitRecord(
            unit=unit,
            as_of=as_of,
            lookback_days=policy.lookback_days,
            pattern_threshold=policy.pattern_threshold,
            counts=counts,
            recent_countable_grave_count=CappedCount(recent_grave, RECORD_CAP),
            current_commander_has_countable_grave=commander_grave,
        )
    return records


def page_parameter(route, prefix=""):
    return f"{prefix}{route}_page"


def page_number(data, parameter):
    try:
        return max(1, int(data.get(parameter, 1)))
    except (TypeError, ValueError):
        return 1


def load_pages(records, data=None, prefix=lambda record: ""):
    """Fill ``record.pages`` for each record: one page of each route, the page each route's own
    parameter asks for in ``data`` (``request.GET``), in three queries for any number of
    records: the ids of every page, the violations, their attributions."""
    Attribution = apps.get_model("registry", "Attribution")
    data = data or {}
    records = list(records)
    branches, wanted = [], {}
    for record in records:
        unit_pk = _pk(record.unit)
        for route in ROUTES:
            parameter = page_parameter(route, prefix(record))
            number = page_number(data, parameter)
            wanted[(unit_pk, route)] = (number, parameter)
            sql, params = route_sql(route, unit_pk, record.as_of)
            where = ""
            if route == "ancestors":
                where, outside_params = _outside_record(unit_pk, record.as_of)
                params = [*params, *outside_params]
            offset = (number - 1) * RECORD_PAGE_SIZE
            branches.append(
                (
                    f"""(SELECT %s, %s, v.id FROM registry_violation v
                    WHERE v.date <= %s AND v.id IN ({sql}){where}
                    ORDER BY v.date DESC, v.id DESC
                    LIMIT {RECORD_PAGE_SIZE + 1} OFFSET {offset})""",
                    [unit_pk, route, record.as_of, *params],
                )
            )
    found = {key: [] for key in wanted}
    if branches:
        with connection.cursor() as cursor:
            _execute(
                cursor,
                " UNION ALL ".join(sql for sql, _params in branches),
                [p for _sql, params in branches for p in params],
            )
            for unit_pk, route, violation_pk in cursor.fetchall():
                found[(unit_pk, route)].append(violation_pk)
    # The violations come with their attributions, in one query: every violation a route
    # reaches has at least one attribution (the routes go through them).
    violations = {}
    attributions = Attribution.objects.filter(
        violation_id__in={pk for pks in found.values() for pk in pks}
    ).select_related("violation__category", "violation__subtype", "unit", "person")
    for attribution in attributions.order_by("violation_id", "pk"):
        violation = violations.setdefault(attribution.violation_id, attribution.violation)
        cache = violation.__dict__.setdefault("_prefetched_objects_cache", {})
        cache.setdefault("attributions", []).append(attribution)
    for record in records:
        unit_pk = _pk(record.unit)
        for route in ROUTES:
            number, parameter = wanted[(unit_pk, route)]
            rows = [violations[pk] for pk in found[(unit_pk, route)] if pk in violations]
            for violation in rows:
                violation.is_recent_countable_grave = record.is_recent_countable_grave(violation)
            record.pages[route] = RoutePage(
                route=route,
                number=number,
                violations=rows[:RECORD_PAGE_SIZE],
                has_next=len(rows) > RECORD_PAGE_SIZE,
                parameter=parameter,
                anchor=f"record-{prefix(record)}{route}",
                data=data,
            )
    return records


def page_of(queryset, data, parameter, anchor="", size=RECORD_PAGE_SIZE):
    """The page of ``queryset`` that ``data[parameter]`` asks for, without counting the rest:
    one query, one row more than a page to tell whether an older page exists."""
    number = page_number(data or {}, parameter)
    start = (number - 1) * size
    rows = list(queryset[start : start + size + 1])
    return RoutePage(
        route=parameter,
        number=number,
        violations=rows[:size],
        has_next=len(rows) > size,
        parameter=parameter,
        anchor=anchor,
        data=data,
    )


def load_summaries(records):
    """Fill ``record.summary`` for each record, in one query for all."""
    records = list(records)
    summaries = summaries_of(records)
    for record in records:
        record.__dict__["summary"] = summaries[_pk(record.unit)]
    return records


def summaries_of(records):
    """{unit pk: RecordSummary} for any number of records in one query: counts by category and
    verification status over each record's newest ``RECORD_CAP`` violations (the whole record
    when it is no bigger; ``partial`` says when it is)."""
    ViolationCategory = apps.get_model("registry", "ViolationCategory")
    records = list(records)
    branches = []
    for record in records:
        unit_pk = _pk(record.unit)
        parts = [
            _limited(route, unit_pk, record.as_of, RECORD_CAP + 1, columns="v.id, v.date")
            for route in COUNTED_ROUTES
        ]
        union = " UNION ".join(f"({sql})" for sql, _params in parts)
        branches.append(
            (
                f"""(SELECT %s AS unit_id, n.id, n.date, count(*) OVER () AS reached
                FROM ({union}) n ORDER BY n.date DESC, n.id DESC LIMIT {RECORD_CAP + 1})""",
                [unit_pk, *(p for _sql, params in parts for p in params)],
            )
        )
    summaries = {
        _pk(record.unit): RecordSummary(rows=[], partial=False, cap=RECORD_CAP)
        for record in records
    }
    if not branches:
        return summaries
    sql = f"""
        WITH newest AS ({" UNION ALL ".join(sql for sql, _params in branches)}),
        kept AS (
            SELECT unit_id, id, date, reached,
                row_number() OVER (PARTITION BY unit_id ORDER BY date DESC, id DESC) AS rank
            FROM newest
        )
        SELECT kept.unit_id, cat.code, cat.name, v.verification_status, count(*),
            min(kept.date), max(kept.date), max(kept.reached)
        FROM kept JOIN registry_violation v ON v.id = kept.id
        JOIN registry_violationcategory cat ON cat.id = v.category_id
        WHERE kept.rank <= {RECORD_CAP}
        GROUP BY kept.unit_id, cat.code, cat.name, v.verification_status"""
    with connection.cursor() as cursor:
        _execute(cursor, sql, [p for _sql, params in branches for p in params])
        rows = cursor.fetchall()
    for unit_pk, code, name, status, count, oldest, newest, reached in rows:
        summary = summaries[unit_pk]
        summary.partial = summary.partial or reached > RECORD_CAP
        summary.oldest = min(filter(None, [summary.oldest, oldest]))
        summary.newest = max(filter(None, [summary.newest, newest]))
        summary.rows.append(
            {
                "category": str(ViolationCategory(code=code, name=name)),
                "category_code": code,
                "status": VerificationStatus(status).label,
                "verification_status": status,
                "count": count,
            }
        )
    for summary in summaries.values():
        summary.rows.sort(key=lambda row: (row["category"], row["status"]))
    return summaries


def _pk(unit):
    return getattr(unit, "pk", unit)


def units_whose_record_holds(violation, as_of=None):
    """Ids of the units whose record (domain.md 3.2) holds ``violation``: the attributed units and
    their ancestors; the units its attributed people commanded on its date; the units they
    command now."""
    UnitClosure = apps.get_model("registry", "UnitClosure")
    CommandAssignment = apps.get_model("registry", "CommandAssignment")
    as_of = as_of or timezone.localdate()
    attributions = list(violation.attributions.values_list("unit_id", "person_id"))
    unit_ids = {unit for unit, _person in attributions if unit}
    person_ids = {person for _unit, person in attributions if person}
    holders = set(unit_ids)
    if unit_ids:
        holders |= set(
            UnitClosure.objects.filter(descendant_id__in=unit_ids).values_list(
                "ancestor_id", flat=True
            )
        )
    if person_ids:
        holders |= set(
            CommandAssignment.objects.filter(
                in_command_on(violation.date) | in_command_on(as_of), person_id__in=person_ids
            ).values_list("unit_id", flat=True)
        )
    return holders


# The duplicate queue (issue 15): pairs of people the matcher finds likely the same person.

# People looked at per page of the queue: each costs one search of the name index.
DUPLICATE_PEOPLE_PER_PAGE = 20


@dataclass
class DuplicatePair:
    person: object  # the person of the page the pair was found from
    other: object
    score: float
    level: str
    reasons: list

    @property
    def key(self):
        return tuple(sorted((self.person.pk, self.other.pk)))

    @property
    def reason_texts(self):
        """Why the matcher pairs them, in the reader's language."""
        from . import matching

        return matching.reason_texts(self.reasons)


def duplicate_queue_people():
    """The people the queue looks at, newest first: the records entered last are the likeliest
    to repeat one already there. Paged, never read whole."""
    return apps.get_model("registry", "Person").objects.unmerged().order_by("-pk")


def duplicate_pairs(people, level="likely"):
    """The pairs, for each of ``people`` (a page of ``duplicate_queue_people``), of that person
    and another the matcher finds ``level`` the same (``registry.matching.candidates``), best
    first, less the pairs an HRO said are different people (``DuplicateDismissal``) and each pair
    once. One batch search of the name index for the page, one query for the dismissals."""
    from . import matching

    DuplicateDismissal = apps.get_model("registry", "DuplicateDismissal")
    found = {}
    people = list(people)
    answers = matching.screen_many([matching.Query(person.name) for person in people], limit=6)
    for person, answer in zip(people, answers, strict=True):
        for match in answer:
            if match.person.pk == person.pk or match.level != level:
                continue
            pair = DuplicatePair(person, match.person, match.score, match.level, match.reasons)
            if pair.key not in found:
                found[pair.key] = pair
    if not found:
        return []
    dismissed = Q()
    for first, second in found:
        dismissed |= Q(first_id=first, second_id=second)
    for first, second in DuplicateDismissal.objects.filter(dismissed).values_list(
        "first_id", "second_id"
    ):
        found.pop((first, second), None)
    return sorted(found.values(), key=lambda pair: (-pair.score, pair.key))


def person_merges():
    """Every merge of two people, newest first, with who merged and who undid."""
    return (
        apps.get_model("registry", "PersonMerge")
        .objects.select_related("source", "target", "merged_by", "undone_by")
        .order_by("-merged_at", "-pk")
    )
