"""API: a support request's participants (issue 15). Mirrors hrddp/screening/views_participants:
whoever sees the request reads its list (404 otherwise); its entity's SSR advisors change it (403
for anyone else) until the request goes for decision (then 409 naming the rule
``participants_editable``); every write through ``hrddp.screening.services``."""

from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics, mixins, status, viewsets
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from hrddp.screening import services
from hrddp.screening.access import (
    can_edit_participants,
    participants_editable,
    visible_participants,
)
from hrddp.screening.models import Outcome, Participant
from hrddp.screening.queries import UNSCREENED_FILTER, participants_of
from hrddp.support.access import get_request_for_user

from .exceptions import rule_refusal
from .permissions import ANY_ROLE
from .serializers_decisions import RuleRefusalSerializer
from .serializers_participants import ParticipantSerializer

WRITE_RESPONSES = {
    400: OpenApiResponse(description="Bad input, on the fields."),
    403: OpenApiResponse(description="Only the SSR advisors of the request's entity."),
    409: RuleRefusalSerializer,
}


def check_may_edit(user, support_request):
    """403 for who may not change the list; ``ParticipantsFrozen`` once it may not change."""
    if not can_edit_participants(user, support_request):
        raise PermissionDenied
    if not participants_editable(support_request):
        raise services.ParticipantsFrozen(support_request)


class RequestParticipantsView(generics.ListCreateAPIView):
    """The participants of a support request, by name (``?name=``, part of it; ``?outcome=``:
    cleared, excluded, needs_information or unscreened), a page at a time; POST adds one."""

    serializer_class = ParticipantSerializer
    filterset_class = None
    action_roles = {"get": ANY_ROLE, "post": ANY_ROLE}

    def support_request(self):
        if not hasattr(self, "_support_request"):
            self._support_request = get_request_for_user(self.request.user, self.kwargs["pk"])
        return self._support_request

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation: no caller
            return Participant.objects.none()
        params = self.request.query_params
        return participants_of(
            self.support_request(),
            name=params.get("name", "")[:200],
            outcome=params.get("outcome", ""),
        )

    @extend_schema(
        parameters=[
            OpenApiParameter("name", str, description="Part of the name, case aside."),
            OpenApiParameter(
                "outcome",
                str,
                enum=[*Outcome.values, UNSCREENED_FILTER],
                description="An outcome, or unscreened: none yet or more information needed.",
            ),
        ]
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(responses={201: ParticipantSerializer, **WRITE_RESPONSES})
    def post(self, request, *args, **kwargs):
        support_request = self.support_request()
        body = self.get_serializer(data=request.data)
        try:
            check_may_edit(request.user, support_request)
            body.is_valid(raise_exception=True)
            participant = services.add_participant(support_request, request.user, **body.values())
        except services.ParticipantsFrozen as frozen:
            return rule_refusal(frozen.rule, frozen)
        return Response(ParticipantSerializer(participant).data, status=status.HTTP_201_CREATED)


class ParticipantViewSet(
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """One participant: read it, change what was typed (PATCH: a change to the name, date of
    birth, service number or unit clears the screening), remove it."""

    lookup_value_regex = "[0-9]+"
    serializer_class = ParticipantSerializer
    http_method_names = ["get", "patch", "delete", "head", "options"]
    action_roles = {"retrieve": ANY_ROLE, "partial_update": ANY_ROLE, "destroy": ANY_ROLE}

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation: no caller
            return Participant.objects.none()
        return visible_participants(self.request.user).select_related("request", "unit")

    @extend_schema(responses={200: ParticipantSerializer, **WRITE_RESPONSES})
    def partial_update(self, request, *args, **kwargs):
        participant = self.get_object()
        body = self.get_serializer(participant, data=request.data, partial=True)
        try:
            check_may_edit(request.user, participant.request)
            body.is_valid(raise_exception=True)
            participant = services.update_participant(participant, request.user, **body.values())
        except services.ParticipantsFrozen as frozen:
            return rule_refusal(frozen.rule, frozen)
        return Response(ParticipantSerializer(participant).data)

    @extend_schema(responses={204: None, 403: WRITE_RESPONSES[403], 409: RuleRefusalSerializer})
    def destroy(self, request, *args, **kwargs):
        participant = self.get_object()
        try:
            check_may_edit(request.user, participant.request)
            services.delete_participant(participant, request.user)
        except services.ParticipantsFrozen as frozen:
            return rule_refusal(frozen.rule, frozen)
        return Response(status=status.HTTP_204_NO_CONTENT)
