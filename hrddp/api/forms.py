"""Write endpoints validate with the pages' own Django forms (style.md principle 7).

A serializer first checks types (DRF fields); then ``form_data`` turns the typed values, merged
over the record's current values for a partial update, into what the page's form would have
received, and the form (its ``clean()``, the model's ``clean()``, unique checks) decides. Its
errors come back as DRF field errors: 400, never 500.
"""

import datetime
import decimal

from django.db import models
from django.forms.models import model_to_dict
from rest_framework import serializers


def to_form_value(value):
    """A typed value as a form field reads it from POST data."""
    if value is None:
        return ""
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, datetime.date | datetime.datetime):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, list | tuple | set | models.QuerySet):
        return [to_form_value(item) for item in value]
    return value


def form_errors(form, rename=None):
    rename = rename or {}
    errors = {}
    for field, messages in form.errors.items():
        key = "non_field_errors" if field == "__all__" else rename.get(field, field)
        errors.setdefault(key, []).extend(messages)
    return errors


def form_data(instance, attrs, field_names, prefix=""):
    """Form data for ``field_names``: ``attrs`` where given, else the instance's current values
    (for a new, unsaved instance: the model's defaults, as the page's empty form shows them)."""
    current = model_to_dict(instance, fields=field_names) if instance is not None else {}
    data = {}
    for name in field_names:
        value = attrs[name] if name in attrs else current.get(name)
        if value is None and name not in attrs and name not in current:
            continue
        data[f"{prefix}-{name}" if prefix else name] = to_form_value(value)
    return data


def validate_form(form, rename=None):
    if not form.is_valid():
        raise serializers.ValidationError(form_errors(form, rename))
    return form


def formset_data(prefix, existing, items, field_names, model, pk_name="id"):
    """Formset data that makes the related rows what ``items`` lists: an item with ``id`` changes
    that row, one without adds a row, and an existing row not listed is deleted.

    ``existing`` maps pk to the current row; a new row starts from ``model``'s defaults.
    Returns (data, unknown ids).
    """
    listed = {item[pk_name]: item for item in items if item.get(pk_name) is not None}
    unknown = sorted(set(listed) - set(existing))
    new = [item for item in items if item.get(pk_name) is None]
    data = {
        f"{prefix}-TOTAL_FORMS": str(len(existing) + len(new)),
        f"{prefix}-INITIAL_FORMS": str(len(existing)),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }
    for index, (pk, row) in enumerate(existing.items()):
        item = listed.get(pk)
        # A listed row keeps what the item leaves out; an unlisted one is sent unchanged, deleted.
        data.update(form_data(row, item or {}, field_names, prefix=f"{prefix}-{index}"))
        data[f"{prefix}-{index}-{pk_name}"] = pk
        if item is None:
            data[f"{prefix}-{index}-DELETE"] = "on"
    for offset, item in enumerate(new):
        index = len(existing) + offset
        data.update(form_data(model(), item, field_names, prefix=f"{prefix}-{index}"))
    return data, unknown


def formset_errors(formset, name):
    """A formset's errors under the API's list field ``name``: one dict per row, as DRF does."""
    errors = {}
    rows = [form_errors(form) for form in formset.forms]
    if any(rows):
        errors[name] = rows
    if formset.non_form_errors():
        errors.setdefault("non_field_errors", []).extend(formset.non_form_errors())
    return errors
