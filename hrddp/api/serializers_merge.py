"""Merges of two people (issue 15) as the API shows and takes them."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from hrddp.registry.models import Person, PersonMerge


class MergeRequestSerializer(serializers.Serializer):
    """What an HRO sends to merge the person of the URL into another: the page's MergeForm."""

    # Any person, so that a merged one is refused by the service (409), not as unknown (400).
    into = serializers.PrimaryKeyRelatedField(
        queryset=Person.objects.all(), help_text=_("The id of the record that is kept.")
    )
    reason = serializers.CharField(max_length=2000)


class UndoRequestSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000)


class DismissRequestSerializer(serializers.Serializer):
    """Two people an HRO says are not the same: never proposed as duplicates again."""

    first = serializers.PrimaryKeyRelatedField(queryset=Person.objects.all())
    second = serializers.PrimaryKeyRelatedField(queryset=Person.objects.all())


class PersonMergeSerializer(serializers.ModelSerializer):
    """A merge: the record merged (``source``) and the one kept (``target``), why, what moved
    (``{"rows": {"app.Model.field": [ids]}, "dropped": ..., "aliases": [...], "fields": {...}}``),
    who merged and when, and who undid it, when and why."""

    source_name = serializers.CharField(source="source.name", read_only=True)
    target_name = serializers.CharField(source="target.name", read_only=True)
    merged_by = serializers.SlugRelatedField(slug_field="username", read_only=True)
    undone_by = serializers.SlugRelatedField(slug_field="username", read_only=True)
    moved = serializers.JSONField(read_only=True)

    class Meta:
        model = PersonMerge
        fields = [
            "id",
            "source",
            "source_name",
            "target",
            "target_name",
            "reason",
            "moved",
            "merged_by",
            "merged_at",
            "undone_by",
            "undone_at",
            "undo_reason",
        ]
        read_only_fields = fields


class PairPersonSerializer(serializers.ModelSerializer):
    class Meta:
        model = Person
        fields = ["id", "name", "aliases", "rank", "identifiers", "birth_date"]
        read_only_fields = fields


class DuplicatePairSerializer(serializers.Serializer):
    person = PairPersonSerializer(read_only=True)
    other = PairPersonSerializer(read_only=True)
    score = serializers.FloatField(read_only=True)
    level = serializers.CharField(read_only=True)
    reasons = serializers.JSONField(
        read_only=True, help_text=_("Why the names matched: [[code, {parameters}], ...].")
    )


class DuplicatePageSerializer(serializers.Serializer):
    """A page of the duplicate queue: the pairs found from one page of people (the newest
    first); ``next`` is the following page of people, which may hold no pair."""

    page = serializers.IntegerField()
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = DuplicatePairSerializer(many=True)
