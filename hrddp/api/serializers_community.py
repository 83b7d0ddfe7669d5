"""Community perceptions (domain.md 6.1) and the report of an abuse (6.4), saved by
``hrddp.community.services`` (the model's rules and the service's decide)."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from hrddp.community.models import Perception
from hrddp.registry.models import Unit, Violation, ViolationCategory


class PerceptionSerializer(serializers.ModelSerializer):
    """A perception; ``institution`` is filled in from ``unit`` when a unit is named."""

    recorded_by = serializers.CharField(
        source="recorded_by.username", read_only=True, allow_null=True, default=None
    )

    class Meta:
        model = Perception
        fields = ["id", *Perception.RECORDED_FIELDS, "recorded_by", "recorded_at"]
        read_only_fields = ["recorded_at"]


class AbuseReportSerializer(serializers.Serializer):
    """What, when, where, who and which unit (the page's AbuseReportForm). The answer shows only
    what the reporter needs to follow the report (the ``my_reports`` page's columns)."""

    id = serializers.IntegerField(read_only=True)
    narrative = serializers.CharField(
        write_only=True,
        help_text=_(
            "Describe what you saw. Do not write the names of victims or witnesses: a human "
            "rights officer will contact you for them and keep them confidential."
        ),
    )
    date = serializers.DateField()
    date_precision = serializers.CharField(read_only=True)
    location = serializers.CharField(max_length=200)
    perpetrators = serializers.CharField(
        write_only=True,
        required=False,
        allow_blank=True,
        help_text=_("The perpetrators as you saw them: uniforms, insignia, vehicles, numbers."),
    )
    unit = serializers.PrimaryKeyRelatedField(
        queryset=Unit.objects.all(), write_only=True, required=False, allow_null=True
    )
    category = serializers.PrimaryKeyRelatedField(
        queryset=ViolationCategory.objects.all(), write_only=True
    )
    category_name = serializers.CharField(source="category.name", read_only=True)
    verification_status = serializers.ChoiceField(
        choices=Violation._meta.get_field("verification_status").choices, read_only=True
    )
