"""Serializers of the registry: institutions, units, people, command assignments, violations.

Writes go through the registry pages' forms (``hrddp.registry.forms``, ``forms_violations``), so
the API refuses exactly what the pages refuse. Sources' identities and contacts, and who reported
a violation, appear only for HROs (``can_see_identities``), as on the violation page.
"""

from django.db import transaction
from django.forms import inlineformset_factory
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from hrddp.accounts.access import can_see_identities
from hrddp.registry.forms import AssignmentForm, InstitutionForm, PersonForm, UnitForm
from hrddp.registry.forms_violations import (
    AccountabilityActionForm,
    AttributionForm,
    SourceForm,
    ViolationForm,
)
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
from hrddp.registry.services import save_violation

from .fields import CodeRelatedField
from .forms import form_data, form_errors, formset_data, formset_errors, validate_form


class FormModelSerializer(serializers.ModelSerializer):
    """A model serializer whose writes are validated and saved by the page's ModelForm."""

    form_class = None

    def form_kwargs(self):
        return {}

    def validate(self, attrs):
        instance = self.instance or self.Meta.model()
        data = form_data(instance, attrs, list(self.form_class._meta.fields))
        self._form = validate_form(self.form_class(data, instance=instance, **self.form_kwargs()))
        return attrs

    def create(self, validated_data):
        return self._form.save()

    def update(self, instance, validated_data):
        return self._form.save()


def no_commas(values):
    # The pages read aliases as one comma-separated text: an alias cannot hold a comma.
    if any("," in value for value in values):
        raise serializers.ValidationError(_("An alias cannot contain a comma."))
    return values


class AliasesField(serializers.ListField):
    def __init__(self, **kwargs):
        super().__init__(
            child=serializers.CharField(max_length=200),
            required=False,
            validators=[no_commas],
            **kwargs,
        )


class InstitutionSerializer(FormModelSerializer):
    form_class = InstitutionForm
    unit_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = Institution
        fields = ["id", "name", "kind", "country", "description", "external_ref", "unit_count"]
        read_only_fields = ["external_ref"]


class UnitSerializer(FormModelSerializer):
    form_class = UnitForm
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
        read_only_fields = ["external_ref"]


class PersonSerializer(FormModelSerializer):
    form_class = PersonForm
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
        ]
        read_only_fields = ["external_ref"]

    @extend_schema_field(serializers.ListField(child=serializers.IntegerField()))
    def get_current_units(self, person):
        """Units the person is in command of today (any current assignment)."""
        return [a.unit_id for a in getattr(person, "current_assignments", [])]


class AssignmentSerializer(FormModelSerializer):
    form_class = AssignmentForm
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
        read_only_fields = ["external_ref"]


# --- violations --------------------------------------------------------------------------------


class AttributionSerializer(serializers.ModelSerializer):
    id = serializers.IntegerField(required=False, allow_null=True)
    unit = serializers.PrimaryKeyRelatedField(
        queryset=Unit.objects.all(), required=False, allow_null=True
    )
    person = serializers.PrimaryKeyRelatedField(
        queryset=Person.objects.all(), required=False, allow_null=True
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


def _formset(model, form):
    # The page's forms, without the page's extra blank rows and shared choice lists.
    return inlineformset_factory(Violation, model, form=form, extra=0, can_delete=True)


# The page's inline forms, by the API's list field name: (prefix, formset, related name). The
# prefixes are the page's, so that save_violation() treats them as the page's formsets.
NESTED = {
    "attributions": ("attributions", _formset(Attribution, AttributionForm), "attributions"),
    "accountability_actions": (
        "actions",
        _formset(AccountabilityAction, AccountabilityActionForm),
        "accountability_actions",
    ),
    "sources": ("sources", _formset(Source, SourceForm), "sources"),
}
VIOLATION_FORM_FIELDS = [*ViolationForm.Meta.fields, "verification_status", "verification_note"]


class ViolationSerializer(serializers.ModelSerializer):
    """A violation with its attributions, accountability actions and sources.

    On a write, a nested list (when given) is the whole new list: an item with ``id`` changes that
    row, one without adds a row, and a row left out is deleted, as the page's formsets do.
    ``verification_status`` changes go through ``services.set_verification_status``.
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
        read_only_fields = ["staff_report", "external_ref", "created_at", "updated_at"]

    def get_fields(self):
        fields = super().get_fields()
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
        category = attrs.get("category") or getattr(violation, "category", None)
        if "subtype" in attrs:
            code = attrs.pop("subtype")
            subtype = None
            if code:
                subtype = ViolationSubtype.objects.filter(category=category, code=code).first()
                if subtype is None:
                    raise serializers.ValidationError(
                        {"subtype": [_("No such subtype in this category.")]}
                    )
            attrs["subtype_obj"] = subtype
        values = {k: v for k, v in attrs.items() if k in VIOLATION_FORM_FIELDS}
        if "subtype_obj" in attrs:
            values["subtype"] = attrs["subtype_obj"]
        current_status = violation.verification_status
        values.setdefault("verification_status", current_status)
        data = form_data(violation, values, VIOLATION_FORM_FIELDS)
        # The status the caller last saw: only a real change goes through the service.
        data["initial-verification_status"] = current_status
        form = ViolationForm(data, instance=violation, user=user)
        formsets = {}
        errors = {}
        for api_name, (key, formset_class, related) in NESTED.items():
            if api_name not in attrs and self.instance is not None:
                continue
            existing = (
                {row.pk: row for row in getattr(violation, related).order_by("pk")}
                if violation.pk
                else {}
            )
            items = [dict(item) for item in attrs.get(api_name, [])]
            field_names = list(formset_class.form._meta.fields)
            model = formset_class.model
            fs_data, unknown = formset_data(key, existing, items, field_names, model)
            if unknown:
                errors[api_name] = [
                    _("Unknown id(s) for this violation: %(ids)s.")
                    % {"ids": ", ".join(map(str, unknown))}
                ]
                continue
            formsets[key] = formset_class(fs_data, instance=violation, prefix=key)
        if not form.is_valid():
            for key, messages in form_errors(form).items():
                errors.setdefault(key, []).extend(messages)
        for api_name, (key, _fields, _related) in NESTED.items():
            if key in formsets and not formsets[key].is_valid():
                for field, value in formset_errors(formsets[key], api_name).items():
                    errors.setdefault(field, []).extend(value)
        if errors:
            raise serializers.ValidationError(errors)
        self._form, self._formsets = form, formsets
        return attrs

    def create(self, validated_data):
        with transaction.atomic():
            save_violation(self._form, self._formsets, self.context["request"].user, True)
        return self._form.instance

    def update(self, instance, validated_data):
        with transaction.atomic():
            save_violation(self._form, self._formsets, self.context["request"].user, False)
        return instance


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
