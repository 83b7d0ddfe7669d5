"""Serializers of the registry: institutions, units, people, command assignments, violations.

A serializer checks types; the rules are the models' (``clean()``, unique names and external
references), applied by the registry's services (``save_record``, ``violation_errors`` and
``save_violation``), which the pages call too: the API refuses exactly what the pages refuse, as
400 with field errors. ``external_ref`` is set on creation (so an import file can match the record)
and does not change afterwards, as on the pages. Sources' identities and contacts, and who reported
a violation, appear only for HROs (``can_see_identities``), as on the violation page.
"""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from hrddp.accounts.access import can_see_identities
from hrddp.registry import services
from hrddp.registry.models import (
    AccountabilityAction,
    Attribution,
    CommandAssignment,
    Institution,
    Person,
    Source,
    Unit,
    VerificationStatus,
    Violation,
    ViolationCategory,
    ViolationSubtype,
)
from hrddp.registry.queries import NON_IDENTIFYING_SOURCE_FIELDS

from .exceptions import validation_detail
from .fields import CodeRelatedField

EXTERNAL_REF_HELP = _(
    "The record's reference in the system it comes from, unique per kind of record: set it on "
    "creation so that an import file can match the record. It cannot change afterwards."
)


def keep_external_ref(instance, attrs):
    """``external_ref`` is set on creation only: a different value later is a 400."""
    if instance is not None and "external_ref" in attrs:
        if attrs["external_ref"] != instance.external_ref:
            raise serializers.ValidationError(
                {"external_ref": [_("The external reference cannot change once set.")]}
            )
        del attrs["external_ref"]


def model_checks_external_ref(fields):
    """``external_ref`` documented, and checked for uniqueness by the model (unique per kind among
    non-empty references, said on the field), not by a second, generated validator."""
    if "external_ref" in fields:
        field = fields["external_ref"]
        field.help_text = EXTERNAL_REF_HELP
        field.validators = [v for v in field.validators if not hasattr(v, "queryset")]
    return fields


class RecordSerializer(serializers.ModelSerializer):
    """A registry record saved by ``services.save_record`` (the model's rules decide)."""

    def get_fields(self):
        return model_checks_external_ref(super().get_fields())

    def validate(self, attrs):
        keep_external_ref(self.instance, attrs)
        return attrs

    def save_record(self, record, validated_data):
        for name, value in validated_data.items():
            setattr(record, name, value)
        try:
            return services.save_record(record)
        except DjangoValidationError as error:
            raise serializers.ValidationError(validation_detail(error)) from error

    def create(self, validated_data):
        return self.save_record(self.Meta.model(), validated_data)

    def update(self, instance, validated_data):
        return self.save_record(instance, validated_data)


class AliasesField(serializers.ListField):
    def __init__(self, **kwargs):
        super().__init__(child=serializers.CharField(max_length=200), required=False, **kwargs)


class InstitutionSerializer(RecordSerializer):
    unit_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = Institution
        fields = ["id", "name", "kind", "country", "description", "external_ref", "unit_count"]


class UnitSerializer(RecordSerializer):
    aliases = AliasesField()
    institution_name = serializers.CharField(source="institution.name", read_only=True)
    parent_name = serializers.CharField(source="parent.name", read_only=True, default=None)
    child_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = Unit
        fields = [
            "id",
            "name",
            "aliases",
            "institution",
            "institution_name",
            "parent",
            "parent_name",
            "location",
            "active_from",
            "active_to",
            "external_ref",
            "child_count",
        ]


class PersonSerializer(RecordSerializer):
    aliases = AliasesField()
    violation_count = serializers.IntegerField(read_only=True)
    current_units = serializers.SerializerMethodField()

    class Meta:
        model = Person
        fields = [
            "id",
            "name",
            "aliases",
            "rank",
            "identifiers",
            "external_ref",
            "violation_count",
            "current_units",
            "merged_into",
        ]
        # Set by a merge (issue 15): the record this person was merged into, else null.
        read_only_fields = ["merged_into"]

    @extend_schema_field(serializers.ListField(child=serializers.IntegerField()))
    def get_current_units(self, person):
        """Units the person is in command of today (any current assignment)."""
        return [a.unit_id for a in getattr(person, "current_assignments", [])]


class AssignmentSerializer(RecordSerializer):
    person_name = serializers.CharField(source="person.name", read_only=True)
    unit_name = serializers.CharField(source="unit.name", read_only=True)

    class Meta:
        model = CommandAssignment
        fields = [
            "id",
            "person",
            "person_name",
            "unit",
            "unit_name",
            "role",
            "start",
            "end",
            "external_ref",
        ]


# --- violations --------------------------------------------------------------------------------


class AttributionSerializer(serializers.ModelSerializer):
    id = serializers.IntegerField(required=False, allow_null=True)
    unit = serializers.PrimaryKeyRelatedField(
        queryset=Unit.objects.all(), required=False, allow_null=True
    )
    person = serializers.PrimaryKeyRelatedField(
        queryset=Person.objects.unmerged(), required=False, allow_null=True
    )

    class Meta:
        model = Attribution
        fields = ["id", "unit", "person", "responsibility", "created_at"]
        read_only_fields = ["created_at"]


class AccountabilityActionSerializer(serializers.ModelSerializer):
    id = serializers.IntegerField(required=False, allow_null=True)
    is_remedial = serializers.BooleanField(read_only=True)

    class Meta:
        model = AccountabilityAction
        fields = ["id", "kind", "date", "notes", "is_remedial"]


class SourceSerializer(serializers.ModelSerializer):
    """``identity`` and ``contact`` are for HROs only: absent from anyone else's responses."""

    id = serializers.IntegerField(required=False, allow_null=True)

    class Meta:
        model = Source
        fields = [*NON_IDENTIFYING_SOURCE_FIELDS, *Source.IDENTITY_FIELDS]
        extra_kwargs = {
            name: {"help_text": _("Confidential: present for human rights officers only.")}
            for name in Source.IDENTITY_FIELDS
        }

    def __init__(self, *args, fields_allowed=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields_allowed = fields_allowed

    def get_fields(self):
        fields = super().get_fields()
        if self.fields_allowed is not None:
            fields = {name: f for name, f in fields.items() if name in self.fields_allowed}
        return fields


# The API's nested lists, by the violation's related name: their model, in the services' order.
NESTED = {
    "attributions": Attribution,
    "accountability_actions": AccountabilityAction,
    "sources": Source,
}
assert tuple(NESTED) == services.VIOLATION_ROWS


def nested_rows(violation, api_name, items):
    """(rows to save, rows to delete, unknown ids) making ``violation``'s ``api_name`` rows what
    ``items`` lists: an item with ``id`` changes that row, one without adds a row, and an existing
    row not listed is deleted."""
    model = NESTED[api_name]
    existing = (
        {row.pk: row for row in getattr(violation, api_name).order_by("pk")} if violation.pk else {}
    )
    to_save, listed, unknown = [], set(), []
    for item in items:
        item = dict(item)
        pk = item.pop("id", None)
        if pk is None:
            row = model()
        elif pk in existing:
            row = existing[pk]
            listed.add(pk)
        else:
            unknown.append(pk)
            continue
        for name, value in item.items():
            setattr(row, name, value)
        to_save.append(row)
    to_delete = [row for pk, row in existing.items() if pk not in listed]
    return to_save, to_delete, sorted(unknown)


class ViolationSerializer(serializers.ModelSerializer):
    """A violation with its attributions, accountability actions and sources.

    On a write, a nested list (when given) is the whole new list: an item with ``id`` changes that
    row, one without adds a row, and a row left out is deleted, as the page's formsets do.
    ``verification_status`` changes go through ``services.set_verification_status``; the rules
    are the models' and the registry services' (``violation_errors``), as on the page.
    """

    category = CodeRelatedField(slug_field="code", queryset=ViolationCategory.objects.all())
    subtype = serializers.CharField(
        required=False,
        allow_blank=True,
        allow_null=True,
        max_length=64,
        help_text=_("The subtype's code, within the category."),
    )
    is_grave = serializers.BooleanField(source="category.is_grave", read_only=True)
    is_countable_grave = serializers.BooleanField(read_only=True)
    verification_status = serializers.ChoiceField(
        choices=VerificationStatus.choices, required=False
    )
    verification_note = serializers.CharField(
        write_only=True, required=False, allow_blank=True, max_length=10000
    )
    attributions = AttributionSerializer(many=True, required=False)
    accountability_actions = AccountabilityActionSerializer(many=True, required=False)
    sources = SourceSerializer(many=True, required=False)
    reported_by = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = Violation
        fields = [
            "id",
            "date",
            "date_precision",
            "location",
            "narrative",
            "perpetrators_described",
            "category",
            "is_grave",
            "is_countable_grave",
            "subtype",
            "victims_count",
            "children_involved",
            "verification_status",
            "verification_note",
            "source_reliability",
            "scale",
            "staff_report",
            "reported_by",
            "attributions",
            "accountability_actions",
            "sources",
            "external_ref",
            "created_at",
            "updated_at",
        ]
        # The perpetrators in a staff reporter's words, written only by "report an abuse".
        read_only_fields = ["staff_report", "perpetrators_described", "created_at", "updated_at"]

    def get_fields(self):
        fields = model_checks_external_ref(super().get_fields())
        view = self.context.get("view")
        request = self.context.get("request")
        # The schema documents every field (identities are marked HRO-only in their help text);
        # a response to anyone but an HRO never reads them, so they are not even loaded.
        if getattr(view, "swagger_fake_view", False) or request is None:
            return fields
        if not can_see_identities(request.user):
            fields.pop("reported_by")
            fields["sources"] = SourceSerializer(
                many=True, required=False, fields_allowed=NON_IDENTIFYING_SOURCE_FIELDS
            )
        return fields

    def to_representation(self, violation):
        data = super().to_representation(violation)
        data["subtype"] = violation.subtype.code if violation.subtype_id else None
        if not can_see_identities(self.context["request"].user):
            # Absent, not empty: a non-HRO never learns whether an identity is recorded.
            data.pop("reported_by", None)
            for source in data.get("sources", []):
                for name in Source.IDENTITY_FIELDS:
                    source.pop(name, None)
        return data

    def validate(self, attrs):
        user = self.context["request"].user
        violation = self.instance or Violation()
        attrs = dict(attrs)
        keep_external_ref(self.instance, attrs)
        errors = {}
        category = attrs.get("category") or getattr(violation, "category", None)
        if "subtype" in attrs:
            code = attrs.pop("subtype")
            attrs["subtype"] = None
            if code:
                attrs["subtype"] = ViolationSubtype.objects.filter(
                    category=category, code=code
                ).first()
                if attrs["subtype"] is None:
                    errors["subtype"] = [_("No such subtype in this category.")]
        for name in (*services.VIOLATION_FIELDS, "external_ref"):
            if name in attrs:
                setattr(violation, name, attrs[name])
        # Only a real change of the status the record has goes through the service (on creation:
        # any status asked for, from "alleged").
        status = attrs.get("verification_status")
        if (
            status is not None
            and self.instance is not None
            and status == violation.verification_status
        ):
            status = None
        rows = {}
        for api_name in NESTED:
            if api_name not in attrs and self.instance is not None:
                continue
            to_save, to_delete, unknown = nested_rows(violation, api_name, attrs.get(api_name, []))
            if unknown:
                errors[api_name] = [
                    _("Unknown id(s) for this violation: %(ids)s.")
                    % {"ids": ", ".join(map(str, unknown))}
                ]
            rows[api_name] = (to_save, to_delete)
        for key, value in services.violation_errors(violation, user, rows, status).items():
            errors.setdefault(key, value)
        if errors:
            raise serializers.ValidationError(errors)
        self._write = {
            "violation": violation,
            "rows": rows,
            "verification_status": status,
            "note": attrs.get("verification_note", ""),
        }
        return attrs

    def save_violation(self):
        write = self._write
        return services.save_violation(
            write["violation"],
            self.context["request"].user,
            rows=write["rows"],
            verification_status=write["verification_status"],
            note=write["note"],
        )

    def create(self, validated_data):
        return self.save_violation()

    def update(self, instance, validated_data):
        return self.save_violation()


# What the list page does not load: who reported it and the nested records (and the write-only
# note). A list row is otherwise the detail.
VIOLATION_DETAIL_ONLY = ("verification_note", "reported_by", "accountability_actions", "sources")


class ViolationListSerializer(serializers.ModelSerializer):
    category = serializers.SlugRelatedField(slug_field="code", read_only=True)
    is_grave = serializers.BooleanField(source="category.is_grave", read_only=True)
    is_countable_grave = serializers.BooleanField(read_only=True)
    subtype = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)
    attributions = AttributionSerializer(many=True, read_only=True)

    class Meta:
        model = Violation
        fields = [
            name for name in ViolationSerializer.Meta.fields if name not in VIOLATION_DETAIL_ONLY
        ]
        read_only_fields = fields
