"""The triage queue's operations in the API (issue 16): the consequences of a verification before
it is made, undoing the day's change, and bulk decisions."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from hrddp.registry.forms_violations import BulkVerificationForm
from hrddp.registry.models import VerificationStatus


class VerificationPreviewQuerySerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=VerificationStatus.choices)


class TriggeredRequestSerializer(serializers.Serializer):
    """A request the change reaches; its title only for the caller's own entities (domain.md 7)."""

    id = serializers.IntegerField(allow_null=True)
    title = serializers.CharField(allow_null=True)
    status = serializers.CharField()
    unit = serializers.CharField(help_text=_("The unit the intervention opens on."))
    goes_under_review = serializers.BooleanField()


class VerificationPreviewSerializer(serializers.Serializer):
    status = serializers.CharField()
    becomes_countable = serializers.BooleanField(
        help_text=_("The change makes it a countable grave violation (domain.md 3.1).")
    )
    requests_to_review = serializers.IntegerField(
        help_text=_("Active support requests the change puts under review.")
    )
    interventions_to_open = serializers.IntegerField()
    intervention_units = serializers.ListField(child=serializers.CharField())
    requests = TriggeredRequestSerializer(many=True)


class UndoVerificationSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000)


class BulkVerificationSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=BulkVerificationForm.STATUSES)
    ids = serializers.ListField(
        child=serializers.IntegerField(min_value=1), min_length=1, max_length=100
    )
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class BulkVerificationResultSerializer(serializers.Serializer):
    changed = serializers.ListField(child=serializers.IntegerField())
    refused = serializers.ListField(
        child=serializers.IntegerField(),
        help_text=_("Grave cases the change would make countable: each needs its confirmation."),
    )
