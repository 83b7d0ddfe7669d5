"""Decisions: the decisions on the caller's entities' requests (as each request page lists them)
and the waiver report (as the waivers page: managers and auditors, their entities' waivers)."""

import django_filters
from django.utils.translation import gettext_lazy as _
from rest_framework import mixins, viewsets

from assessments.models import Decision, DecisionKind
from assessments.queries import visible_decisions, waiver_decisions
from hrddp.support.access import WAIVER_READERS

from .permissions import ANY_ROLE
from .serializers_decisions import DecisionSerializer

RELATED = ("request__entity", "decided_by", "assessment")


class DecisionFilter(django_filters.FilterSet):
    request = django_filters.NumberFilter(label=_("Request"), field_name="request_id")
    kind = django_filters.ChoiceFilter(label=_("Decision"), choices=DecisionKind.choices)

    class Meta:
        model = Decision
        fields = ["request", "kind"]


class DecisionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Decisions are taken by the workflow (``approve``, ``reject``... on the request's
    ``transitions``), never created here. A decision on another entity's request answers 404."""

    lookup_value_regex = "[0-9]+"
    serializer_class = DecisionSerializer
    filterset_class = DecisionFilter
    action_roles = {"list": ANY_ROLE, "retrieve": ANY_ROLE}

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation: no caller
            return Decision.objects.none()
        return visible_decisions(self.request.user).select_related(*RELATED)


class WaiverViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """The waiver report: approvals granted although the residual risk was high (rule D2), each
    with the manager's written reason; for managers and auditors, of their own entities."""

    serializer_class = DecisionSerializer
    filterset_class = None
    action_roles = {"list": WAIVER_READERS}

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation: no caller
            return Decision.objects.none()
        return waiver_decisions(self.request.user).select_related(*RELATED)
