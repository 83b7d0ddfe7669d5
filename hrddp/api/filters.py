"""Filters of the API lists that have no list page of their own. The others reuse the pages'
FilterSets (hrddp/registry/filters*.py, hrddp/support/filters.py)."""

import copy

import django_filters
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from assessments.models import (
    Assessment,
    AssessmentStatus,
    Intervention,
    InterventionStatus,
    overdue_intervention,
)
from hrddp.registry import filters as registry_filters
from hrddp.registry.filters_violations import TriageFilter as TriageFilterBase
from hrddp.registry.filters_violations import ViolationFilter as ViolationFilterBase
from hrddp.support.models import Communication, CommunicationKind


class CommunicationFilter(django_filters.FilterSet):
    request = django_filters.NumberFilter(label=_("Request"), field_name="request_id")
    intervention = django_filters.NumberFilter(
        label=_("Intervention"), field_name="intervention_id"
    )
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=CommunicationKind.choices)

    class Meta:
        model = Communication
        fields = ["request", "intervention", "kind"]


class AssessmentFilter(django_filters.FilterSet):
    request = django_filters.NumberFilter(label=_("Request"), field_name="request_id")
    status = django_filters.ChoiceFilter(label=_("Status"), choices=AssessmentStatus.choices)

    class Meta:
        model = Assessment
        fields = ["request", "status"]


class InterventionFilter(django_filters.FilterSet):
    request = django_filters.NumberFilter(label=_("Request"), field_name="request_id")
    unit = django_filters.NumberFilter(label=_("Unit concerned"), field_name="unit_id")
    status = django_filters.ChoiceFilter(label=_("Status"), choices=InterventionStatus.choices)
    overdue = django_filters.BooleanFilter(
        label=_("Overdue: open and the response was due before today"), method="filter_overdue"
    )

    class Meta:
        model = Intervention
        fields = ["request", "unit", "status", "overdue"]

    def filter_overdue(self, queryset, name, value):
        # django-filter calls this only with a value (true or false), never with None.
        late = overdue_intervention(timezone.localdate())
        return queryset.filter(late) if value else queryset.exclude(late)


def typed(filterset, **types):
    """A subclass of a page's FilterSet whose method filters name their type in the OpenAPI
    schema (drf-spectacular cannot guess it); filtering itself is the page's."""
    subclass = type(f"Api{filterset.__name__}", (filterset,), {"__module__": __name__})
    for name, schema_type in types.items():
        declared = copy.deepcopy(subclass.base_filters[name])
        subclass.base_filters[name] = extend_schema_field(schema_type)(declared)
    return subclass


PersonFilter = typed(registry_filters.PersonFilter, commands=OpenApiTypes.INT)
ViolationFilter = typed(ViolationFilterBase, unit=OpenApiTypes.INT, person=OpenApiTypes.INT)
TriageFilter = typed(TriageFilterBase, unit=OpenApiTypes.INT)
