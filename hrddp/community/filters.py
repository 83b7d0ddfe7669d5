"""Filters of the community perceptions list."""

import django_filters
from django.utils.translation import gettext_lazy as _

from hrddp.registry.forms_violations import UnitChoiceField, date_input
from hrddp.registry.models import Institution, Unit

from .models import Method, Perception

ANY = _("Any")


class UnitChoiceFilter(django_filters.ModelChoiceFilter):
    field_class = UnitChoiceField


class PerceptionFilter(django_filters.FilterSet):
    institution = django_filters.ModelChoiceFilter(
        label=_("Institution"), queryset=Institution.objects.all(), empty_label=ANY
    )
    unit = UnitChoiceFilter(
        label=_("Unit"), queryset=Unit.objects.select_related("institution"), empty_label=ANY
    )
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
