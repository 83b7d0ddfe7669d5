"""Registry endpoints: institutions, units (and a unit's record), people, command assignments,
violations. Who may do what mirrors hrddp/registry/views: the same roles, the same 404s."""

from django.db.models import Prefetch
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from hrddp.accounts.access import (
    REGISTRY_EDITORS,
    REGISTRY_READERS,
    UNIT_BROWSERS,
    can_read_registry,
)
from hrddp.registry.access import record_view_for
from hrddp.registry.filters import (
    AssignmentFilter,
    InstitutionFilter,
    UnitFilter,
)
from hrddp.registry.models import CommandAssignment, Institution, Person, Unit, Violation
from hrddp.registry.queries import ROUTES, get_violation_for_user, load_pages, page_parameter

from .filters import PersonFilter, ViolationFilter
from .history import history_action
from .permissions import ANY_ROLE
from .serializers_record import UnitRecordSerializer, record_data
from .serializers_registry import (
    AssignmentSerializer,
    InstitutionSerializer,
    PersonSerializer,
    UnitSerializer,
    ViolationListSerializer,
    ViolationSerializer,
)

EDIT = {"create": REGISTRY_EDITORS, "update": REGISTRY_EDITORS, "partial_update": REGISTRY_EDITORS}


class WriteViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """List, retrieve, create and update (no delete: the pages delete nothing either)."""

    lookup_value_regex = "[0-9]+"


class InstitutionViewSet(WriteViewSet):
    serializer_class = InstitutionSerializer
    filterset_class = InstitutionFilter
    action_roles = {"list": UNIT_BROWSERS, "retrieve": UNIT_BROWSERS, **EDIT}
    action_roles["history"] = UNIT_BROWSERS
    history = history_action()

    def get_queryset(self):
        return Institution.objects.with_unit_count().order_by("name", "pk")


class UnitViewSet(WriteViewSet):
    serializer_class = UnitSerializer
    filterset_class = UnitFilter
    action_roles = {
        "list": UNIT_BROWSERS,
        "retrieve": UNIT_BROWSERS,
        "record": UNIT_BROWSERS,
        "history": UNIT_BROWSERS,
        **EDIT,
    }
    # Any unit's history for whoever browses units; its commanders' for registry readers only.
    history = history_action()

    def get_queryset(self):
        return (
            Unit.objects.select_related("institution", "parent")
            .with_child_count()
            .order_by("sort_name", "pk")
        )

    @extend_schema(
        responses=UnitRecordSerializer,
        filters=False,
        parameters=[
            OpenApiParameter(
                page_parameter(route),
                int,
                description=f"Page of the {route} route (25 violations a page, newest first).",
            )
            for route in ROUTES
        ],
    )
    @action(detail=True, pagination_class=None, filterset_class=None)
    def record(self, request, pk=None):
        """The unit's record grouped by route (domain.md 3.2), with its counts and flags. Registry
        readers get each route a page at a time (``subtree_page``, ``commanded_at_time_page``,
        ``current_commanders_page``, ``ancestors_page``); an SSR advisor gets the summary (counts)
        for units named in their entity's requests; for any other unit the record does not exist
        for them (404)."""
        unit = self.get_object()
        view = record_view_for(request.user, unit)
        if view is None:
            raise NotFound
        record = Unit.objects.record(unit)
        if view == "full":
            load_pages([record], request.query_params)
        return Response(UnitRecordSerializer(record_data(record, view)).data)


class PersonViewSet(WriteViewSet):
    serializer_class = PersonSerializer
    filterset_class = PersonFilter
    # Retrieving: any role, and 404 unless the caller reads the registry, as the person page.
    action_roles = {"list": REGISTRY_READERS, "retrieve": ANY_ROLE, **EDIT}
    action_roles["history"] = ANY_ROLE  # 404 unless the caller reads the registry
    history = history_action()

    def get_queryset(self):
        if not can_read_registry(self.request.user):
            return Person.objects.none()
        current = CommandAssignment.objects.current()
        people = Person.objects.all()
        if self.action == "list":  # a merged person is read by their id only (issue 15)
            people = people.unmerged()
        return (
            people.with_violation_count()
            .prefetch_related(
                Prefetch("assignments", queryset=current, to_attr="current_assignments")
            )
            .order_by("name", "pk")
        )


class AssignmentViewSet(WriteViewSet):
    serializer_class = AssignmentSerializer
    filterset_class = AssignmentFilter
    action_roles = {"list": REGISTRY_READERS, "retrieve": ANY_ROLE, **EDIT}

    def get_queryset(self):
        if not can_read_registry(self.request.user):
            return CommandAssignment.objects.none()
        return CommandAssignment.objects.select_related("person", "unit").order_by("-start", "-pk")


class ViolationViewSet(WriteViewSet):
    filterset_class = ViolationFilter
    action_roles = {"list": REGISTRY_READERS, "retrieve": ANY_ROLE, **EDIT}
    action_roles["history"] = ANY_ROLE  # 404 unless the caller reads the registry, as the page
    history = history_action(lambda view, request, pk: get_violation_for_user(request.user, pk))

    def get_serializer_class(self):
        return ViolationListSerializer if self.action == "list" else ViolationSerializer

    def get_queryset(self):
        user = self.request.user
        if not can_read_registry(user):
            return Violation.objects.none()
        if self.action == "list":
            return Violation.objects.listed().order_by("-date", "-id")
        return Violation.objects.for_page(user).select_related("category").order_by("-date", "-id")

    def create(self, request, *args, **kwargs):
        response = super().create(request, *args, **kwargs)
        return self._fresh(response)

    def update(self, request, *args, **kwargs):
        response = super().update(request, *args, **kwargs)
        return self._fresh(response)

    def _fresh(self, response):
        """The saved violation as a read shows it (the service set its status after the form)."""
        pk = response.data["id"]
        violation = self.get_queryset().get(pk=pk)
        response.data = self.get_serializer(violation).data
        return response
