"""A source's erasure (domain.md 7). Mirrors the erasure pages (hrddp/registry/views/violations):
a source exists only for who may read the registry (404 otherwise); its erasure is for the HROs
who ask and the managers who confirm (403 for other readers); the same services write it."""

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from hrddp.accounts.access import can_confirm_erasures, can_open_erasure, can_request_erasure
from hrddp.registry import services
from hrddp.registry.queries import get_source_for_user

from .exceptions import rule_refusal
from .permissions import ANY_ROLE
from .serializers_sources import ErasureRequestSerializer, SourceErasureSerializer

REFUSAL = OpenApiResponse(description='The erasure\'s state refuses it: {"rule", "detail"}.')


class SourceViewSet(viewsets.GenericViewSet):
    """The erasure of a source's identity and contact: an HRO asks, with a reason; a manager of
    one of that HRO's entities confirms, and the identity is destroyed. No answer ever carries
    the identity or contact."""

    lookup_value_regex = "[0-9]+"
    serializer_class = SourceErasureSerializer
    # Any role, so that an SSR advisor gets 404 (not 403) on a source they may not read.
    action_roles = {"erasure": ANY_ROLE, "erasure_confirm": ANY_ROLE}

    def get_source(self):
        source = get_source_for_user(self.request.user, self.kwargs["pk"])
        if not can_open_erasure(self.request.user):
            raise PermissionDenied
        return source

    @extend_schema(
        request=ErasureRequestSerializer,
        responses={201: SourceErasureSerializer, 409: REFUSAL},
        description='HROs only. Refused with 409 ``{"rule": "erasure_already_requested"}`` when '
        "the erasure of this source was already asked for.",
    )
    @action(detail=True, methods=["post"])
    def erasure(self, request, pk=None):
        source = self.get_source()
        if not can_request_erasure(request.user):
            raise PermissionDenied
        data = ErasureRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            erasure = services.request_erasure(source, request.user, data.validated_data["reason"])
        except services.ErasureRefused:
            return rule_refusal(
                "erasure_already_requested",
                _("The erasure of this identity was already asked for."),
            )
        return Response(SourceErasureSerializer(erasure).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=None,
        responses={200: SourceErasureSerializer, 409: REFUSAL},
        description="A manager of one of the requesting HRO's entities, not the HRO who asked. "
        'Refused with 409 ``{"rule": "erasure_not_awaiting_confirmation"}`` when no erasure '
        "of this source waits for confirmation.",
    )
    @action(detail=True, methods=["post"], url_path="erasure/confirm")
    def erasure_confirm(self, request, pk=None):
        source = self.get_source()
        if not can_confirm_erasures(request.user):
            raise PermissionDenied
        try:
            erasure = services.confirm_erasure(source, request.user)
        except services.ErasureRefused:
            return rule_refusal(
                "erasure_not_awaiting_confirmation",
                _("There is no erasure waiting for confirmation."),
            )
        return Response(SourceErasureSerializer(erasure).data)
