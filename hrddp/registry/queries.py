"""Named queries of the registry, above all a unit's record (domain.md 3.2).

The unit tree is walked by recursive CTEs in the database: one query whatever the depth.
"""

import datetime
from dataclasses import dataclass, field
from functools import cached_property

from django.apps import apps
from django.db import models
from django.db.models import Q
from django.db.models.expressions import RawSQL
from django.utils import timezone

# UNION (not UNION ALL) so that a cycle, which clean() forbids, could still not loop forever.
SUBTREE_SQL = """
    WITH RECURSIVE subtree(id) AS (
        SELECT id FROM registry_unit WHERE id = %s
        UNION
        SELECT child.id FROM registry_unit child JOIN subtree ON child.parent_id = subtree.id
    )
    SELECT id FROM subtree
"""
ANCESTORS_SQL = """
    WITH RECURSIVE ancestors(id, parent_id) AS (
        SELECT id, parent_id FROM registry_unit WHERE id = %s
        UNION
        SELECT up.id, up.parent_id
        FROM registry_unit up JOIN ancestors ON up.id = ancestors.parent_id
    )
    SELECT id FROM ancestors WHERE id <> %s
"""


def subtree_sql(unit_pk):
    """An expression usable as ``unit_id__in=``: the unit and all its descendants."""
    return RawSQL(SUBTREE_SQL, (unit_pk,))


def ancestors_sql(unit_pk):
    """An expression usable as ``unit_id__in=``: the unit's ancestors, not the unit itself."""
    return RawSQL(ANCESTORS_SQL, (unit_pk, unit_pk))


class UnitQuerySet(models.QuerySet):
    def subtree(self, unit):
        return self.filter(id__in=subtree_sql(_pk(unit)))

    def subtree_ids(self, unit):
        return set(self.subtree(unit).values_list("id", flat=True))

    def ancestors(self, unit):
        """The unit's ancestors, from the root down (one query)."""
        found = {u.pk: u for u in self.filter(id__in=ancestors_sql(unit.pk))}
        chain = []
        parent_id = unit.parent_id
        while parent_id in found:
            chain.append(found.pop(parent_id))
            parent_id = chain[-1].parent_id
        return chain[::-1]

    def record(self, unit, as_of=None):
        return unit_record(unit, as_of=as_of)


# The start page tells the length of the triage queue up to here, not a million rows: the same
# cap as the list pages' count.
TRIAGE_COUNT_CAP = 10_000


def count_up_to(queryset, cap):
    """(rows, more): the queryset's rows counted up to ``cap``, and whether there are more. Reads
    at most cap + 1 rows, however many match."""
    counted = queryset.order_by()[: cap + 1].count()
    return min(counted, cap), counted > cap


class ViolationQuerySet(models.QuerySet):
    def countable_grave(self):
        from .models import COUNTABLE_STATUSES

        return self.filter(category__is_grave=True, verification_status__in=COUNTABLE_STATUSES)

    def awaiting_triage(self):
        """Alleged violations, waiting for an HRO's verification decision (domain.md 6.4), the
        longest waiting first. Index: registry_violation_triage."""
        from .models import VerificationStatus

        return self.filter(verification_status=VerificationStatus.ALLEGED).order_by(
            "created_at", "id"
        )

    def recent(self, as_of=None, lookback_days=None):
        as_of = as_of or timezone.localdate()
        if lookback_days is None:
            lookback_days = apps.get_model("registry", "PolicySettings").get_solo().lookback_days
        return self.filter(date__gt=as_of - datetime.timedelta(days=lookback_days), date__lte=as_of)


@dataclass
class UnitRecord:
    """The record of a unit as of a date, grouped by the three routes of domain.md 3.2.

    ``ancestors`` holds the violations of the unit's ancestors: context only, never counted.
    """

    unit: object
    as_of: datetime.date
    lookback_days: int
    pattern_threshold: int
    subtree: list = field(default_factory=list)
    commanded_at_time: list = field(default_factory=list)
    current_commanders: list = field(default_factory=list)
    ancestors: list = field(default_factory=list)

    @cached_property
    def violations(self):
        """The record itself: every violation reached by one of the three routes, once."""
        seen = {}
        for violation in self.subtree + self.commanded_at_time + self.current_commanders:
            seen.setdefault(violation.pk, violation)
        return sorted(seen.values(), key=lambda v: (v.date, v.pk), reverse=True)

    def is_recent(self, violation):
        return (
            self.as_of - datetime.timedelta(days=self.lookback_days) < violation.date <= self.as_of
        )

    @cached_property
    def recent_countable_grave(self):
        return [v for v in self.violations if v.is_countable_grave and self.is_recent(v)]

    @property
    def has_recent_countable_grave(self):
        return bool(self.recent_countable_grave)

    @property
    def has_pattern(self):
        return len(self.recent_countable_grave) >= self.pattern_threshold

    @property
    def current_commander_has_countable_grave(self):
        """A current commander of the unit has a countable grave violation, at any date."""
        return any(v.is_countable_grave for v in self.current_commanders)

    def summary(self):
        """Counts by category and verification status, for readers who may not see narratives."""
        counts = {}
        for violation in self.violations:
            key = (str(violation.category), violation.get_verification_status_display())
            counts[key] = counts.get(key, 0) + 1
        return [
            {"category": category, "status": status, "count": count}
            for (category, status), count in sorted(counts.items())
        ]


def unit_record(unit, as_of=None):
    """The record of ``unit`` as of ``as_of`` (today by default), in a constant number of queries.

    The database finds the candidates (violations attributed to the unit's tree or to anyone ever
    assigned to it); the routes are then told apart in Python on those few rows, so the cost
    follows the size of the record, not of the violations table.
    """
    Violation = apps.get_model("registry", "Violation")
    CommandAssignment = apps.get_model("registry", "CommandAssignment")
    policy = apps.get_model("registry", "PolicySettings").get_solo()
    as_of = as_of or timezone.localdate()

    Unit = apps.get_model("registry", "Unit")
    subtree = Unit.objects.subtree_ids(unit)
    ancestors = {u.pk for u in Unit.objects.ancestors(unit)}
    assignments = list(
        CommandAssignment.objects.filter(unit_id=unit.pk, start__lte=as_of).values_list(
            "person_id", "start", "end"
        )
    )
    current = {person for person, start, end in assignments if end is None or end >= as_of}
    people = {person for person, _start, _end in assignments}

    violations = (
        Violation.objects.filter(
            Q(attributions__unit_id__in=subtree | ancestors)
            | Q(attributions__person_id__in=people),
            date__lte=as_of,
        )
        .distinct()
        .select_related("category", "subtype")
        .prefetch_related("attributions__unit", "attributions__person")
    )
    record = UnitRecord(
        unit=unit,
        as_of=as_of,
        lookback_days=policy.lookback_days,
        pattern_threshold=policy.pattern_threshold,
    )
    for violation in violations:
        units = {a.unit_id for a in violation.attributions.all() if a.unit_id}
        persons = {a.person_id for a in violation.attributions.all() if a.person_id}
        routes = (
            bool(units & subtree),
            any(
                person in persons
                and start <= violation.date
                and (end is None or end >= violation.date)
                for person, start, end in assignments
            ),
            bool(persons & current),
        )
        if routes[0]:
            record.subtree.append(violation)
        if routes[1]:
            record.commanded_at_time.append(violation)
        if routes[2]:
            record.current_commanders.append(violation)
        if not any(routes) and units & ancestors:
            record.ancestors.append(violation)
    return record


def _pk(unit):
    return getattr(unit, "pk", unit)


def units_whose_record_holds(violation, as_of=None):
    """Ids of the units whose record (domain.md 3.2) holds ``violation``: the attributed units and
    their ancestors; the units its attributed people commanded on its date; the units they
    command now."""
    Unit = apps.get_model("registry", "Unit")
    CommandAssignment = apps.get_model("registry", "CommandAssignment")
    as_of = as_of or timezone.localdate()
    attributions = list(violation.attributions.values_list("unit_id", "person_id"))
    unit_ids = {unit for unit, _person in attributions if unit}
    person_ids = {person for _unit, person in attributions if person}
    holders = set(unit_ids)
    if unit_ids:
        any_ancestor = Q()
        for unit_id in unit_ids:
            any_ancestor |= Q(id__in=ancestors_sql(unit_id))
        holders |= set(Unit.objects.filter(any_ancestor).values_list("id", flat=True))
    if person_ids:
        at_the_time = Q(start__lte=violation.date) & (
            Q(end__isnull=True) | Q(end__gte=violation.date)
        )
        now = Q(start__lte=as_of) & (Q(end__isnull=True) | Q(end__gte=as_of))
        holders |= set(
            CommandAssignment.objects.filter(
                at_the_time | now, person_id__in=person_ids
            ).values_list("unit_id", flat=True)
        )
    return holders
