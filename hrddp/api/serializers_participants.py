"""Serializers of a support request's participants (issue 15): what is typed about them, and their
screening outcome (read only: the HRO records it through the screening)."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from hrddp.registry.models import Unit
from hrddp.screening.models import Participant
from hrddp.screening.services import EDITABLE_FIELDS


class ParticipantSerializer(serializers.ModelSerializer):
    unit = serializers.PrimaryKeyRelatedField(
        queryset=Unit.objects.all(),
        allow_null=True,
        required=False,
        help_text=_("The unit's id (the unit pickers' search finds it)."),
    )
    outcome = serializers.CharField(
        read_only=True, help_text=_("cleared, excluded, needs_information; empty: not screened.")
    )

    class Meta:
        model = Participant
        fields = [
            "id",
            "request",
            *EDITABLE_FIELDS,
            "outcome",
            "screened_at",
            "created_at",
        ]
        read_only_fields = ["id", "request", "outcome", "screened_at", "created_at"]

    def values(self):
        """The fields given, for the service."""
        return {
            name: value for name, value in self.validated_data.items() if name in EDITABLE_FIELDS
        }
