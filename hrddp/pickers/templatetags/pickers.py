"""``{% picker_assets %}`` in base.html: Tom Select and the pickers' script, on the pages that
show a picker only, so that every other page (a progress page that refreshes itself, a record)
stays without script."""

from django import template
from django.forms import BaseForm, BaseFormSet
from django.template.loader import render_to_string
from django_filters import FilterSet

from ..fields import PickerField, PickerFilter

register = template.Library()


def _has_picker(value, depth=0):
    if isinstance(value, BaseForm):
        return any(isinstance(field, PickerField) for field in value.fields.values())
    if isinstance(value, BaseFormSet):
        return any(isinstance(field, PickerField) for field in value.form.base_fields.values())
    if isinstance(value, FilterSet):
        return any(isinstance(f, PickerFilter) for f in value.filters.values())
    # Forms handed to the page in a dict or a list (the violation page's formsets).
    if depth == 0 and isinstance(value, dict):
        return any(_has_picker(item, 1) for item in value.values())
    if depth == 0 and isinstance(value, list | tuple):
        return any(_has_picker(item, 1) for item in value)
    return False


@register.simple_tag(takes_context=True)
def picker_assets(context):
    if any(_has_picker(value) for value in context.flatten().values()):
        return render_to_string("pickers/assets.html")
    return ""
