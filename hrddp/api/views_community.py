"""Community endpoints. Mirrors hrddp/community/views: perceptions are read by whoever reads the
registry and written by HROs; any signed-in staff member, with or without a role, reports an
abuse and sees their own reports, nobody else's. The same queries and services."""

from rest_framework import mixins, status, viewsets
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from hrddp.accounts.access import REGISTRY_EDITORS, REGISTRY_READERS
from hrddp.community.filters import PerceptionFilter
from hrddp.community.models import Perception
from hrddp.community.queries import perceptions_of, reports_of
from hrddp.community.services import report_abuse, save_perception
from hrddp.registry.models import Violation

from .serializers_community import AbuseReportSerializer, PerceptionSerializer


class PerceptionViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Community perceptions (domain.md 6.1): list, read, record, correct (no delete: the pages
    delete nothing either)."""

    lookup_value_regex = "[0-9]+"
    serializer_class = PerceptionSerializer
    filterset_class = PerceptionFilter
    action_roles = {
        "list": REGISTRY_READERS,
        "retrieve": REGISTRY_READERS,
        "create": REGISTRY_EDITORS,
        "update": REGISTRY_EDITORS,
        "partial_update": REGISTRY_EDITORS,
    }

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation: no caller
            return Perception.objects.none()
        return perceptions_of(self.request.user).select_related("recorded_by")

    def perform_create(self, serializer):
        user = self.request.user
        # The service's ValidationError is a 400 with field errors (api.exceptions).
        serializer.instance = save_perception(user, serializer.validated_data)

    def perform_update(self, serializer):
        user, perception = self.request.user, serializer.instance
        serializer.instance = save_perception(user, serializer.validated_data, perception)


class AbuseReportViewSet(mixins.ListModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet):
    """The report of an abuse (domain.md 6.4): any signed-in staff member, with or without a role,
    reports what they witnessed (it becomes an alleged violation for the HROs to triage) and lists
    their own reports, with only what they need to follow them."""

    serializer_class = AbuseReportSerializer
    permission_classes = [IsAuthenticated]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation: no caller
            return Violation.objects.none()
        return reports_of(self.request.user)

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        report = report_abuse(request.user, serializer.validated_data)
        report = reports_of(request.user).get(pk=report.pk)
        return Response(self.get_serializer(report).data, status=status.HTTP_201_CREATED)
