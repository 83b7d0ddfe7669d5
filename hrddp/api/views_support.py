"""Support request endpoints, the workflow's transitions, communications and policy settings.

Mirrors hrddp/support/views.py: requests of the caller's entities only (404 otherwise), drafts
edited by the entity's SSR advisors while draft or returned, transitions through
``workflow.apply()`` with the page's 403 / 409 answers.
"""

from django.db import transaction
from django.db.models import Prefetch
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from assessments import workflow
from assessments.services import record_intervention_communication
from hrddp.accounts.models import Role
from hrddp.policy.models import PolicySettings
from hrddp.registry.models import Unit
from hrddp.support import services
from hrddp.support.access import (
    COMMUNICATION_ROLES,
    DELIVERY_ROLES,
    can_edit_request,
    is_editable,
)
from hrddp.support.filters import SupportRequestFilter
from hrddp.support.forms import TransitionForm
from hrddp.support.models import Communication, Delivery, SupportRequest

from .exceptions import Conflict
from .filters import CommunicationFilter
from .permissions import ANY_ROLE
from .serializers_decisions import DeliverySerializer, RuleRefusalSerializer
from .serializers_support import (
    CommunicationSerializer,
    PolicySettingsSerializer,
    RefusalSerializer,
    SupportRequestDetailSerializer,
    SupportRequestSerializer,
    TransitionLogSerializer,
    TransitionRequestSerializer,
    TransitionResultSerializer,
    blocker_data,
)

# Blockers that are input the caller left out, answered 400 on the field (not a rule: 409).
FIELD_BLOCKERS = {"reason": "reason", "conditions": "conditions"}


class SupportRequestViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    lookup_value_regex = "[0-9]+"
    filterset_class = SupportRequestFilter
    action_roles = {
        "list": ANY_ROLE,
        "retrieve": ANY_ROLE,
        "create": (Role.REQUESTER,),
        "update": (Role.REQUESTER,),
        "partial_update": (Role.REQUESTER,),
        "transitions": ANY_ROLE,
        "transition_log": ANY_ROLE,
        "deliveries": DELIVERY_ROLES,
        "delivery_log": ANY_ROLE,
    }

    def get_serializer_class(self):
        if self.action == "list":
            return SupportRequestSerializer
        if self.action == "transitions":
            return TransitionRequestSerializer
        if self.action == "transition_log":
            return TransitionLogSerializer
        if self.action in ("deliveries", "delivery_log"):
            return DeliverySerializer
        return SupportRequestDetailSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation: no caller
            return SupportRequest.objects.none()
        units = Prefetch("recipient_units", queryset=Unit.objects.order_by("sort_name", "pk"))
        return (
            SupportRequest.objects.visible_to(self.request.user)
            .select_related("entity", "created_by")
            .prefetch_related(units, "named_individuals")
            .order_by("-created_at", "-pk")
        )

    def update(self, request, *args, **kwargs):
        support_request = self.get_object()
        if not can_edit_request(request.user, support_request):
            raise PermissionDenied
        with transaction.atomic():
            # Locked, so that a submission taking effect now is not overwritten (as the page).
            locked = SupportRequest.objects.select_for_update().get(pk=support_request.pk)
            if not is_editable(locked):
                raise Conflict(
                    _(
                        "A request can be edited only while it is a draft or returned to the "
                        "requester; this one is %(status)s."
                    )
                    % {"status": locked.get_status_display()}
                )
            serializer = self.get_serializer(
                locked, data=request.data, partial=kwargs.get("partial", False)
            )
            serializer.is_valid(raise_exception=True)
            serializer.save()
        return Response(self.get_serializer(self.get_queryset().get(pk=locked.pk)).data)

    @extend_schema(
        request=TransitionRequestSerializer,
        responses={
            200: TransitionResultSerializer,
            400: OpenApiResponse(description="A missing reason or conditions, or bad input."),
            403: OpenApiResponse(description="The caller's role never allows this action."),
            409: RefusalSerializer,
        },
    )
    # GET (the log) shares the URL and pages through it as every list does.
    @action(detail=True, methods=["post"], filterset_class=None)
    def transitions(self, request, pk=None):
        """Apply a workflow action (as the request page's buttons do). A refusal names the rule:
        409 ``{"rule": "D3", "detail": ..., "blockers": [...]}``."""
        support_request = self.get_object()
        body = TransitionRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        act = workflow.TRANSITIONS[body.validated_data["action"]]
        waiver = "waiver_reason" in act.fields and workflow.waiver_needed(support_request)
        # The page's own form, with its prefix: what the action asks for and nothing else.
        posted = {
            f"{act.name}-{name}": value
            for name, value in body.validated_data.items()
            if name != "action"
        }
        form = TransitionForm(act, posted, waiver=waiver)
        # Every field is optional; the workflow's guards decide. As on the page, a waiver reason
        # is taken only when the residual risk needs one, so no other decision reads as a waiver.
        form.is_valid()
        reason, data = form.workflow_data()
        try:
            transition = workflow.apply(
                support_request.pk, act.name, request.user, reason=reason, **data
            )
        except workflow.TransitionBlocked as blocked:
            return refusal(blocked)
        except workflow.TransitionError as error:
            return Response({"rule": "state", "detail": str(error)}, status=409)
        return Response(
            {
                "action": transition.action,
                "from_status": transition.from_status,
                "status": transition.to_status,
            }
        )

    @extend_schema(
        methods=["get"],
        responses=TransitionLogSerializer(many=True),
        description=(
            "Every attempt at a state change of the request, allowed or refused, newest first "
            "(domain.md 4.5): who, when, action, from, to, why and the codes of the rules that "
            "refused it. Paginated (?page=); 404 for a request of another entity."
        ),
    )
    @transitions.mapping.get
    def transition_log(self, request, pk=None):
        support_request = self.get_object()
        rows = support_request.transitions.select_related("actor").order_by("-at", "-id")
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(TransitionLogSerializer(page, many=True).data)

    @extend_schema(
        request=DeliverySerializer,
        responses={
            201: DeliverySerializer,
            400: OpenApiResponse(description="Bad input, on the fields."),
            403: OpenApiResponse(description="Only the entity's SSR advisors and managers."),
            409: RuleRefusalSerializer,
        },
    )
    # GET (the log) shares the URL and pages through it as every list does.
    @action(detail=True, methods=["post"], filterset_class=None)
    def deliveries(self, request, pk=None):
        """Record support delivered, as the request page's delivery form does. Refused with 409
        ``{"rule": "delivery_while_active"}`` unless the support is active (not lapsed, not
        suspended, not yet active)."""
        support_request = self.get_object()
        body = DeliverySerializer(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            delivery = services.record_delivery(
                support_request, request.user, **body.validated_data
            )
        except services.DeliveryRefused as refused:
            return Response(
                {"rule": refused.rule, "detail": refused.messages[0]},
                status=status.HTTP_409_CONFLICT,
            )
        return Response(DeliverySerializer(delivery).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        methods=["get"],
        responses=DeliverySerializer(many=True),
        description="The request's delivery log, newest first. Paginated (?page=).",
    )
    @deliveries.mapping.get
    def delivery_log(self, request, pk=None):
        support_request = self.get_object()
        rows = Delivery.objects.filter(request=support_request).select_related("recorded_by")
        page = self.paginate_queryset(rows.order_by("-date", "-id"))
        return self.get_paginated_response(DeliverySerializer(page, many=True).data)


def refusal(blocked):
    """400 when only the caller's own input is missing; 409 naming the rule otherwise."""
    blockers = blocked.blockers
    if all(b.rule in FIELD_BLOCKERS for b in blockers):
        errors = {}
        for b in blockers:
            errors.setdefault(FIELD_BLOCKERS[b.rule], []).append(str(b.message))
        return Response(errors, status=status.HTTP_400_BAD_REQUEST)
    first = blockers[0]  # the most specific rule (rules.most_specific_first)
    return Response(
        {
            "rule": first.rule,
            "detail": str(first.message),
            "blockers": [blocker_data(b) for b in blockers],
        },
        status=status.HTTP_409_CONFLICT,
    )


class CommunicationViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """The communications log (no editing: a log is appended to, as on the pages)."""

    lookup_value_regex = "[0-9]+"

    serializer_class = CommunicationSerializer
    filterset_class = CommunicationFilter
    action_roles = {"list": ANY_ROLE, "retrieve": ANY_ROLE, "create": COMMUNICATION_ROLES}

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation: no caller
            return Communication.objects.none()
        return (
            Communication.objects.filter(
                request__in=SupportRequest.objects.visible_to(self.request.user)
            )
            .select_related("recorded_by")
            .order_by("-date", "-id")
        )

    def perform_create(self, serializer):
        data = serializer.validated_data
        values = {name: data.get(name) for name in ("kind", "date", "counterpart", "summary")}
        intervention = serializer.validated_data.get("intervention")
        user = self.request.user
        if intervention is not None:
            saved = record_intervention_communication(intervention, user, **values)
        else:
            saved = services.record_communication(
                serializer.validated_data["request"], user, **values
            )
        serializer.instance = saved


class PolicySettingsView(generics.RetrieveAPIView):
    """The deployment's policy settings (domain.md 5); changed by administrators in the admin."""

    serializer_class = PolicySettingsSerializer
    pagination_class = None
    filterset_class = None

    def get_object(self):
        return PolicySettings.get_solo()
