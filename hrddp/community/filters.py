"""Filters of the community perceptions list."""

import django_filters
from django.utils.translation import gettext_lazy as _

from hrddp.pickers import queries as pickers
from hrddp.pickers.fields import PickerFilter
from hrddp.registry.forms_violations import date_input

from .models import Method, Perception

ANY = _("Any")


class PerceptionFilter(django_filters.FilterSet):
    institution = PickerFilter(label=_("Institution"), source=pickers.INSTITUTIONS, empty_label=ANY)
    unit = PickerFilter(label=_("Unit"), source=pickers.UNITS, empty_label=ANY)
    area = django_filters.CharFilter(label=_("Area"), lookup_expr="icontains")
    method = django_filters.ChoiceFilter(label=_("Method"), choices=Method.choices, empty_label=ANY)
    date_from = django_filters.DateFilter(
        label=_("From"), field_name="date", lookup_expr="gte", widget=date_input()
    )
    date_to = django_filters.DateFilter(
        label=_("To"), field_name="date", lookup_expr="lte", widget=date_input()
    )

    class Meta:
        model = Perception
        fields = []
