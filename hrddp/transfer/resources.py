"""What a row of each import file holds, and how it becomes a registry record (django-import-export).

Every row carries ``external_ref``, the record's stable reference (the one of the system it comes
from, or the one this system gave it, which every export writes): importing the same file again
finds the same records (all rows "unchanged"), and an edited row of an export updates its record.
A row with an empty reference is a new record, given a reference when it is written. Foreign keys
are written as the related record's external reference (units, people, institutions) or code
(violation categories and subtypes). Lists (aliases, attributed units and people) are separated by
";".

Validation is the pages' and the API's own: the models' ``full_clean()`` (their ``clean()``
holds the rules: dates after 1900, no assignment starting in the future...), plus who may set a
verification status. Violations are written in bulk; the others row by row, so that a unit may name
as its parent a unit of an earlier row of the same file.
"""

import datetime

from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db.models import CharField, Q, TextField
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from import_export import fields, resources, widgets
from import_export.instance_loaders import BaseInstanceLoader

from hrddp.registry.access import can_set_verification
from hrddp.registry.forms import (
    AssignmentForm,
    InstitutionForm,
    PersonForm,
    UnitForm,
)
from hrddp.registry.forms_violations import ViolationForm
from hrddp.registry.models import (
    Attribution,
    CommandAssignment,
    Institution,
    Person,
    Responsibility,
    Unit,
    VerificationChange,
    VerificationStatus,
    Violation,
    ViolationCategory,
    ViolationSubtype,
)
from hrddp.screening import services as participant_services
from hrddp.screening.models import Participant, ParticipantRole

from .columns import IMPORT_COLUMNS
from .reading import ImportFileError

SEPARATOR = ";"
LOOKUP_CHUNK = 10_000


def chunks(values, size=LOOKUP_CHUNK):
    values = list(values)
    for start in range(0, len(values), size):
        yield values[start : start + size]


def text(value):
    """A cell as text: spreadsheets give numbers for references like 123 (as 123.0)."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def split_list(value):
    return [part.strip() for part in text(value).split(SEPARATOR) if part.strip()]


class TextWidget(widgets.CharWidget):
    def clean(self, value, row=None, **kwargs):
        return text(value)


class ListWidget(widgets.Widget):
    """``a; b; c`` → ["a", "b", "c"]."""

    def clean(self, value, row=None, **kwargs):
        return split_list(value)

    def render(self, value, obj=None, **kwargs):
        return f"{SEPARATOR} ".join(value or [])


class StrictBooleanWidget(widgets.Widget):
    """Unlike import-export's BooleanWidget, an unknown word is an error, not a silent False."""

    TRUE = {"1", "true", "yes", "y", "oui", "x"}
    FALSE = {"", "0", "false", "no", "n", "non"}

    def clean(self, value, row=None, **kwargs):
        if isinstance(value, bool):
            return value
        word = text(value).lower()
        if word in self.TRUE:
            return True
        if word in self.FALSE:
            return False
        raise ValueError(_("Write yes or no (or 1 or 0)."))


class StrictDateWidget(widgets.DateWidget):
    def clean(self, value, row=None, **kwargs):
        if isinstance(value, datetime.datetime):
            return value.date()
        if isinstance(value, datetime.date):
            return value
        if not text(value):
            return None
        try:
            return datetime.date.fromisoformat(text(value))
        except ValueError:
            raise ValueError(_("Write the date as YYYY-MM-DD.")) from None


class RefWidget(widgets.Widget):
    """A related record named by its external reference (or code), looked up in batches.

    ``prime(values)`` loads every record the file names in a few queries before the rows are read;
    ``remember(instance)`` makes a record saved by an earlier row of the same file known.
    """

    def __init__(self, model, lookup="external_ref", label=None):
        super().__init__()
        self.model = model
        self.lookup = lookup
        self.label = label or model._meta.verbose_name
        self.known = {}

    def prime(self, values):
        wanted = {value for value in values if value} - set(self.known)
        for part in chunks(wanted):
            for instance in self.model.objects.filter(**{f"{self.lookup}__in": part}):
                self.known[getattr(instance, self.lookup)] = instance

    def remember(self, instance):
        self.known[getattr(instance, self.lookup)] = instance

    def refs(self, value):
        """The references a cell names."""
        return [text(value)]

    def find(self, ref):
        try:
            return self.known[ref]
        except KeyError:
            raise ValueError(
                _("No %(model)s has the reference “%(ref)s”.") % {"model": self.label, "ref": ref}
            ) from None

    def clean(self, value, row=None, **kwargs):
        ref = text(value)
        return self.find(ref) if ref else None

    def render(self, value, obj=None, **kwargs):
        return getattr(value, self.lookup, "") if value else ""


class RefListWidget(RefWidget):
    """``a; b`` → the sorted references, each checked to exist (attributions)."""

    def refs(self, value):
        return split_list(value)

    def clean(self, value, row=None, **kwargs):
        refs = sorted(set(split_list(value)))
        for ref in refs:
            self.find(ref)
        return refs


class SubtypeWidget(widgets.Widget):
    """A subtype code, read within the row's category."""

    known = None

    def clean(self, value, row=None, **kwargs):
        code = text(value)
        if not code:
            return None
        if self.known is None:
            self.known = {
                (subtype.category.code, subtype.code): subtype
                for subtype in ViolationSubtype.objects.select_related("category")
            }
        category = text((row or {}).get("category"))
        try:
            return self.known[(category, code)]
        except KeyError:
            raise ValueError(
                _("No subtype “%(code)s” in the category “%(category)s”.")
                % {"code": code, "category": category}
            ) from None


class ExternalRefLoader(BaseInstanceLoader):
    """Existing records by external reference, loaded in a few queries for the whole file.

    Rows with an empty reference never match a record: each is a new one, given a reference when
    it is written (``registry.models.ReferenceField``).
    """

    def __init__(self, resource, dataset=None):
        super().__init__(resource, dataset)
        has_refs = "external_ref" in (dataset.headers or [])
        refs = {text(ref) for ref in dataset["external_ref"]} - {""} if has_refs else set()
        self.instances = {}
        queryset = resource.get_queryset()
        for part in chunks(refs):
            for instance in queryset.filter(external_ref__in=part):
                self.instances[instance.external_ref] = instance

    def get_instance(self, row):
        ref = text(row.get("external_ref"))
        return self.instances.get(ref) if ref else None


class RegistryResource(resources.ModelResource):
    """What every kind shares: the external reference, the instance loader, the checks.

    Each kind's columns are its page form's fields, with the external reference first."""

    import_kind = None  # its key in IMPORT_COLUMNS and RESOURCES

    external_ref = fields.Field(attribute="external_ref", column_name="external_ref")

    def __init__(self, user=None, progress=None):
        super().__init__()
        self.user = user
        self.progress = progress
        self.seen_refs = set()
        for field in self.fields.values():
            # A spreadsheet's empty cell is None: a text column reads it as "" (an empty
            # description, not a missing one).
            if field.column_name == "external_ref" or (
                type(field.widget) in (widgets.Widget, widgets.CharWidget)
                and self.is_text(field.attribute)
            ):
                field.widget = TextWidget()

    @classmethod
    def is_text(cls, attribute):
        try:
            model_field = cls._meta.model._meta.get_field(attribute or "")
        except FieldDoesNotExist:
            return False
        return isinstance(model_field, CharField | TextField)

    class Meta:
        import_id_fields = ["external_ref"]
        instance_loader_class = ExternalRefLoader
        skip_unchanged = True
        report_skipped = True
        # "Unchanged" is decided on a snapshot of the row's fields (skip_row), not on a deep copy
        # of each record and a diff: a third of the import's time.
        skip_diff = True
        clean_model_instances = True
        use_transactions = True

    def resolved_relations(self):
        """Model foreign keys filled by a widget that looked the record up."""
        return [
            field.attribute
            for field in self.fields.values()
            if isinstance(field.widget, RefWidget | SubtypeWidget)
            and not isinstance(field.widget, RefListWidget)
        ]

    def before_import(self, dataset, **kwargs):
        headers = set(dataset.headers or [])
        missing = [name for name in self.required_columns() if name not in headers]
        if missing:
            raise ImportFileError(
                gettext_noop("The file lacks these columns: %(columns)s."),
                columns=", ".join(missing),
            )
        # Every record the file names, looked up before the rows are read.
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, RefWidget) and field.column_name in headers:
                widget.prime(
                    ref for value in dataset[field.column_name] for ref in widget.refs(value)
                )

    def required_columns(self):
        """The columns the upload page documents as required."""
        return [name for name, required, _help in IMPORT_COLUMNS[self.import_kind] if required]

    def form_rules(self, instance):
        """Rules beyond the model's clean() (who may set a verification status): {field: message}."""
        return {}

    def before_import_row(self, row, **kwargs):
        ref = text(row.get("external_ref"))
        self.duplicate = bool(ref) and ref in self.seen_refs
        self.seen_refs.add(ref)

    def snapshot(self, instance):
        """The imported fields' values; a relation by its id, so that nothing is fetched."""
        if not hasattr(self, "snapshot_names"):
            relations = {
                field.name: field.attname
                for field in self._meta.model._meta.concrete_fields
                if field.is_relation
            }
            self.snapshot_names = [
                relations.get(field.attribute, field.attribute)
                for field in self.get_import_fields()
                if field.attribute
            ]
        return [getattr(instance, name, None) for name in self.snapshot_names]

    def after_init_instance(self, instance, new, row, **kwargs):
        instance.import_before = None if new else self.snapshot(instance)

    def skip_row(self, instance, original, row, import_validation_errors=None):
        """Unchanged: an existing record whose every imported field still has its value."""
        if self.duplicate or import_validation_errors or instance.import_before is None:
            return False
        return instance.import_before == self.snapshot(instance)

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        errors = dict(import_validation_errors or {})
        # A row without a reference is a new record: it is given one when it is written.
        if self.duplicate:
            errors["external_ref"] = _("This reference appears on an earlier row of the file.")
        for name, message in self.form_rules(instance).items():
            errors.setdefault(name, message)
        # Uniqueness of the external reference is what the instance loader and seen_refs decide,
        # and a related record found by its reference exists: checking either again would cost
        # a query per row. A required relation left empty is still an error.
        resolved = self.resolved_relations()
        for name in resolved:
            model_field = instance._meta.get_field(name)
            if not model_field.null and getattr(instance, model_field.attname) is None:
                errors.setdefault(name, model_field.error_messages["null"])
        exclude = set(errors) | {"external_ref"} | set(resolved)
        try:
            instance.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        if self.validate_uniques_per_row:
            try:
                instance.validate_unique(exclude=exclude)
            except ValidationError as error:
                errors = error.update_error_dict(errors)
        if errors:
            raise ValidationError(errors)

    # Row-by-row kinds check the model's other unique fields (an institution's name); the bulk kind
    # has none.
    validate_uniques_per_row = True

    def after_import_row(self, row, row_result, **kwargs):
        number = kwargs.get("row_number") or 0
        if self.progress and number % 250 == 0:
            self.progress(number)


class InstitutionResource(RegistryResource):
    import_kind = "institutions"

    class Meta(RegistryResource.Meta):
        model = Institution
        fields = ["external_ref", *InstitutionForm.Meta.fields]


class UnitResource(RegistryResource):
    aliases = fields.Field(attribute="aliases", column_name="aliases", widget=ListWidget())
    institution = fields.Field(
        attribute="institution", column_name="institution", widget=RefWidget(Institution)
    )
    parent = fields.Field(attribute="parent", column_name="parent", widget=RefWidget(Unit))
    active_from = fields.Field(
        attribute="active_from", column_name="active_from", widget=StrictDateWidget()
    )
    active_to = fields.Field(
        attribute="active_to", column_name="active_to", widget=StrictDateWidget()
    )

    import_kind = "units"

    class Meta(RegistryResource.Meta):
        model = Unit
        fields = ["external_ref", *UnitForm.Meta.fields]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Fresh caches per import: a widget instance is shared by the class's fields.
        self.fields["institution"].widget = RefWidget(Institution)
        self.fields["parent"].widget = RefWidget(Unit, label=_("unit"))

    def after_save_instance(self, instance, row, **kwargs):
        # A later row of the same file may name this unit as its parent.
        self.fields["parent"].widget.remember(instance)


class PersonResource(RegistryResource):
    aliases = fields.Field(attribute="aliases", column_name="aliases", widget=ListWidget())

    import_kind = "people"

    class Meta(RegistryResource.Meta):
        model = Person
        fields = ["external_ref", *PersonForm.Meta.fields]


class AssignmentResource(RegistryResource):
    person = fields.Field(attribute="person", column_name="person", widget=RefWidget(Person))
    unit = fields.Field(attribute="unit", column_name="unit", widget=RefWidget(Unit))
    start = fields.Field(attribute="start", column_name="start", widget=StrictDateWidget())
    end = fields.Field(attribute="end", column_name="end", widget=StrictDateWidget())

    import_kind = "assignments"

    class Meta(RegistryResource.Meta):
        model = CommandAssignment
        fields = ["external_ref", *AssignmentForm.Meta.fields]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].widget = RefWidget(Person, label=_("person"))
        self.fields["unit"].widget = RefWidget(Unit, label=_("unit"))


class ViolationResource(RegistryResource):
    """Violations, with their attributions: ``units`` and ``people`` hold ';'-separated external
    references and ``responsibility`` applies to all of them. When a file has a ``units`` or
    ``people`` column, the violation's attributions become exactly the file's."""

    date = fields.Field(attribute="date", column_name="date", widget=StrictDateWidget())
    category = fields.Field(
        attribute="category",
        column_name="category",
        widget=RefWidget(ViolationCategory, lookup="code"),
    )
    subtype = fields.Field(attribute="subtype", column_name="subtype", widget=SubtypeWidget())
    victims_count = fields.Field(
        attribute="victims_count", column_name="victims_count", widget=widgets.IntegerWidget()
    )
    children_involved = fields.Field(
        attribute="children_involved",
        column_name="children_involved",
        widget=StrictBooleanWidget(),
    )
    units = fields.Field(attribute="import_units", column_name="units", widget=RefListWidget(Unit))
    people = fields.Field(
        attribute="import_people", column_name="people", widget=RefListWidget(Person)
    )
    responsibility = fields.Field(
        attribute="import_responsibility", column_name="responsibility", widget=TextWidget()
    )

    import_kind = "violations"
    validate_uniques_per_row = False

    class Meta(RegistryResource.Meta):
        model = Violation
        use_bulk = True
        batch_size = 2000
        # The form's fields; the status, which the page sets through its own field, and the
        # attribution columns.
        fields = [
            "external_ref",
            *ViolationForm.Meta.fields,
            "verification_status",
            "units",
            "people",
            "responsibility",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].widget = RefWidget(
            ViolationCategory, lookup="code", label=_("violation category")
        )
        self.fields["subtype"].widget = SubtypeWidget()
        self.fields["units"].widget = RefListWidget(Unit, label=_("unit"))
        self.fields["people"].widget = RefListWidget(Person, label=_("person"))
        self.existing_attributions = {}
        self.changed = []  # (violation, status before or None when new, attributions changed)

    def get_queryset(self):
        return Violation.objects.select_related("category", "subtype")

    def get_bulk_update_fields(self):
        """The file's model columns (not the attribution columns, nor the reference that found
        the row) and the time of the change."""
        if not hasattr(self, "bulk_update_fields"):
            model_fields = {field.name for field in Violation._meta.concrete_fields}
            self.bulk_update_fields = [
                field.attribute
                for field in self.get_import_fields()
                if field.attribute in model_fields and field.attribute != "external_ref"
            ] + ["updated_at"]
        return self.bulk_update_fields

    def before_import(self, dataset, **kwargs):
        super().before_import(dataset, **kwargs)
        self.columns = set(dataset.headers)

    def get_or_init_instance(self, instance_loader, row):
        instance, new = super().get_or_init_instance(instance_loader, row)
        if not hasattr(self, "_attributions_loaded"):
            self._attributions_loaded = True
            self.load_attributions(instance_loader.instances.values())
        return instance, new

    def load_attributions(self, violations):
        """The present attributions of the violations the file names, as the file writes them."""
        ids = [violation.pk for violation in violations]
        found = {}
        for part in chunks(ids):
            rows = Attribution.objects.filter(violation_id__in=part).values_list(
                "violation_id",
                "unit__external_ref",
                "unit_id",
                "person__external_ref",
                "person_id",
                "responsibility",
            )
            for violation_id, unit_ref, unit_id, person_ref, person_id, responsibility in rows:
                units, people, responsibilities = found.setdefault(violation_id, ([], [], set()))
                if unit_id:
                    units.append(unit_ref or f"#{unit_id}")
                if person_id:
                    people.append(person_ref or f"#{person_id}")
                responsibilities.add(responsibility)
        self.existing_attributions = {
            violation_id: (
                sorted(set(units)),
                sorted(set(people)),
                responsibilities.pop() if len(responsibilities) == 1 else "",
            )
            for violation_id, (units, people, responsibilities) in found.items()
        }

    def after_init_instance(self, instance, new, row, **kwargs):
        units, people, responsibility = self.existing_attributions.get(instance.pk, ([], [], ""))
        instance.import_units = units
        instance.import_people = people
        instance.import_responsibility = responsibility
        instance.import_status_before = None if new else instance.verification_status
        super().after_init_instance(instance, new, row, **kwargs)

    def import_instance(self, instance, row, **kwargs):
        super().import_instance(instance, row, **kwargs)
        if (instance.import_units or instance.import_people) and not text(
            row.get("responsibility")
        ):
            instance.import_responsibility = Responsibility.DIRECT
        if not (instance.import_units or instance.import_people):
            instance.import_responsibility = ""

    def form_rules(self, instance):
        errors = {}
        status = instance.verification_status
        before = instance.import_status_before
        start = before or VerificationStatus.ALLEGED
        # Moving a violation to, or away from, credible, verified or discounted is an HRO's call.
        if status != start and not (
            can_set_verification(self.user, status) and can_set_verification(self.user, start)
        ):
            errors["verification_status"] = _(
                "Only a human rights officer sets a violation credible, verified or discounted."
            )
        if instance.import_responsibility and instance.import_responsibility not in (
            Responsibility.values
        ):
            errors["import_responsibility"] = _("“%(value)s” is not a responsibility.") % {
                "value": instance.import_responsibility
            }
        return errors

    def before_save_instance(self, instance, row, **kwargs):
        if instance.pk is None:
            instance.reported_by = self.user
        instance.updated_at = timezone.now()

    def after_save_instance(self, instance, row, **kwargs):
        """Which of the violation's attributions the file replaces: unit attributions when the
        file has a ``units`` column, person attributions when it has a ``people`` column."""
        units, people, responsibility = self.existing_attributions.get(instance.pk, ([], [], ""))
        same_responsibility = instance.import_responsibility == responsibility
        replaced = set()
        if "units" in self.columns and (instance.import_units != units or not same_responsibility):
            replaced.add("unit")
        if "people" in self.columns and (
            instance.import_people != people or not same_responsibility
        ):
            replaced.add("person")
        self.changed.append((instance, instance.import_status_before, replaced))

    def after_import(self, dataset, result, **kwargs):
        """Attributions and verification history, in bulk, once every violation has its id.

        A dry run stops before them: every reference they use was checked on its row, and they are
        half of an import's time (each row written also writes its history row)."""
        if result.has_errors() or result.has_validation_errors() or self._is_dry_run(kwargs):
            return
        known = {
            "unit": self.fields["units"].widget.known,
            "person": self.fields["people"].widget.known,
        }
        now = timezone.now()
        replace = {"unit": [], "person": []}
        attributions, changes = [], []
        for violation, status_before, replaced in self.changed:
            # As the violation form does: a new violation starts alleged, and any other status is a
            # recorded change by the importing user.
            start = status_before or VerificationStatus.ALLEGED
            if violation.verification_status != start:
                changes.append(
                    VerificationChange(
                        violation=violation,
                        from_status=start,
                        to_status=violation.verification_status,
                        note=_("Imported from a file."),
                        changed_by=self.user,
                        changed_at=now,
                    )
                )
            responsibility = violation.import_responsibility or Responsibility.DIRECT
            for kind, refs in (
                ("unit", violation.import_units),
                ("person", violation.import_people),
            ):
                if kind not in replaced:
                    continue
                if status_before is not None:
                    replace[kind].append(violation.pk)
                attributions += [
                    Attribution(
                        violation=violation,
                        responsibility=responsibility,
                        **{kind: known[kind][ref]},
                    )
                    for ref in refs
                ]
        for kind, ids in replace.items():
            for part in chunks(ids):
                Attribution.objects.filter(
                    violation_id__in=part, **{f"{kind}__isnull": False}
                ).delete()
        Attribution.objects.bulk_create(attributions, batch_size=5000)
        VerificationChange.objects.bulk_create(changes, batch_size=5000)
        self.monitored_ids = [
            violation.pk
            for violation, status_before, replaced in self.changed
            if (replaced or violation.verification_status != status_before)
            and violation.is_countable_grave
        ]


class UnitNameOrRefWidget(RefWidget):
    """A unit named by its external reference or, failing that, by its exact name (case aside)
    when no other unit bears it: a participant list comes from the recipient's papers, which name
    units, not the registry's references."""

    def __init__(self):
        super().__init__(Unit, label=_("unit"))
        self.by_name = {}

    def prime(self, values):
        super().prime(values)
        names = {value.casefold() for value in values if value and value not in self.known}
        for part in chunks(names):
            for unit in Unit.objects.filter(name__in=part).order_by("pk"):
                self.by_name.setdefault(unit.name.casefold(), []).append(unit)
            # Names written in another case than the registry's: one query more, only for them.
            missing = set(part) - set(self.by_name)
            if missing:
                lookups = Q()
                for name in missing:
                    lookups |= Q(name__iexact=name)
                for unit in Unit.objects.filter(lookups).order_by("pk"):
                    self.by_name.setdefault(unit.name.casefold(), []).append(unit)

    def find(self, ref):
        if ref in self.known:
            return self.known[ref]
        units = self.by_name.get(ref.casefold(), [])
        if len(units) > 1:
            raise ValueError(
                _("%(count)s units are named “%(name)s”: write the unit's external reference.")
                % {"count": len(units), "name": ref}
            )
        if not units:
            raise ValueError(_("No unit has the reference or the name “%(ref)s”.") % {"ref": ref})
        return units[0]


class ParticipantRoleWidget(widgets.Widget):
    """A role's code (``trainee``...), case aside; empty is a trainee."""

    def clean(self, value, row=None, **kwargs):
        code = text(value).lower()
        if not code:
            return ParticipantRole.TRAINEE
        if code not in ParticipantRole.values:
            raise ValueError(
                _("“%(value)s” is not a role: write one of %(roles)s.")
                % {"value": text(value), "roles": ", ".join(ParticipantRole.values)}
            )
        return code


class ParticipantResource(resources.ModelResource):
    """The participants of one support request (issue 15). Every row is a new participant, save a
    row that repeats a participant the request already lists (same name, date of birth, service
    number and unit): it is "unchanged", so importing a file twice adds nobody twice. A row that
    repeats an earlier row of the file is an error. The request's list must still be open to
    change (``screening.services``): it is checked, under a lock, before the rows are read."""

    name = fields.Field(attribute="name", column_name="name", widget=TextWidget())
    rank = fields.Field(attribute="rank", column_name="rank", widget=TextWidget())
    service_number = fields.Field(
        attribute="service_number", column_name="service_number", widget=TextWidget()
    )
    birth_date = fields.Field(
        attribute="birth_date", column_name="date_of_birth", widget=StrictDateWidget()
    )
    birth_place = fields.Field(
        attribute="birth_place", column_name="place_of_birth", widget=TextWidget()
    )
    unit = fields.Field(attribute="unit", column_name="unit", widget=UnitNameOrRefWidget())
    role = fields.Field(attribute="role", column_name="role", widget=ParticipantRoleWidget())

    import_kind = "participants"
    # The report's "ref" of a row: the participant's name.
    ref_column = "name"

    class Meta:
        model = Participant
        fields = list(participant_services.EDITABLE_FIELDS)
        force_init_instance = True
        skip_unchanged = True
        report_skipped = True
        skip_diff = True
        use_transactions = True
        use_bulk = True
        batch_size = 1000

    def __init__(self, user=None, progress=None, support_request=None):
        super().__init__()
        self.user = user
        self.progress = progress
        self.support_request = support_request
        self.fields["unit"].widget = UnitNameOrRefWidget()
        self.seen = set()

    @staticmethod
    def key(participant):
        return (
            participant.name.casefold(),
            participant.birth_date,
            participant.service_number.casefold(),
            participant.unit_id,
        )

    def before_import(self, dataset, **kwargs):
        if self.support_request is None:
            raise ImportFileError(
                gettext_noop("A list of participants is imported into a request.")
            )
        try:
            participant_services.lock_editable_request(self.support_request)
        except participant_services.ParticipantsFrozen as frozen:
            raise ImportFileError(frozen.msgid, **frozen.params()) from None
        headers = set(dataset.headers or [])
        missing = [
            name
            for name, required, _help in IMPORT_COLUMNS[self.import_kind]
            if required and name not in headers
        ]
        if missing:
            raise ImportFileError(
                gettext_noop("The file lacks these columns: %(columns)s."),
                columns=", ".join(missing),
            )
        if "unit" in headers:
            self.fields["unit"].widget.prime([text(value) for value in dataset["unit"]])
        self.listed = {
            self.key(participant)
            for participant in Participant.objects.filter(request=self.support_request).only(
                "name", "birth_date", "service_number", "unit_id"
            )
        }

    def after_init_instance(self, instance, new, row, **kwargs):
        instance.request = self.support_request
        instance.created_by = self.user

    def skip_row(self, instance, original, row, import_validation_errors=None):
        return not import_validation_errors and self.key(instance) in self.listed

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        errors = dict(import_validation_errors or {})
        key = self.key(instance)
        if key in self.seen:
            errors.setdefault("name", _("This participant appears on an earlier row of the file."))
        self.seen.add(key)
        # The unit was looked up by its widget, the request and the user are the import's own:
        # checking them again would cost a query per row.
        exclude = set(errors) | {"unit", "request", "created_by", "person", "screened_by"}
        try:
            instance.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        if errors:
            raise ValidationError(errors)

    def after_import_row(self, row, row_result, **kwargs):
        number = kwargs.get("row_number") or 0
        if self.progress and number % 250 == 0:
            self.progress(number)


RESOURCES = {
    resource.import_kind: resource
    for resource in (
        InstitutionResource,
        UnitResource,
        PersonResource,
        AssignmentResource,
        ViolationResource,
        ParticipantResource,
    )
}
