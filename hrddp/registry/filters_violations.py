"""Filters of the violation list."""

import django_filters
from django import forms
from django.db.models import Exists, OuterRef, Q
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


SORTS = {
    "newest": _("Newest first"),
    "gravity": _("Grave first, then newest"),
}


class TriageFilter(django_filters.FilterSet):
    """Filters of the triage queue (issue 16): the queue is alleged violations only, so there is
    no status filter; what an HRO looks for first is grave cases and staff members' eyewitness
    reports (domain.md 6.4)."""

    grave = django_filters.BooleanFilter(
        label=_("Grave only"), method="grave_only", widget=forms.CheckboxInput
    )
    staff_report = django_filters.BooleanFilter(
        label=_("Reported by UN staff (eyewitness)"),
        method="staff_reports_only",
        widget=forms.CheckboxInput,
    )
    category = django_filters.ModelChoiceFilter(
        label=_("Category"), queryset=ViolationCategory.objects.all(), empty_label=ANY
    )
    unit = PickerFilter(
        label=_("Unit, with its sub-units"),
        source=pickers.UNITS,
        method="attributed_to_unit",
        empty_label=ANY,
    )
    date_from = django_filters.DateFilter(
        label=_("From"), field_name="date", lookup_expr="gte", widget=date_input()
    )
    date_to = django_filters.DateFilter(
        label=_("To"), field_name="date", lookup_expr="lte", widget=date_input()
    )
    reported_by = django_filters.CharFilter(
        label=_("Reported by (name or user name)"), method="reported_by_user"
    )
    sort = django_filters.ChoiceFilter(
        label=_("Sort"),
        choices=list(SORTS.items()),
        empty_label=None,
        method="sorted_by",
        null_value=None,
    )

    class Meta:
        model = Violation
        fields = []

    def grave_only(self, queryset, name, value):
        return queryset.filter(category__is_grave=True) if value else queryset

    def staff_reports_only(self, queryset, name, value):
        return queryset.filter(staff_report=True) if value else queryset

    def reported_by_user(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(reported_by__username__iexact=value)
            | Q(reported_by__first_name__icontains=value)
            | Q(reported_by__last_name__icontains=value)
        )

    def sorted_by(self, queryset, name, value):
        return queryset.by_gravity() if value == "gravity" else queryset

    attributed_to_unit = ViolationFilter.attributed_to_unit
