"""Filters of the violation list."""

import django_filters
from django import forms
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext_lazy as _

from hrddp.pickers import queries as pickers
from hrddp.pickers.fields import PickerFilter

from .forms_violations import date_input
from .models import (
    Attribution,
    Reliability,
    Scale,
    VerificationStatus,
    Violation,
    ViolationCategory,
)
from .queries import subtree_sql

ANY = _("Any")


class ViolationFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search location and narrative"), method="search")
    category = django_filters.ModelChoiceFilter(
        label=_("Category"), queryset=ViolationCategory.objects.all(), empty_label=ANY
    )
    grave = django_filters.BooleanFilter(
        label=_("Grave only"), method="grave_only", widget=forms.CheckboxInput
    )
    verification_status = django_filters.ChoiceFilter(
        label=_("Verification status"), choices=VerificationStatus.choices, empty_label=ANY
    )
    scale = django_filters.ChoiceFilter(label=_("Scale"), choices=Scale.choices, empty_label=ANY)
    source_reliability = django_filters.ChoiceFilter(
        label=_("Source reliability"), choices=Reliability.choices, empty_label=ANY
    )
    date_from = django_filters.DateFilter(
        label=_("From"), field_name="date", lookup_expr="gte", widget=date_input()
    )
    date_to = django_filters.DateFilter(
        label=_("To"), field_name="date", lookup_expr="lte", widget=date_input()
    )
    unit = PickerFilter(
        label=_("Unit, with its sub-units"),
        source=pickers.UNITS,
        method="attributed_to_unit",
        empty_label=ANY,
    )
    person = PickerFilter(
        label=_("Person"), source=pickers.PEOPLE, method="attributed_to_person", empty_label=ANY
    )

    class Meta:
        model = Violation
        fields = []

    def search(self, queryset, name, value):
        return queryset.search(value)

    def grave_only(self, queryset, name, value):
        return queryset.filter(category__is_grave=True) if value else queryset

    # Exists, not a join: a violation attributed to two sub-units must appear once.
    def attributed_to_unit(self, queryset, name, unit):
        return queryset.filter(
            Exists(
                Attribution.objects.filter(
                    violation=OuterRef("pk"), unit_id__in=subtree_sql(unit.pk)
                )
            )
        )

    def attributed_to_person(self, queryset, name, person):
        return queryset.filter(
            Exists(Attribution.objects.filter(violation=OuterRef("pk"), person=person))
        )
