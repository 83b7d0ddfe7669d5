"""Filters for the organisation lists: institutions, units, people, command assignments."""

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from hrddp.pickers import queries as pickers
from hrddp.pickers.fields import PickerFilter

from .models import CommandAssignment, Institution, InstitutionKind, Person, Unit


def search_units(queryset, name, value):
    return pickers.matching(pickers.UNITS, queryset, value)


def search_people(queryset, name, value):
    return pickers.matching(pickers.PEOPLE, queryset, value)


class InstitutionFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), field_name="name", lookup_expr="icontains")
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=InstitutionKind.choices)

    class Meta:
        model = Institution
        fields = ["q", "kind"]


class UnitFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Search"), method=search_units, help_text=pickers.UNITS.help_text
    )
    institution = PickerFilter(label=_("Institution"), source=pickers.INSTITUTIONS)
    parent = PickerFilter(label=_("Parent unit"), source=pickers.UNITS)
    location = django_filters.CharFilter(label=_("Location"), lookup_expr="icontains")

    class Meta:
        model = Unit
        fields = ["q", "institution", "parent", "location"]


class PersonFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Search"), method=search_people, help_text=pickers.PEOPLE.help_text
    )
    rank = django_filters.CharFilter(label=_("Rank"), lookup_expr="icontains")
    commands = PickerFilter(
        label=_("Currently in command of"), source=pickers.UNITS, method="filter_commands"
    )

    class Meta:
        model = Person
        fields = ["q", "rank", "commands"]

    def filter_commands(self, queryset, name, unit):
        # Any current command assignment, as for the record's "current commanders" route.
        current = CommandAssignment.objects.current().filter(unit=unit)
        return queryset.filter(pk__in=current.values("person_id"))


class AssignmentFilter(django_filters.FilterSet):
    unit = PickerFilter(label=_("Unit"), source=pickers.UNITS)
    person = PickerFilter(label=_("Person"), source=pickers.PEOPLE)
    current = django_filters.BooleanFilter(
        label=_("Current assignments only"),
        widget=forms.CheckboxInput,
        method="filter_current",
    )

    class Meta:
        model = CommandAssignment
        fields = ["unit", "person", "current"]

    def filter_current(self, queryset, name, value):
        return queryset.current() if value else queryset
