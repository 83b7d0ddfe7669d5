"""One person, one record (domain.md 4.6, issue 15): an HRO merges two records of the same person,
and can undo it.

``merge(source, target, user, reason)`` moves every row that points at ``source`` to ``target``:
the rows are found from ``Person._meta.related_objects`` (foreign keys, and the through tables of
many-to-many fields), so a relation added later moves too. Each row is saved on its own, so that
whatever a change of that row sets off (the monitoring triggers' ``post_save`` receivers, written
to the outbox in this transaction) runs as for any other change. The source's name and aliases
become the target's aliases; its rank, identifiers and date of birth fill the target's empty
fields; the source keeps its record and its history, marked ``merged_into`` the target.

A row that would break a unique constraint once moved (the participant already has the target as a
candidate, the request already names the target) is a duplicate of one the target has: it is
deleted, and kept whole in the merge so that undoing puts it back as it was.

``PersonMerge.moved`` says exactly what the merge did, so that ``undo`` reverses exactly that::

    {
        "rows": {"app_label.Model.field": [ids moved]},
        "dropped": {"app_label.Model.field": [rows deleted as duplicates, serialized]},
        "aliases": [aliases added to the target],
        "fields": {"rank": "value given to the target's empty field", ...},
    }
"""

import json

import pghistory.models
from django.core import serializers
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from hrddp.accounts.access import can_merge_people

from . import matching
from .models import DuplicateDismissal, Person, PersonMerge, PersonNameKey

# The target's fields that the source fills when the target has no value.
FILLED_FIELDS = ("rank", "identifiers", "birth_date")
# Rows pointing at a person that are the merge's own bookkeeping, not the person's record.
NOT_MOVED = (PersonMerge, DuplicateDismissal, PersonNameKey)


class MergeRefused(Exception):
    """The merge or its undoing is not possible in the records' state: ``rule`` names why (the
    API's 409 carries it), ``message`` says it to the user."""

    def __init__(self, rule, message):
        super().__init__(message)
        self.rule = rule
        self.message = message


def relations():
    """``(model, field name)`` for every row kind that points at a person and moves with them."""
    found = []
    for relation in Person._meta.related_objects:
        model = relation.related_model
        if relation.many_to_many:
            through = relation.through
            for field in through._meta.fields:
                if field.is_relation and field.related_model is Person:
                    found.append((through, field.name))
            continue
        if model is Person or issubclass(model, NOT_MOVED):
            continue  # merged_into, and the merge's own rows
        if issubclass(model, pghistory.models.Event):
            continue  # history stays with the record it happened to
        found.append((model, relation.field.name))
    return found


def relation_key(model, field_name):
    return f"{model._meta.label}.{field_name}"


def _relation_by_key(key):
    for model, field_name in relations():
        if relation_key(model, field_name) == key:
            return model, field_name
    raise LookupError(key)


def _unique_sets(model, field_name):
    """``(fields, condition)`` for each set of fields containing ``field_name`` that ``model``'s
    rows must keep unique (``condition``: a partial constraint's, else None)."""
    sets = [(tuple(fields), None) for fields in model._meta.unique_together if field_name in fields]
    for constraint in model._meta.constraints:
        if (
            isinstance(constraint, models.UniqueConstraint)
            and constraint.fields
            and field_name in constraint.fields
        ):
            sets.append((tuple(constraint.fields), constraint.condition))
    if model._meta.get_field(field_name).unique:
        sets.append(((field_name,), None))
    return sets


def _duplicate_at_target(row, field_name, unique_sets, target):
    """Whether ``row``, once pointing at ``target``, would repeat a row that already does."""
    model = type(row)
    rows = model._default_manager
    for fields, condition in unique_sets:
        if condition is not None and not rows.filter(condition, pk=row.pk).exists():
            continue  # the row is outside the partial constraint
        lookup = {field_name: target}
        for name in fields:
            if name != field_name:
                attname = model._meta.get_field(name).attname
                lookup[attname] = getattr(row, attname)
        others = rows.filter(**lookup).exclude(pk=row.pk)
        if condition is not None:
            others = others.filter(condition)
        if others.exists():
            return True
    return False


def _is_empty(value):
    return value in (None, "")


def _lock(*people):
    ids = sorted({person.pk for person in people})
    locked = {p.pk: p for p in Person.objects.select_for_update().filter(pk__in=ids).order_by("pk")}
    return [locked[person.pk] for person in people]


def _alias_key(text):
    return " ".join(text.split()).casefold()


def merge(source, target, user, reason):
    """Merge ``source`` into ``target`` on behalf of ``user`` (an HRO), saying why. Returns the
    ``PersonMerge``. Raises PermissionDenied, ValidationError (no reason) or MergeRefused."""
    if not can_merge_people(user):
        raise PermissionDenied
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why these two records are the same person.")})
    if source.pk == target.pk:
        raise MergeRefused("merge_same_person", _("A person cannot be merged into themselves."))
    with transaction.atomic():
        source, target = _lock(source, target)
        if source.merged_into_id:
            raise MergeRefused(
                "merge_source_merged", _("This person was already merged into another record.")
            )
        if target.merged_into_id:
            raise MergeRefused(
                "merge_target_merged",
                _("The record to keep was itself merged into another: merge into that one."),
            )
        moved = {"rows": {}, "dropped": {}, "aliases": [], "fields": {}}
        for model, field_name in relations():
            key = relation_key(model, field_name)
            unique_sets = _unique_sets(model, field_name)
            rows = model._default_manager.filter(**{field_name: source}).order_by("pk")
            for row in rows:
                if unique_sets and _duplicate_at_target(row, field_name, unique_sets, target):
                    moved["dropped"].setdefault(key, []).append(
                        json.loads(serializers.serialize("json", [row]))[0]
                    )
                    row.delete()
                    continue
                setattr(row, field_name, target)
                # One save per row: its post_save receivers (the monitoring triggers) run.
                row.save(update_fields=[field_name])
                moved["rows"].setdefault(key, []).append(row.pk)
        known = {_alias_key(text) for text in [target.name, *target.aliases]}
        for text in [source.name, *source.aliases]:
            if text.strip() and _alias_key(text) not in known:
                known.add(_alias_key(text))
                moved["aliases"].append(text)
        target.aliases = [*target.aliases, *moved["aliases"]]
        for name in FILLED_FIELDS:
            value = getattr(source, name)
            if _is_empty(getattr(target, name)) and not _is_empty(value):
                setattr(target, name, value)
                moved["fields"][name] = Person._meta.get_field(name).value_to_string(source)
        target.save(update_fields=["aliases", *moved["fields"]])
        source.merged_into = target
        source.save(update_fields=["merged_into"])
        record = PersonMerge.objects.create(
            source=source, target=target, reason=reason, moved=moved, merged_by=user
        )
        matching.index_people([source, target])
    return record


def undo(record, user, reason):
    """Undo the merge ``record``: the rows it moved go back to the source, the rows it deleted as
    duplicates come back, the aliases and fields it gave the target are taken away again (those
    still as it left them), and the source is a person of its own again. Raises PermissionDenied,
    ValidationError (no reason) or MergeRefused (undone already, or a later merge involves
    either person)."""
    if not can_merge_people(user):
        raise PermissionDenied
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the merge is undone.")})
    with transaction.atomic():
        record = PersonMerge.objects.select_for_update().get(pk=record.pk)
        source, target = _lock(record.source, record.target)
        if record.undone_at:
            raise MergeRefused("merge_already_undone", _("This merge was already undone."))
        people = [source.pk, target.pk]
        later = PersonMerge.objects.filter(
            Q(source__in=people) | Q(target__in=people), pk__gt=record.pk, undone_at__isnull=True
        )
        if later.exists():
            raise MergeRefused(
                "merge_later_merge",
                _("A later merge involves one of these people: undo that one first."),
            )
        moved = record.moved
        for key, ids in moved.get("rows", {}).items():
            model, field_name = _relation_by_key(key)
            attname = model._meta.get_field(field_name).attname
            for row in model._default_manager.filter(pk__in=ids, **{attname: target.pk}):
                setattr(row, field_name, source)
                row.save(update_fields=[field_name])
        for _key, rows in moved.get("dropped", {}).items():
            for restored in serializers.deserialize("json", json.dumps(rows)):
                try:
                    with transaction.atomic():
                        restored.object.save(force_insert=True)
                except IntegrityError:
                    pass  # what it pointed at is gone since: nothing to put it back on
        added = {_alias_key(text) for text in moved.get("aliases", [])}
        target.aliases = [text for text in target.aliases if _alias_key(text) not in added]
        emptied = []
        for name, value in moved.get("fields", {}).items():
            field = Person._meta.get_field(name)
            if field.value_to_string(target) == value:
                setattr(target, name, None if field.null else "")
                emptied.append(name)
        target.save(update_fields=["aliases", *emptied])
        source.merged_into = None
        source.save(update_fields=["merged_into"])
        record.undone_by = user
        record.undone_at = timezone.now()
        record.undo_reason = reason
        record.save(update_fields=["undone_by", "undone_at", "undo_reason"])
        matching.index_people([source, target])
    return record


def dismiss_duplicate(first, second, user):
    """An HRO says the two people are not the same: the pair is not proposed again."""
    if not can_merge_people(user):
        raise PermissionDenied
    if first.pk == second.pk:
        raise MergeRefused("merge_same_person", _("A person cannot be merged into themselves."))
    low, high = sorted((first.pk, second.pk))
    dismissal, _created = DuplicateDismissal.objects.get_or_create(
        first_id=low, second_id=high, defaults={"dismissed_by": user}
    )
    return dismissal
