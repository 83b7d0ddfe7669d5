"""A source's erasure (domain.md 7) as the API shows it: its state, never the source's identity
or contact (the erasure page shows them to HROs only; the API to nobody)."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from hrddp.registry.models import SourceErasure


class ErasureRequestSerializer(serializers.Serializer):
    """What an HRO sends to ask for an erasure: why (the page's ErasureRequestForm)."""

    reason = serializers.CharField(
        max_length=2000,
        help_text=_(
            "Recorded in the history and shown to HROs and managers. Do not name the person."
        ),
    )


class SourceErasureSerializer(serializers.ModelSerializer):
    """The erasure: which source, why, who asked and when, who confirmed and when."""

    violation = serializers.IntegerField(source="source.violation_id", read_only=True)
    requested_by = serializers.CharField(source="requested_by.username", read_only=True)
    confirmed_by = serializers.CharField(
        source="confirmed_by.username", read_only=True, allow_null=True, default=None
    )
    done = serializers.BooleanField(read_only=True)

    class Meta:
        model = SourceErasure
        fields = [
            "source",
            "violation",
            "reason",
            "requested_by",
            "requested_at",
            "confirmed_by",
            "confirmed_at",
            "done",
        ]
        read_only_fields = fields
