"""Named queries of the registry, above all a unit's record (domain.md 3.2).

The unit tree is walked by recursive CTEs in the database: one query whatever the depth.
"""

import datetime
from dataclasses import dataclass, field
from functools import cached_property

from django.apps import apps
from django.db import models
from django.db.models import Exists, OuterRef, Q
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
        SELECT up.id, up.parent_id FROM registry_unit up JOIN ancestors ON up.id = ancestors.parent_id
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


class ViolationQuerySet(models.QuerySet):
    def countable_grave(self):
        from .models import COUNTABLE_STATUSES

        return self.filter(category__is_grave=True, verification_status__in=COUNTABLE_STATUSES)

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
        return self.as_of - datetime.timedelta(days=self.lookback_days) < violation.date <= self.as_of

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
            key = (violation.category.name, violation.get_verification_status_display())
            counts[key] = counts.get(key, 0) + 1
        return [
            {"category": category, "status": status, "count": count}
            for (category, status), count in sorted(counts.items())
        ]


def unit_record(unit, as_of=None):
    """The record of ``unit`` as of ``as_of`` (today by default), in three queries whatever its size."""
    Violation = apps.get_model("registry", "Violation")
    Attribution = apps.get_model("registry", "Attribution")
    CommandAssignment = apps.get_model("registry", "CommandAssignment")
    policy = apps.get_model("registry", "PolicySettings").get_solo()
    as_of = as_of or timezone.localdate()

    on_violation = Attribution.objects.filter(violation=OuterRef("pk"))
    in_subtree = Exists(on_violation.filter(unit_id__in=subtree_sql(unit.pk)))
    # One filter() call, so that unit and dates are tested on the same assignment row.
    commanded_at_time = Exists(
        on_violation.filter(
            Q(person__assignments__end__isnull=True) | Q(person__assignments__end__gte=OuterRef("date")),
            person__assignments__unit_id=unit.pk,
            person__assignments__start__lte=OuterRef("date"),
        )
    )
    current_commander_ids = CommandAssignment.objects.filter(
        Q(end__isnull=True) | Q(end__gte=as_of), unit_id=unit.pk, start__lte=as_of
    ).values("person_id")
    by_current_commander = Exists(on_violation.filter(person_id__in=current_commander_ids))
    in_ancestors = Exists(on_violation.filter(unit_id__in=ancestors_sql(unit.pk)))

    violations = (
        Violation.objects.filter(date__lte=as_of)
        .annotate(
            route_subtree=in_subtree,
            route_commanded=commanded_at_time,
            route_current=by_current_commander,
            route_ancestor=in_ancestors,
        )
        .filter(Q(route_subtree=True) | Q(route_commanded=True) | Q(route_current=True) | Q(route_ancestor=True))
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
        if violation.route_subtree:
            record.subtree.append(violation)
        if violation.route_commanded:
            record.commanded_at_time.append(violation)
        if violation.route_current:
            record.current_commanders.append(violation)
        if violation.route_ancestor and not (
            violation.route_subtree or violation.route_commanded or violation.route_current
        ):
            record.ancestors.append(violation)
    return record


def _pk(unit):
    return getattr(unit, "pk", unit)
