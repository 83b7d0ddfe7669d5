"""The registry (domain.md section 3): institutions, units, people, command assignments, violations."""

import datetime
import secrets

import pgtrigger
from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from hrddp.audit import track
from hrddp.validators import dates_not_too_early, no_commas, single_line, unique_external_ref

from .choices import COUNTABLE_STATUSES, VerificationStatus
from .identities import SealedCharField
from .queries import (
    CommandAssignmentQuerySet,
    InstitutionQuerySet,
    PersonQuerySet,
    UnitQuerySet,
    ViolationQuerySet,
)

# Letters and digits that cannot be misread for one another (Crockford's base 32).
REFERENCE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
REFERENCE_LENGTH = 10  # 50 bits: no two records of a kind will draw the same one


def new_reference(prefix):
    """A fresh stable reference: ``UNIT-7K3M9QX2TD``."""
    code = "".join(secrets.choice(REFERENCE_ALPHABET) for _index in range(REFERENCE_LENGTH))
    return f"{prefix}-{code}"


class ReferenceField(models.CharField):
    """A record's stable reference (issue 16): the one given (by an import file, the API),
    otherwise one made when the record is written, on every path that writes it (``save()``,
    ``bulk_create``, ``COPY`` through ``pre_save``): export → edit → import finds the same record."""

    def pre_save(self, model_instance, add):
        value = getattr(model_instance, self.attname)
        if not value:
            value = new_reference(model_instance.reference_prefix)
            setattr(model_instance, self.attname, value)
        return value


class ExternalReference(models.Model):
    """Every record carries a stable reference, unique per kind (issue 5, issue 16): the one of
    the system a row was imported from, or one made by this system. Importing a file again, or an
    export edited, finds the record instead of creating a second one."""

    # The first part of the references this system makes for the kind (``new_reference``).
    reference_prefix = "REF"

    external_ref = ReferenceField(
        _("reference"),
        max_length=100,
        blank=True,
        default="",
        help_text=_(
            "The record's stable reference: the one of the file or system it was imported from, "
            "or one this system made. An import finds the record by it."
        ),
        validators=[single_line],
    )

    class Meta:
        abstract = True
        constraints = [
            models.UniqueConstraint(
                fields=["external_ref"],
                condition=~Q(external_ref=""),
                name="%(app_label)s_%(class)s_external_ref_unique",
            )
        ]

    def validate_unique(self, exclude=None):
        """A reference is unique per kind of record, said on ``external_ref`` (the constraint's
        own message names no field). An import, which matches rows by their reference, excludes
        it."""
        errors = {}
        try:
            super().validate_unique(exclude=exclude)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        if "external_ref" not in (exclude or ()):
            for field, error in unique_external_ref(self).items():
                errors.setdefault(field, []).append(error)
        if errors:
            raise ValidationError(errors)


class InstitutionKind(models.TextChoices):
    ARMY = "army", _("Army")
    POLICE = "police", _("Police")
    GENDARMERIE = "gendarmerie", _("Gendarmerie")
    INTELLIGENCE = "intelligence", _("Intelligence")
    BORDER = "border", _("Border guards")
    PRISONS = "prisons", _("Prisons")
    MINISTRY = "ministry", _("Ministry")
    REGIONAL_FORCE = "regional_force", _("Regional force")
    OTHER = "other", _("Other")


@track()
class Institution(ExternalReference):
    reference_prefix = "INS"

    name = models.CharField(_("name"), max_length=200, unique=True, validators=[single_line])
    kind = models.CharField(
        _("kind"), max_length=20, choices=InstitutionKind.choices, db_index=True
    )
    country = models.CharField(
        _("country or regional organisation"),
        max_length=120,
        blank=True,
        validators=[single_line],
    )
    description = models.TextField(_("description"), blank=True)

    objects = InstitutionQuerySet.as_manager()

    class Meta(ExternalReference.Meta):
        ordering = ["name"]
        verbose_name = _("security institution")
        verbose_name_plural = _("security institutions")

    def __str__(self):
        return self.name


# Latin letters with accents, as the French and other Latin-script names of the registry use them,
# and the letters they sort with (PostgreSQL's ``unaccent`` is an extension; none is needed here).
ACCENTED = "àáâãäåçèéêëìíîïñòóôõöùúûüýÿœæ"
UNACCENTED = "aaaaaaceeeeiiiinooooouuuuyyoa"


def natural_sort_key(field):
    """``field`` as a key that sorts names as people read them: numbers by their value ("1st",
    "2nd", "10th"), case and accents aside. Each run of digits is padded to ten digits
    (``1st`` -> ``0000000001st``); the key is lower case, with accented Latin letters folded.

    Computed by PostgreSQL (a stored generated column), so every writer (pages, imports, bulk
    inserts, raw SQL) keeps it. Why not an ICU collation (``und-u-kn``): the embedded server has
    ICU, but the Debian PostgreSQL the tests run on is built without it."""
    padded = models.Func(
        models.Func(
            models.F(field),
            models.Value(r"(\d+)"),
            models.Value(r"0000000000\1"),
            models.Value("g"),
            function="regexp_replace",
        ),
        models.Value(r"0*(\d{10})"),
        models.Value(r"\1"),
        models.Value("g"),
        function="regexp_replace",
    )
    return models.Func(
        Lower(padded),
        models.Value(ACCENTED),
        models.Value(UNACCENTED),
        function="translate",
        output_field=models.TextField(),
    )


@track(exclude=["sort_name"])
class Unit(ExternalReference):
    """A unit in a tree of any depth. Subtree and ancestors come from ``UnitClosure`` (queries.py)."""

    reference_prefix = "UNIT"

    name = models.CharField(_("name"), max_length=200, validators=[single_line])
    aliases = ArrayField(
        models.CharField(max_length=200, validators=[single_line]),
        verbose_name=_("aliases"),
        default=list,
        blank=True,
    )
    institution = models.ForeignKey(
        Institution, on_delete=models.PROTECT, related_name="units", verbose_name=_("institution")
    )
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("parent unit"),
    )
    location = models.CharField(_("location"), max_length=200, blank=True, validators=[single_line])
    active_from = models.DateField(_("active from"), null=True, blank=True)
    active_to = models.DateField(_("active to"), null=True, blank=True)
    # "1st Brigade" before "10th Brigade": unit lists sort on this (issue 16).
    sort_name = models.GeneratedField(
        expression=natural_sort_key("name"), output_field=models.TextField(), db_persist=True
    )

    objects = UnitQuerySet.as_manager()

    class Meta(ExternalReference.Meta):
        ordering = ["sort_name", "pk"]
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        indexes = [
            models.Index(fields=["name"]),
            models.Index(fields=["sort_name", "id"]),
            GinIndex(fields=["aliases"]),
        ]
        constraints = [
            *ExternalReference.Meta.constraints,
            models.CheckConstraint(
                condition=Q(active_to__isnull=True)
                | Q(active_from__isnull=True)
                | Q(active_to__gte=models.F("active_from")),
                name="unit_active_dates_ordered",
            ),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        errors = dates_not_too_early(self, "active_from", "active_to")
        if self.active_from and self.active_to and self.active_to < self.active_from:
            errors.setdefault("active_to", _("A unit cannot stop being active before it starts."))
        if self.parent_id and self.pk:
            if self.parent_id in Unit.objects.subtree_ids(self.pk):
                errors["parent"] = _(
                    "A unit cannot be placed under itself or one of its own sub-units."
                )
        try:
            no_commas(self.aliases)
        except ValidationError as error:
            errors["aliases"] = error
        if errors:
            raise ValidationError(errors)


class UnitClosure(models.Model):
    """The unit tree as pairs: one row per unit and each of its ancestors, and one (depth 0) for
    the unit itself. Derived from ``Unit.parent`` and kept by the database triggers on ``UnitTree``
    (so bulk inserts, imports and raw SQL keep it too); the application never writes it.

    Why a table and not a recursive CTE: the planner has statistics on a table (how many units
    below a root, how few below a leaf), none on a CTE's result, so a root's record and a leaf's get
    plans fitted to their sizes. Not tracked by the history: ``Unit``'s history holds every
    change of ``parent`` it follows from.
    """

    # No foreign-key constraints: the triggers keep the pairs, and a unit deleted with triggers
    # off (as ``verify_history``'s tamper tests do) must not make the deletion itself fail.
    pk = models.CompositePrimaryKey("ancestor_id", "descendant_id")
    ancestor = models.ForeignKey(
        Unit,
        on_delete=models.DO_NOTHING,
        related_name="descendant_links",
        db_index=False,
        db_constraint=False,
    )
    descendant = models.ForeignKey(
        Unit,
        on_delete=models.DO_NOTHING,
        related_name="ancestor_links",
        db_index=False,
        db_constraint=False,
    )
    depth = models.PositiveSmallIntegerField()

    class Meta:
        indexes = [
            models.Index(fields=["descendant", "depth", "ancestor"], name="unitclosure_up"),
        ]

    def __str__(self):
        return f"{self.ancestor_id} > {self.descendant_id} ({self.depth})"


# Statement level: one INSERT of many units (a seed, an import) costs one trigger call, and a
# unit may come in the same statement as its parent; the recursive part climbs through the new
# rows, then takes the closure of the first existing ancestor.
CLOSURE_ON_INSERT = """
    INSERT INTO registry_unitclosure (ancestor_id, descendant_id, depth)
    WITH RECURSIVE up(descendant_id, ancestor_id, depth, next_id) AS (
        SELECT id, id, 0, parent_id FROM new_units
        UNION ALL
        SELECT up.descendant_id, n.id, up.depth + 1, n.parent_id
        FROM up JOIN new_units n ON n.id = up.next_id
    )
    SELECT ancestor_id, descendant_id, depth FROM up
    UNION ALL
    SELECT link.ancestor_id, up.descendant_id, up.depth + 1 + link.depth
    FROM up JOIN registry_unitclosure link ON link.descendant_id = up.next_id
    WHERE NOT EXISTS (SELECT 1 FROM new_units n WHERE n.id = up.next_id);
    RETURN NULL;
"""
# A unit moved under another parent takes its subtree along: the links from the old ancestors to
# the subtree go, links from the new parent's ancestors come.
CLOSURE_ON_MOVE = """
    DELETE FROM registry_unitclosure link
    WHERE link.descendant_id IN (
            SELECT descendant_id FROM registry_unitclosure WHERE ancestor_id = NEW.id)
        AND link.ancestor_id NOT IN (
            SELECT descendant_id FROM registry_unitclosure WHERE ancestor_id = NEW.id);
    INSERT INTO registry_unitclosure (ancestor_id, descendant_id, depth)
    SELECT above.ancestor_id, below.descendant_id, above.depth + below.depth + 1
    FROM registry_unitclosure above, registry_unitclosure below
    WHERE above.descendant_id = NEW.parent_id AND below.ancestor_id = NEW.id;
    RETURN NULL;
"""
CLOSURE_ON_DELETE = """
    DELETE FROM registry_unitclosure WHERE descendant_id = OLD.id OR ancestor_id = OLD.id;
    RETURN OLD;
"""


class UnitTree(Unit):
    """The triggers that keep ``UnitClosure`` (on a proxy, so ``Unit`` itself stays as it is)."""

    class Meta:
        proxy = True
        triggers = [
            pgtrigger.Trigger(
                name="unit_closure_insert",
                level=pgtrigger.Statement,
                when=pgtrigger.After,
                operation=pgtrigger.Insert,
                referencing=pgtrigger.Referencing(new="new_units"),
                func=CLOSURE_ON_INSERT,
            ),
            pgtrigger.Trigger(
                name="unit_closure_move",
                level=pgtrigger.Row,
                when=pgtrigger.After,
                operation=pgtrigger.UpdateOf("parent_id"),
                condition=pgtrigger.Condition("OLD.parent_id IS DISTINCT FROM NEW.parent_id"),
                func=CLOSURE_ON_MOVE,
            ),
            pgtrigger.Trigger(
                name="unit_closure_delete",
                level=pgtrigger.Row,
                when=pgtrigger.Before,
                operation=pgtrigger.Delete,
                func=CLOSURE_ON_DELETE,
            ),
        ]


@track()
class Person(ExternalReference):
    reference_prefix = "PER"

    name = models.CharField(_("name"), max_length=200, validators=[single_line])
    aliases = ArrayField(
        models.CharField(max_length=200, validators=[single_line]),
        verbose_name=_("aliases"),
        default=list,
        blank=True,
    )
    rank = models.CharField(_("rank"), max_length=100, blank=True, validators=[single_line])
    identifiers = models.CharField(
        _("identifiers"),
        max_length=200,
        blank=True,
        validators=[single_line],
        help_text=_("Optional service number or other identifier."),
    )
    birth_date = models.DateField(
        _("date of birth"), null=True, blank=True, validators=[dates_not_too_early]
    )
    # Set when an HRO merges this record into another (issue 15): the record stays, with its
    # history, but every list, search and screening reads the person it was merged into.
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("merged into"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="merged_people",
    )

    objects = PersonQuerySet.as_manager()

    class Meta(ExternalReference.Meta):
        ordering = ["name"]
        verbose_name = _("person")
        verbose_name_plural = _("people")
        indexes = [models.Index(fields=["name"]), GinIndex(fields=["aliases"])]

    def __str__(self):
        return f"{self.rank} {self.name}".strip()

    def clean(self):
        if self.merged_into_id:
            # The record lives on in the person it was merged into (issue 15): edits go there.
            raise ValidationError(
                _("This record was merged into another: edit that one, or undo the merge first."),
                code="merged",
            )
        try:
            no_commas(self.aliases)
        except ValidationError as error:
            raise ValidationError({"aliases": error}) from error


class PersonNameKey(models.Model):
    """The index of names (issue 15): one row per phonetic key of a person's name or alias
    (``registry.names.index_keys``), so that screening and search find candidates without reading
    every person. Derived from ``Person.name`` and ``Person.aliases``; ``registry.matching``
    rebuilds a person's rows whenever they change."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="name_keys")
    key = models.CharField(max_length=40)

    class Meta:
        indexes = [models.Index(fields=["key", "person"])]
        constraints = [
            models.UniqueConstraint(fields=["person", "key"], name="registry_personnamekey_unique")
        ]

    def __str__(self):
        return f"{self.person_id}: {self.key}"


@track()
class PersonMerge(models.Model):
    """Two records found to be the same person, merged by an HRO (domain.md 4.6). ``moved`` says
    which rows moved from ``source`` to ``target`` (``{"app.Model.field": [ids]}``) and which
    aliases were added, so that the merge can be undone exactly."""

    source = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="merges_out", verbose_name=_("merged")
    )
    target = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="merges_in", verbose_name=_("kept")
    )
    reason = models.TextField(_("reason"))
    moved = models.JSONField(default=dict, editable=False)
    merged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("merged by"),
    )
    merged_at = models.DateTimeField(_("merged"), default=timezone.now)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("undone by"),
    )
    undone_at = models.DateTimeField(_("undone"), null=True, blank=True)
    undo_reason = models.TextField(_("reason for undoing"), blank=True)

    class Meta:
        ordering = ["-merged_at", "-pk"]
        verbose_name = _("merge of two people")
        verbose_name_plural = _("merges of people")

    def __str__(self):
        return f"#{self.source_id} → #{self.target_id}"


@track()
class DuplicateDismissal(models.Model):
    """Two people the duplicate queue proposed and an HRO said are different: not proposed again."""

    first = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    second = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    dismissed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    dismissed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["first", "second"], name="registry_duplicate_pair"),
            models.CheckConstraint(
                condition=Q(first__lt=models.F("second")), name="registry_duplicate_ordered"
            ),
        ]

    def __str__(self):
        return f"#{self.first_id} ≠ #{self.second_id}"


class CommandRole(models.TextChoices):
    COMMANDER = "commander", _("Commander")
    DEPUTY = "deputy", _("Deputy commander")
    CHIEF_OF_STAFF = "chief_of_staff", _("Chief of staff")
    OFFICER = "officer", _("Officer")


@track()
class CommandAssignment(ExternalReference):
    reference_prefix = "ASG"

    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="assignments", verbose_name=_("person")
    )
    unit = models.ForeignKey(
        Unit, on_delete=models.CASCADE, related_name="assignments", verbose_name=_("unit")
    )
    role = models.CharField(
        _("role"), max_length=20, choices=CommandRole.choices, default=CommandRole.COMMANDER
    )
    start = models.DateField(_("from"))
    end = models.DateField(
        _("to"), null=True, blank=True, help_text=_("Leave empty while current.")
    )

    objects = CommandAssignmentQuerySet.as_manager()

    class Meta(ExternalReference.Meta):
        ordering = ["-start"]
        verbose_name = _("command assignment")
        verbose_name_plural = _("command assignments")
        indexes = [
            models.Index(fields=["unit", "start", "end"]),
            models.Index(fields=["person", "start", "end"]),
            # The assignments list's order, latest first (read backwards).
            models.Index(fields=["start", "id"]),
        ]
        constraints = [
            *ExternalReference.Meta.constraints,
            models.CheckConstraint(
                condition=Q(end__isnull=True) | Q(end__gte=models.F("start")),
                name="assignment_ends_after_start",
            ),
        ]

    def __str__(self):
        return f"{self.person} · {self.get_role_display()} · {self.unit}"

    def clean(self):
        errors = dates_not_too_early(self, "start", "end")
        # A future assignment would make someone a "current commander" on a later day without
        # any change being recorded then; record it once it has started.
        if self.start and self.start > timezone.localdate():
            errors.setdefault("start", _("An assignment cannot start in the future."))
        if self.start and self.end and self.end < self.start:
            errors.setdefault("end", _("An assignment cannot end before it starts."))
        if errors:
            raise ValidationError(errors)


@track()
class ViolationCategory(models.Model):
    """Seeded vocabulary (domain.md 3.1); an administrator may add rows. ``is_grave`` drives the rules."""

    code = models.SlugField(_("code"), max_length=64, unique=True)
    name = models.CharField(_("name"), max_length=200, validators=[single_line])
    is_grave = models.BooleanField(_("grave"), default=False)
    order = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["order", "name"]
        verbose_name = _("violation category")
        verbose_name_plural = _("violation categories")

    def __str__(self):
        # Seeded names are in the translation catalogue (vocabulary.py); added ones show as typed.
        return gettext(self.name)


@track()
class ViolationSubtype(models.Model):
    category = models.ForeignKey(
        ViolationCategory,
        on_delete=models.CASCADE,
        related_name="subtypes",
        verbose_name=_("category"),
    )
    code = models.SlugField(_("code"), max_length=64)
    name = models.CharField(_("name"), max_length=200, validators=[single_line])

    class Meta:
        ordering = ["category__order", "name"]
        verbose_name = _("violation subtype")
        verbose_name_plural = _("violation subtypes")
        constraints = [
            models.UniqueConstraint(fields=["category", "code"], name="unique_subtype_code"),
        ]

    def __str__(self):
        return f"{self.category}: {self.label}"

    @property
    def label(self):
        return gettext(self.name)


class DatePrecision(models.TextChoices):
    DAY = "day", _("Day known")
    MONTH = "month", _("Month known")
    YEAR = "year", _("Year known")


class Reliability(models.TextChoices):
    HIGH = "high", pgettext_lazy("source reliability", "High")
    MODERATE = "moderate", pgettext_lazy("source reliability", "Moderate")
    LOW = "low", pgettext_lazy("source reliability", "Low")


class Scale(models.TextChoices):
    ISOLATED = "isolated", _("Isolated")
    REPEATED = "repeated", _("Repeated")
    WIDESPREAD = "widespread", _("Widespread")
    SYSTEMATIC = "systematic", _("Systematic")


@track()
class Violation(ExternalReference):
    """An incident. Victims', witnesses' and sources' identities live in ``Source`` (HROs only)."""

    reference_prefix = "VIO"

    date = models.DateField(_("date"))
    date_precision = models.CharField(
        _("date precision"), max_length=5, choices=DatePrecision.choices, default=DatePrecision.DAY
    )
    location = models.CharField(_("location"), max_length=200, validators=[single_line])
    narrative = models.TextField(_("narrative"))
    # The perpetrators in a staff reporter's own words (report an abuse), kept apart from the
    # narrative: the page frames them in the reader's language.
    perpetrators_described = models.TextField(
        _("perpetrators as described by the reporter"), blank=True
    )
    category = models.ForeignKey(
        ViolationCategory,
        on_delete=models.PROTECT,
        related_name="violations",
        verbose_name=_("category"),
    )
    subtype = models.ForeignKey(
        ViolationSubtype,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="violations",
        verbose_name=_("subtype"),
    )
    victims_count = models.PositiveIntegerField(_("number of victims"), null=True, blank=True)
    children_involved = models.BooleanField(_("children involved"), default=False)
    verification_status = models.CharField(
        _("verification status"),
        max_length=10,
        choices=VerificationStatus.choices,
        default=VerificationStatus.ALLEGED,
    )
    source_reliability = models.CharField(
        _("source reliability"),
        max_length=10,
        choices=Reliability.choices,
        default=Reliability.MODERATE,
    )
    scale = models.CharField(
        _("scale"), max_length=10, choices=Scale.choices, default=Scale.ISOLATED
    )
    staff_report = models.BooleanField(
        _("reported by a staff member"),
        default=False,
        help_text=_("Came through “Report an abuse” (a witness among UN staff), not the registry."),
    )
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="reported_violations",
        verbose_name=_("reported by"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = ViolationQuerySet.as_manager()

    class Meta(ExternalReference.Meta):
        ordering = ["-date", "-id"]
        verbose_name = _("violation")
        verbose_name_plural = _("violations")
        indexes = [
            # The list's order, newest first (read backwards), without sorting a million rows.
            models.Index(fields=["date", "id"]),
            models.Index(fields=["verification_status", "date"]),
            models.Index(fields=["category", "date"]),
            # The head of the triage queue (queries.awaiting_triage), without sorting the rest.
            models.Index(
                fields=["created_at", "id"],
                condition=Q(verification_status="alleged"),
                name="registry_violation_triage",
            ),
            # The grave cases waiting (queries.grave_waiting: the navigation badge, the filter).
            models.Index(
                fields=["category", "created_at"],
                condition=Q(verification_status="alleged"),
                name="registry_violation_triage_cat",
            ),
        ]

    def __str__(self):
        return f"{self.category} · {self.location} · {self.date:%Y-%m-%d}"

    def clean(self):
        if self.date and self.date > timezone.localdate():
            raise ValidationError({"date": _("A violation cannot be dated in the future.")})
        if self.subtype_id and self.category_id and self.subtype.category_id != self.category_id:
            raise ValidationError({"subtype": _("This subtype belongs to another category.")})

    @property
    def is_countable_grave(self):
        return self.category.is_grave and self.verification_status in COUNTABLE_STATUSES

    def becomes_countable_grave(self, status):
        """Whether moving to ``status`` makes this violation a countable grave violation it was
        not (domain.md 3.1): the change that sets off trigger (a), so it is asked for with a
        confirmation that says what will happen, never in bulk."""
        return (
            self.category.is_grave
            and status in COUNTABLE_STATUSES
            and self.verification_status not in COUNTABLE_STATUSES
        )

    def date_display(self):
        if self.date_precision == DatePrecision.YEAR:
            return f"{self.date:%Y}"
        if self.date_precision == DatePrecision.MONTH:
            return date_format(self.date, "YEAR_MONTH_FORMAT")
        return date_format(self.date, "DATE_FORMAT")


@track()
class VerificationChange(models.Model):
    """One change of a violation's verification status: who, when, from, to and why.

    Written only by ``services.set_verification_status``; never edited. Monitoring reads it to
    know when a violation became countable ("newly verified", domain.md 5).
    """

    violation = models.ForeignKey(
        Violation,
        on_delete=models.CASCADE,
        related_name="verification_changes",
        verbose_name=_("violation"),
    )
    from_status = models.CharField(_("from"), max_length=10, choices=VerificationStatus.choices)
    to_status = models.CharField(_("to"), max_length=10, choices=VerificationStatus.choices)
    note = models.TextField(_("note"), blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("changed by"),
    )
    changed_at = models.DateTimeField(_("changed at"), default=timezone.now)
    undoes = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="undone_by",
        verbose_name=_("undoes"),
        help_text=_("The change this one undid, the same day; its note is the reason."),
    )

    class Meta:
        ordering = ["changed_at", "id"]
        verbose_name = _("verification change")
        verbose_name_plural = _("verification changes")

    def __str__(self):
        return f"{self.from_status} → {self.to_status}"


class Responsibility(models.TextChoices):
    DIRECT = "direct", _("Direct")
    COMMAND = "command", _("Command")
    OPERATIONAL = "operational", _("Operational")
    SUPPORTING = "supporting", _("Supporting")


@track()
class Attribution(models.Model):
    """A violation attributed to a unit or to a person (exactly one)."""

    violation = models.ForeignKey(
        Violation,
        on_delete=models.CASCADE,
        related_name="attributions",
        verbose_name=_("violation"),
    )
    unit = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="attributions",
        verbose_name=_("unit"),
    )
    person = models.ForeignKey(
        Person,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="attributions",
        verbose_name=_("person"),
    )
    responsibility = models.CharField(
        _("responsibility"),
        max_length=12,
        choices=Responsibility.choices,
        default=Responsibility.DIRECT,
    )
    created_at = models.DateTimeField(_("attributed on"), default=timezone.now)

    class Meta:
        verbose_name = _("attribution")
        verbose_name_plural = _("attributions")
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(unit__isnull=False, person__isnull=True)
                    | Q(unit__isnull=True, person__isnull=False)
                ),
                name="attribution_to_unit_xor_person",
            ),
        ]

    def __str__(self):
        return str(self.unit or self.person)

    def clean(self):
        if bool(self.unit_id) == bool(self.person_id):
            raise ValidationError(
                _("Attribute the violation to a unit or to a person, not both or neither.")
            )


class AccountabilityKind(models.TextChoices):
    INVESTIGATION_OPENED = "investigation_opened", _("Investigation opened")
    COMPLAINT_LODGED = "complaint_lodged", _("Complaint lodged")
    ARREST_ORDERED = "arrest_ordered", _("Arrest ordered")
    ARRESTED = "arrested", _("Arrested")
    REFERRED = "referred", _("Referred to prosecutor")
    CONVICTED = "convicted", _("Convicted")
    ACQUITTED = "acquitted", _("Acquitted")
    RELEASED = "released", _("Released")
    DISMISSED = "dismissed", _("Dismissed or suspended from duty")
    INTERFERENCE = "interference", _("Interference with proceedings")


# Corrective actions by the authorities (factor F2); the others record obstacles or outcomes.
REMEDIAL_ACTIONS = frozenset(
    {
        AccountabilityKind.INVESTIGATION_OPENED,
        AccountabilityKind.ARREST_ORDERED,
        AccountabilityKind.ARRESTED,
        AccountabilityKind.REFERRED,
        AccountabilityKind.CONVICTED,
        AccountabilityKind.DISMISSED,
    }
)


@track()
class AccountabilityAction(models.Model):
    violation = models.ForeignKey(
        Violation,
        on_delete=models.CASCADE,
        related_name="accountability_actions",
        verbose_name=_("violation"),
    )
    kind = models.CharField(_("action"), max_length=24, choices=AccountabilityKind.choices)
    date = models.DateField(_("date"))
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        ordering = ["date"]
        verbose_name = _("accountability action")
        verbose_name_plural = _("accountability actions")

    def __str__(self):
        return f"{self.get_kind_display()} ({self.date})"

    @property
    def is_remedial(self):
        return self.kind in REMEDIAL_ACTIONS

    def clean(self):
        if self.date and self.date > timezone.localdate():
            raise ValidationError({"date": _("An action cannot be dated in the future.")})


class SourceKind(models.TextChoices):
    VICTIM = "victim", _("Victim")
    WITNESS = "witness", _("Witness")
    INFORMANT = "informant", _("Informant")
    DOCUMENT = "document", _("Document or media")
    ORGANISATION = "organisation", _("Organisation")


class SourceKey(models.Model):
    """The key that encrypts one source's identity and contact (hrddp/registry/identities.py),
    wrapped with the master key. Deliberately not tracked by the history: erasing a source
    deletes its key, and no copy of it may survive anywhere."""

    wrapped = models.TextField()

    class Meta:
        verbose_name = _("source key")
        verbose_name_plural = _("source keys")

    def __str__(self):
        return f"{self._meta.verbose_name} {self.pk}"


@track()
class Source(models.Model):
    """A source of information on a violation. ``identity`` and ``contact`` are for HROs only,
    and stored encrypted with the source's own ``key`` (destroyed by an erasure)."""

    # Field names that must never reach anyone but an HRO (pages, exports, logs).
    IDENTITY_FIELDS = ("identity", "contact")

    violation = models.ForeignKey(
        Violation, on_delete=models.CASCADE, related_name="sources", verbose_name=_("violation")
    )
    kind = models.CharField(_("kind"), max_length=12, choices=SourceKind.choices)
    identity = SealedCharField(_("identity (confidential)"), max_length=200, blank=True)
    contact = SealedCharField(_("contact (confidential)"), max_length=200, blank=True)
    reliability = models.CharField(
        _("reliability"), max_length=10, choices=Reliability.choices, default=Reliability.MODERATE
    )
    description = models.TextField(
        _("non-identifying description"),
        blank=True,
        help_text=_("What the source is, without anything that identifies them."),
    )
    obtained_on = models.DateField(_("obtained on"), default=datetime.date.today)
    # After the sealed fields: the key they create on a source's first save is saved with it.
    key = models.OneToOneField(
        SourceKey,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="source",
        verbose_name=_("key"),
    )
    erased_at = models.DateTimeField(_("identity erased"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("source")
        verbose_name_plural = _("sources")

    def __str__(self):
        return self.get_kind_display()


@track()
class SourceErasure(models.Model):
    """The erasure of a source's identity and contact (domain.md 7): asked for by an HRO with a
    reason, confirmed by a manager of one of the HRO's entities (registry.services)."""

    source = models.OneToOneField(
        Source, on_delete=models.CASCADE, related_name="erasure", verbose_name=_("source")
    )
    reason = models.TextField(_("reason"))
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("requested by"),
    )
    requested_at = models.DateTimeField(_("requested"), auto_now_add=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("confirmed by"),
    )
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)

    class Meta:
        verbose_name = _("source erasure")
        verbose_name_plural = _("source erasures")

    def __str__(self):
        return gettext("Erasure of source %(source)s") % {"source": self.source_id}

    @property
    def done(self):
        return self.confirmed_at is not None
