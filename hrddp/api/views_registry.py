"""Registry endpoints: institutions, units (and a unit's record), people, command assignments,
violations. Who may do what mirrors hrddp/registry/views: the same roles, the same 404s."""

from django.db.models import Prefetch
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from assessments.queries import verification_preview
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
from hrddp.registry.services import UndoRefused, bulk_set_verification, undo_verification

from .exceptions import rule_refusal
from .filters import PersonFilter, TriageFilter, ViolationFilter
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
from .serializers_triage import (
    BulkVerificationResultSerializer,
    BulkVerificationSerializer,
    UndoVerificationSerializer,
    VerificationPreviewQuerySerializer,
    VerificationPreviewSerializer,
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
    action_roles = {
        "list": REGISTRY_READERS,
        "retrieve": ANY_ROLE,
        "triage": REGISTRY_EDITORS,
        "verification_preview": REGISTRY_EDITORS,
        "verification_undo": REGISTRY_EDITORS,
        "triage_bulk": REGISTRY_EDITORS,
        **EDIT,
    }
    action_roles["history"] = ANY_ROLE  # 404 unless the caller reads the registry, as the page
    history = history_action(lambda view, request, pk: get_violation_for_user(request.user, pk))

    def get_serializer_class(self):
        if self.action in ("list", "triage"):
            return ViolationListSerializer
        return ViolationSerializer

    def get_queryset(self):
        user = self.request.user
        if not can_read_registry(user):
            return Violation.objects.none()
        if self.action == "list":
            return Violation.objects.listed().order_by("-date", "-id")
        return Violation.objects.for_page(user).select_related("category").order_by("-date", "-id")

    @extend_schema(responses=ViolationListSerializer(many=True))
    @action(detail=False, filterset_class=TriageFilter)
    def triage(self, request):
        """The triage queue: alleged violations, newest first (``sort=gravity``: grave first),
        with the page's filters."""
        queryset = self.filter_queryset(Violation.objects.listed().awaiting_triage())
        page = self.paginate_queryset(queryset)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    @extend_schema(
        parameters=[VerificationPreviewQuerySerializer],
        responses=VerificationPreviewSerializer,
    )
    @action(detail=True, url_path="verification-preview", filterset_class=None)
    def verification_preview(self, request, pk=None):
        """What setting ``status`` would set off, before it is set (the page's confirmation)."""
        violation = get_violation_for_user(
            request.user, pk, Violation.objects.select_related("category")
        )
        query = VerificationPreviewQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        preview = verification_preview(violation, query.validated_data["status"], request.user)
        return Response(VerificationPreviewSerializer(preview).data)

    @extend_schema(request=UndoVerificationSerializer, responses=ViolationSerializer)
    @action(detail=True, methods=["post"], url_path="verification-undo", filterset_class=None)
    def verification_undo(self, request, pk=None):
        """Undo the violation's latest verification change, made today, with a reason."""
        violation = get_violation_for_user(request.user, pk)
        data = UndoVerificationSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            undo_verification(violation, request.user, data.validated_data["reason"])
        except UndoRefused:
            return rule_refusal(
                "undo_same_day",
                _("Only the latest change of the verification status, made today, can be undone."),
            )
        fresh = Violation.objects.for_page(request.user).select_related("category")
        return Response(self.get_serializer(fresh.get(pk=violation.pk)).data)

    @extend_schema(request=BulkVerificationSerializer, responses=BulkVerificationResultSerializer)
    @action(detail=False, methods=["post"], url_path="triage/bulk", filterset_class=None)
    def triage_bulk(self, request):
        """Several violations to credible or discounted, each written to its history; grave cases
        it would make countable are left (``refused``) for their confirmation."""
        data = BulkVerificationSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        violations = Violation.objects.select_related("category").filter(
            pk__in=data.validated_data["ids"]
        )
        changed, refused = bulk_set_verification(
            violations.order_by("pk"),
            data.validated_data["status"],
            request.user,
            data.validated_data["note"],
        )
        return Response(
            {
                "changed": [change.violation_id for change in changed],
                "refused": [violation.pk for violation in refused],
            }
        )

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
