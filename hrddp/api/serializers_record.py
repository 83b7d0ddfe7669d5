"""A unit's record (domain.md 3.2) as JSON: the routes with their violations, or the summary."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from hrddp.registry.models import VerificationStatus


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


class RecordRoutesSerializer(serializers.Serializer):
    subtree = RecordViolationSerializer(many=True)
    commanded_at_time = RecordViolationSerializer(many=True)
    current_commanders = RecordViolationSerializer(many=True)
    ancestors = RecordViolationSerializer(many=True, help_text=_("Context only: never counted."))


class RecordFlagsSerializer(serializers.Serializer):
    recent_countable_grave = serializers.BooleanField()
    recent_countable_grave_count = serializers.IntegerField()
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
    flags = RecordFlagsSerializer()
    routes = RecordRoutesSerializer(required=False, help_text=_("Registry readers only."))
    summary = RecordSummaryRowSerializer(
        many=True, required=False, help_text=_("Counts by category and status (SSR advisors).")
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
        "is_recent_countable_grave": violation in record.recent_countable_grave,
        "attributions": [
            {"unit": a.unit_id, "person": a.person_id, "responsibility": a.responsibility}
            for a in violation.attributions.all()
        ],
    }


def record_data(record, view):
    """``view`` is what ``record_view_for`` allows: "full" or "summary"."""
    data = {
        "unit": record.unit.pk,
        "as_of": record.as_of,
        "view": view,
        "lookback_days": record.lookback_days,
        "pattern_threshold": record.pattern_threshold,
        "flags": {
            "recent_countable_grave": record.has_recent_countable_grave,
            "recent_countable_grave_count": len(record.recent_countable_grave),
            "pattern": record.has_pattern,
            "current_commander_has_countable_grave": record.current_commander_has_countable_grave,
        },
    }
    if view == "full":
        data["routes"] = {
            route: [_violation(record, v) for v in getattr(record, route)]
            for route in ("subtree", "commanded_at_time", "current_commanders", "ancestors")
        }
    else:
        counts = {}
        for violation in record.violations:
            key = (violation.category.code, violation.verification_status)
            counts[key] = counts.get(key, 0) + 1
        data["summary"] = [
            {"category": category, "verification_status": status, "count": count}
            for (category, status), count in sorted(counts.items())
        ]
    return data
