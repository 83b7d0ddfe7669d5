"""A unit's record (domain.md 3.2) as JSON: counts and flags, then each route a page at a time;
or the summary. Built from the same bounded queries as the record page (registry/queries.py)."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from hrddp.registry.models import VerificationStatus
from hrddp.registry.queries import ROUTES


class RecordAttributionSerializer(serializers.Serializer):
    unit = serializers.IntegerField(allow_null=True)
    person = serializers.IntegerField(allow_null=True)
    responsibility = serializers.CharField()


class RecordViolationSerializer(serializers.Serializer):
    """A violation as the record lists it: no narrative and never sources."""

    id = serializers.IntegerField()
    date = serializers.DateField()
    date_precision = serializers.CharField()
    location = serializers.CharField()
    category = serializers.CharField()
    is_grave = serializers.BooleanField()
    verification_status = serializers.ChoiceField(choices=VerificationStatus.choices)
    is_countable_grave = serializers.BooleanField()
    is_recent_countable_grave = serializers.BooleanField()
    attributions = RecordAttributionSerializer(many=True)


COUNT_HELP = _(
    "Exact up to count_cap; a value above count_cap means more than count_cap (not counted further)."
)


class RecordRoutePageSerializer(serializers.Serializer):
    count = serializers.IntegerField(help_text=COUNT_HELP)
    page = serializers.IntegerField(help_text=_("This page's number (25 violations a page)."))
    next_page = serializers.IntegerField(allow_null=True)
    previous_page = serializers.IntegerField(allow_null=True)
    results = RecordViolationSerializer(many=True, help_text=_("Newest first."))


class RecordRoutesSerializer(serializers.Serializer):
    subtree = RecordRoutePageSerializer()
    commanded_at_time = RecordRoutePageSerializer()
    current_commanders = RecordRoutePageSerializer()
    ancestors = RecordRoutePageSerializer(help_text=_("Context only: never counted."))


class RecordFlagsSerializer(serializers.Serializer):
    recent_countable_grave = serializers.BooleanField()
    recent_countable_grave_count = serializers.IntegerField(help_text=COUNT_HELP)
    pattern = serializers.BooleanField()
    current_commander_has_countable_grave = serializers.BooleanField()


class RecordSummaryRowSerializer(serializers.Serializer):
    category = serializers.CharField()
    verification_status = serializers.ChoiceField(choices=VerificationStatus.choices)
    count = serializers.IntegerField()


class UnitRecordSerializer(serializers.Serializer):
    unit = serializers.IntegerField()
    as_of = serializers.DateField()
    view = serializers.ChoiceField(choices=[("full", "full"), ("summary", "summary")])
    lookback_days = serializers.IntegerField()
    pattern_threshold = serializers.IntegerField()
    count_cap = serializers.IntegerField(help_text=_("Counts stop one above this."))
    record_count = serializers.IntegerField(
        help_text=_("Violations in the record, each once. ") + COUNT_HELP
    )
    flags = RecordFlagsSerializer()
    routes = RecordRoutesSerializer(required=False, help_text=_("Registry readers only."))
    summary = RecordSummaryRowSerializer(
        many=True,
        required=False,
        help_text=_("Counts by category and status (SSR advisors); see summary_partial."),
    )
    summary_partial = serializers.BooleanField(
        required=False,
        help_text=_(
            "True when the record holds more than count_cap violations: the summary then counts "
            "its count_cap most recent ones."
        ),
    )


def _violation(record, violation):
    return {
        "id": violation.pk,
        "date": violation.date,
        "date_precision": violation.date_precision,
        "location": violation.location,
        "category": violation.category.code,
        "is_grave": violation.category.is_grave,
        "verification_status": violation.verification_status,
        "is_countable_grave": violation.is_countable_grave,
        "is_recent_countable_grave": record.is_recent_countable_grave(violation),
        "attributions": [
            {"unit": a.unit_id, "person": a.person_id, "responsibility": a.responsibility}
            for a in violation.attributions.all()
        ],
    }


def _capped(count):
    return min(int(count), count.cap + 1)


def _route_page(record, route):
    page = record.pages[route]
    return {
        "count": _capped(record.counts[route]),
        "page": page.number,
        "next_page": page.next_number if page.has_next else None,
        "previous_page": page.previous_number if page.has_previous else None,
        "results": [_violation(record, v) for v in page.violations],
    }


def record_data(record, view):
    """``view`` is what ``record_view_for`` allows: "full" (the record's pages loaded with
    ``load_pages``) or "summary"."""
    data = {
        "unit": record.unit.pk,
        "as_of": record.as_of,
        "view": view,
        "lookback_days": record.lookback_days,
        "pattern_threshold": record.pattern_threshold,
        "count_cap": record.record_count.cap,
        "record_count": _capped(record.record_count),
        "flags": {
            "recent_countable_grave": record.has_recent_countable_grave,
            "recent_countable_grave_count": _capped(record.recent_countable_grave_count),
            "pattern": record.has_pattern,
            "current_commander_has_countable_grave": record.current_commander_has_countable_grave,
        },
    }
    if view == "full":
        data["routes"] = {route: _route_page(record, route) for route in ROUTES}
    else:
        summary = record.summary
        data["summary"] = [
            {
                "category": row["category_code"],
                "verification_status": row["verification_status"],
                "count": row["count"],
            }
            for row in sorted(summary, key=lambda r: (r["category_code"], r["verification_status"]))
        ]
        data["summary_partial"] = summary.partial
    return data
