"""API: screening a request's participants (issue 15): what the screening page shows."""

from rest_framework import serializers

from hrddp.registry.matching import reason_text
from hrddp.screening.models import Candidate, Decision, Outcome, Participant, ScreeningRun


class ScreeningRunSerializer(serializers.ModelSerializer):
    class Meta:
        model = ScreeningRun
        fields = [
            "id",
            "status",
            "total_rows",
            "processed_rows",
            "created_at",
            "heartbeat_at",
            "finished_at",
        ]
        read_only_fields = fields


class ScreeningCountsSerializer(serializers.Serializer):
    total = serializers.IntegerField()
    not_searched = serializers.IntegerField()
    pending = serializers.IntegerField(help_text="Participants with candidates to decide.")
    unscreened = serializers.IntegerField(
        help_text="Rule D8: no outcome, or more information needed."
    )
    cleared = serializers.IntegerField()
    excluded = serializers.IntegerField()
    needs_information = serializers.IntegerField()
    matched = serializers.IntegerField()


class ScreeningStatusSerializer(serializers.Serializer):
    counts = ScreeningCountsSerializer()
    run = ScreeningRunSerializer(allow_null=True, help_text="The latest background run, if any.")


class ReasonSerializer(serializers.Serializer):
    code = serializers.CharField()
    params = serializers.DictField()
    text = serializers.CharField(help_text="The reason in the caller's language.")

    def to_representation(self, instance):
        code, params = instance
        return {"code": code, "params": params, "text": str(reason_text(code, params))}


class RecordItemSerializer(serializers.Serializer):
    violation = serializers.IntegerField(source="violation_id")
    category = serializers.CharField(source="violation.category.name")
    date = serializers.DateField(source="violation.date")
    responsibility = serializers.CharField(help_text="The route it counts by.")


class CandidateSerializer(serializers.ModelSerializer):
    person_name = serializers.CharField(source="person.name", read_only=True)
    person_aliases = serializers.ListField(
        source="person.aliases", child=serializers.CharField(), read_only=True
    )
    reasons = ReasonSerializer(many=True, read_only=True)
    record = RecordItemSerializer(
        many=True,
        read_only=True,
        help_text="The person's countable grave violations, with the route each counts by.",
    )

    class Meta:
        model = Candidate
        fields = [
            "id",
            "participant",
            "person",
            "person_name",
            "person_aliases",
            "score",
            "reasons",
            "decision",
            "decided_by",
            "decided_at",
            "record",
        ]
        read_only_fields = fields


class CandidateDecisionSerializer(serializers.ModelSerializer):
    """A decision on one candidate, as ``decide`` records it."""

    class Meta:
        model = Candidate
        fields = ["id", "participant", "person", "score", "decision", "decided_by", "decided_at"]
        read_only_fields = fields


class DecisionRequestSerializer(serializers.Serializer):
    decision = serializers.ChoiceField(choices=Decision.choices)


class OutcomeRequestSerializer(serializers.Serializer):
    outcome = serializers.ChoiceField(choices=Outcome.choices)
    reason = serializers.CharField(
        required=False, allow_blank=True, default="", help_text="Required to exclude."
    )


class ParticipantOutcomeSerializer(serializers.ModelSerializer):
    class Meta:
        model = Participant
        fields = [
            "id",
            "request",
            "name",
            "rank",
            "person",
            "matched_at",
            "outcome",
            "outcome_reason",
            "screened_by",
            "screened_at",
        ]
        read_only_fields = fields


class ClearedSerializer(serializers.Serializer):
    cleared = serializers.IntegerField(help_text="How many participants were cleared.")
