"""Assessment and intervention endpoints. Mirrors assessments/views: members of the request's
entity see them (404 otherwise); only the entity's HROs edit an assessment, and only while
``services.edit_refusal`` allows (409 otherwise); interventions' actions as on their page."""

from django.db.models import Prefetch
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.response import Response

from assessments import services, workflow
from assessments.models import Assessment, Intervention, Measure, Risk
from assessments.queries import (
    ACTION_ROLES,
    is_entity_hro,
    visible_assessments,
    visible_interventions,
)

from .exceptions import Conflict
from .filters import AssessmentFilter, InterventionFilter
from .permissions import ANY_ROLE
from .serializers_assessments import (
    AssessmentDetailSerializer,
    AssessmentSerializer,
    AssessmentUpdateSerializer,
    InterventionActionSerializer,
    InterventionDetailSerializer,
    InterventionSerializer,
    InterventionTransitionSerializer,
    RiskResultSerializer,
    RiskWriteSerializer,
)
from .serializers_decisions import InterventionActionResultSerializer, RuleRefusalSerializer
from .serializers_support import TransitionLogSerializer

REVISION = OpenApiParameter(
    "revision", OpenApiTypes.INT, required=True, description="The assessment's revision read."
)


def conflict_body(error):
    return {"detail": str(error), "revision": error.current.revision}


class AssessmentViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Assessments are opened by the workflow ("start_assessment"), never created here."""

    lookup_value_regex = "[0-9]+"

    filterset_class = AssessmentFilter
    action_roles = {}  # any role; the queryset and the HRO check decide

    def get_serializer_class(self):
        if self.action in ("update", "partial_update"):
            return AssessmentUpdateSerializer
        if self.action in ("risks", "risk"):
            return RiskWriteSerializer
        if self.action == "transitions":
            return TransitionLogSerializer
        return AssessmentDetailSerializer if self.action == "retrieve" else AssessmentSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation: no caller
            return Assessment.objects.none()
        measures = Measure.objects.select_related("measure_type").order_by("id")
        risks = Risk.objects.order_by("id").prefetch_related(Prefetch("measures", measures))
        return (
            visible_assessments(self.request.user, Assessment.objects.all())
            .select_related("request", "drafter")
            .prefetch_related("factors", "scope_answers", "perceptions_consulted")
            .prefetch_related(Prefetch("risks", queryset=risks))
            .order_by("request_id", "-version")
        )

    def editable_assessment(self):
        assessment = self.get_object()
        if not is_entity_hro(self.request.user, assessment):
            raise PermissionDenied(
                _("Only a human rights officer of the requesting entity edits its assessments.")
            )
        refusal = services.edit_refusal(assessment)
        if refusal:
            raise Conflict(refusal)
        return assessment

    @extend_schema(responses={200: AssessmentDetailSerializer, 409: OpenApiResponse()})
    def update(self, request, *args, **kwargs):
        assessment = self.editable_assessment()
        serializer = AssessmentUpdateSerializer(
            assessment, data=request.data, partial=kwargs.get("partial", False)
        )
        serializer.is_valid(raise_exception=True)
        try:
            services.save_main(
                assessment.pk, serializer.validated_data["revision"], **serializer.save_arguments()
            )
        except services.EditRefused as error:
            raise Conflict(str(error)) from error
        except services.ConflictError as error:
            return Response(conflict_body(error), status=status.HTTP_409_CONFLICT)
        fresh = self.get_queryset().get(pk=assessment.pk)
        return Response(
            AssessmentDetailSerializer(fresh, context=self.get_serializer_context()).data
        )

    @extend_schema(request=RiskWriteSerializer, responses={201: RiskResultSerializer})
    @action(detail=True, methods=["post"], filterset_class=None, pagination_class=None)
    def risks(self, request, pk=None):
        """Add a risk, with its measures, to a draft assessment."""
        assessment = self.editable_assessment()
        return self._save_risk(request, assessment, Risk(assessment=assessment), partial=False)

    @extend_schema(
        methods=["put", "patch"], request=RiskWriteSerializer, responses=RiskResultSerializer
    )
    @extend_schema(methods=["delete"], parameters=[REVISION], request=None, responses={204: None})
    @action(
        detail=True,
        methods=["put", "patch", "delete"],
        url_path=r"risks/(?P<risk_pk>[0-9]+)",
        filterset_class=None,
        pagination_class=None,
    )
    def risk(self, request, pk=None, risk_pk=None):
        """Change (its measures with it) or delete a risk of a draft assessment."""
        assessment = self.editable_assessment()
        risk = assessment.risks.filter(pk=risk_pk).first()
        if risk is None:
            raise NotFound
        if request.method == "DELETE":
            revision = serializers.IntegerField(min_value=0, max_value=2**31 - 1)
            try:
                revision = revision.run_validation(request.query_params.get("revision"))
            except serializers.ValidationError as error:
                raise serializers.ValidationError({"revision": error.detail}) from error
            try:
                services.delete_risk(assessment.pk, revision, risk.pk)
            except services.EditRefused as error:
                raise Conflict(str(error)) from error
            except services.ConflictError as error:
                return Response(conflict_body(error), status=status.HTTP_409_CONFLICT)
            return Response(status=status.HTTP_204_NO_CONTENT)
        return self._save_risk(request, assessment, risk, partial=request.method == "PATCH")

    @extend_schema(
        request=None,
        responses={
            201: AssessmentDetailSerializer,
            403: OpenApiResponse(description="Only the entity's human rights officers."),
            409: RuleRefusalSerializer,
        },
    )
    @action(
        detail=True,
        methods=["post"],
        url_path="new-version",
        filterset_class=None,
        pagination_class=None,
    )
    def new_version(self, request, pk=None):
        """Start a new version of the request's assessment, a copy of the latest one, which a
        decision froze and which stays as decided (as the assessment page's button does): to
        resume after a suspension or to renew. Refused with 409 ``{"rule": "state"}`` when the
        latest version is not frozen or the support is not active, under review or suspended."""
        assessment = self.get_object()
        try:  # workflow.new_version refuses (403) who is not an HRO of the request's entity
            new = workflow.new_version(assessment.request_id, request.user)
        except workflow.TransitionError as error:
            return Response(
                {"rule": error.rules[0], "detail": str(error)}, status=status.HTTP_409_CONFLICT
            )
        fresh = self.get_queryset().get(pk=new.pk)
        return Response(
            AssessmentDetailSerializer(fresh, context=self.get_serializer_context()).data,
            status=status.HTTP_201_CREATED,
        )

    @extend_schema(responses=TransitionLogSerializer(many=True))
    @action(detail=True, methods=["get"], filterset_class=None)
    def transitions(self, request, pk=None):
        """The request's workflow steps taken on this assessment version, allowed or refused,
        newest first (domain.md 4.5): who, when, action, from, to, why and the codes of the
        rules that refused it. Paginated (?page=); 404 outside the entity."""
        assessment = self.get_object()
        rows = assessment.transitions.select_related("actor").order_by("-at", "-id")
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(TransitionLogSerializer(page, many=True).data)

    def _save_risk(self, request, assessment, risk, partial):
        serializer = RiskWriteSerializer(risk, data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        creating = risk.pk is None
        try:
            saved = services.save_risk(
                assessment.pk,
                data["revision"],
                {name: data[name] for name in services.RISK_FIELDS if name in data},
                serializer.measure_changes(data),
                risk_pk=risk.pk,
            )
        except services.EditRefused as error:
            raise Conflict(str(error)) from error
        except services.ConflictError as error:
            return Response(conflict_body(error), status=status.HTTP_409_CONFLICT)
        saved = Risk.objects.select_related("assessment").get(pk=saved.pk)
        return Response(
            RiskResultSerializer(saved).data,
            status=status.HTTP_201_CREATED if creating else status.HTTP_200_OK,
        )


class InterventionViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Interventions are opened by the monitoring triggers; people take their actions."""

    lookup_value_regex = "[0-9]+"

    filterset_class = InterventionFilter
    action_roles = {
        "list": ANY_ROLE,
        "retrieve": ANY_ROLE,
        "actions": ACTION_ROLES,
        "transitions": ANY_ROLE,
    }

    def get_serializer_class(self):
        if self.action == "actions":
            return InterventionActionSerializer
        if self.action == "transitions":
            return InterventionTransitionSerializer
        return InterventionDetailSerializer if self.action == "retrieve" else InterventionSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation: no caller
            return Intervention.objects.none()
        return (
            visible_interventions(self.request.user)
            .select_related("request", "trigger", "closed_by")
            .order_by("response_due", "pk")
        )

    @extend_schema(
        request=InterventionActionSerializer,
        responses={200: InterventionActionResultSerializer, 409: OpenApiResponse()},
    )
    @action(detail=True, methods=["post"], filterset_class=None, pagination_class=None)
    def actions(self, request, pk=None):
        """Escalate, resolve, continue with measures, or suspend (the managers' decision)."""
        intervention = self.get_object()
        body = InterventionActionSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        act = workflow.INTERVENTION_ACTIONS[body.validated_data["action"]]
        reason = body.validated_data.get("reason", "").strip()
        # As on the page, the workflow decides and logs every attempt: a role the action does
        # not allow is refused there (403), a missing reason too (400 on the field).
        try:
            _intervention, suspended = workflow.apply_intervention(
                intervention.pk, act.name, request.user, reason=reason
            )
        except workflow.TransitionBlocked as blocked:
            if not reason:
                raise serializers.ValidationError(
                    {"reason": [_("This field is required.")]}
                ) from blocked
            raise Conflict(str(blocked)) from blocked
        except workflow.TransitionError as error:
            raise Conflict(str(error)) from error
        fresh = self.get_queryset().get(pk=intervention.pk)
        context = {
            **self.get_serializer_context(),
            "suspended_requests": [t.request_id for t in suspended],
        }
        return Response(InterventionActionResultSerializer(fresh, context=context).data)

    @extend_schema(responses=InterventionTransitionSerializer(many=True))
    @action(detail=True, methods=["get"], filterset_class=None)
    def transitions(self, request, pk=None):
        """Every step of the intervention, allowed or refused, newest first (domain.md 4.5): its
        opening by the system, then each attempt to escalate, resolve, continue or suspend, with
        the codes of the rules that refused it. Paginated (?page=); 404 outside the entity."""
        intervention = self.get_object()
        rows = intervention.transitions.select_related("actor").order_by("-at", "-id")
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(InterventionTransitionSerializer(page, many=True).data)
