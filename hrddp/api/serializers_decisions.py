"""Serializers of decisions (the request page's decisions table and the waiver report) and of
the workflow operations the pages offer besides the request's own actions: a delivery, a new
assessment version, an intervention action's result."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from assessments.models import Decision
from hrddp.support.models import Delivery

from .serializers_assessments import InterventionDetailSerializer


class ExcludedParticipantSerializer(serializers.Serializer):
    """A participant excluded by screening, as the decision froze them (rule D8)."""

    id = serializers.IntegerField()
    name = serializers.CharField()
    rank = serializers.CharField(allow_blank=True)
    reason = serializers.CharField()


class DecisionSerializer(serializers.ModelSerializer):
    """A decision as the request page's decisions table and the waiver report show it."""

    request_title = serializers.CharField(source="request.title", read_only=True)
    entity = serializers.SlugRelatedField(
        source="request.entity", slug_field="code", read_only=True
    )
    assessment_version = serializers.IntegerField(source="assessment.version", read_only=True)
    decided_by = serializers.SlugRelatedField(slug_field="username", read_only=True)
    is_waiver = serializers.BooleanField(read_only=True)
    excluded_participants = ExcludedParticipantSerializer(
        many=True,
        read_only=True,
        help_text="Rule D8: the participants excluded by screening, listed in the policy "
        "letter's annex; they receive nothing.",
    )

    class Meta:
        model = Decision
        fields = [
            "id",
            "request",
            "request_title",
            "entity",
            "assessment",
            "assessment_version",
            "kind",
            "reason",
            "conditions",
            "waiver_reason",
            "is_waiver",
            "inherent_level",
            "residual_level",
            "decided_by",
            "decided_at",
            "excluded_participants",
        ]
        read_only_fields = fields


class DeliverySerializer(serializers.ModelSerializer):
    """Support delivered, on the request's delivery log (recorded only while it is active). The
    serializer checks types; ``Delivery.clean()`` (run by ``services.record_delivery``, as for the
    page) refuses a date before 1900 or a negative value, 400 on the field."""

    recorded_by = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = Delivery
        fields = ["id", "request", "date", "description", "value", "recorded_by", "recorded_at"]
        read_only_fields = ["id", "request", "recorded_by", "recorded_at"]


class RuleRefusalSerializer(serializers.Serializer):
    """A refusal naming the rule (409)."""

    rule = serializers.CharField(
        help_text=_("The rule that refused: 'state', 'delivery_while_active'...")
    )
    detail = serializers.CharField()


class InterventionActionResultSerializer(InterventionDetailSerializer):
    """The intervention after the action, and which support requests it suspended."""

    suspended_requests = serializers.SerializerMethodField(
        help_text=_(
            "The ids of the support requests the action suspended (only a 'suspend' does): the "
            "monitored requests of the manager's entities that benefit the unit concerned."
        )
    )

    class Meta(InterventionDetailSerializer.Meta):
        fields = [*InterventionDetailSerializer.Meta.fields, "suspended_requests"]
        read_only_fields = fields

    def get_suspended_requests(self, intervention) -> list[int]:
        return list(self.context.get("suspended_requests", ()))
