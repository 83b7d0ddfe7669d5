"""Each user's own notifications (as the notification page lists them) and marking them read,
through the same lookups (``notifications.queries``) and write (``notifications.services``) as
the page. Someone else's notification answers 404."""

import django_filters
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from hrddp.notifications import queries, services
from hrddp.notifications.models import Notification

from .permissions import ANY_ROLE


class NotificationSerializer(serializers.ModelSerializer):
    # In the reader's language, as the page shows them.
    subject = serializers.CharField(source="subject_text", read_only=True)
    body = serializers.CharField(source="body_text", read_only=True)

    class Meta:
        model = Notification
        fields = ["id", "subject", "body", "url", "created_at", "read_at"]
        read_only_fields = fields


class MarkedReadSerializer(serializers.Serializer):
    marked_read = serializers.IntegerField(
        help_text=_("How many of your notifications were unread and are now read.")
    )


class NotificationFilter(django_filters.FilterSet):
    unread = django_filters.BooleanFilter(
        label=_("Unread only"), field_name="read_at", lookup_expr="isnull"
    )

    class Meta:
        model = Notification
        fields = ["unread"]


class NotificationViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """The caller's notifications, newest first. ``POST .../{id}/read/`` marks one read,
    ``POST .../read/`` marks all of them read, as the page's buttons do."""

    lookup_value_regex = "[0-9]+"
    serializer_class = NotificationSerializer
    filterset_class = NotificationFilter
    action_roles = {"list": ANY_ROLE, "retrieve": ANY_ROLE, "read": ANY_ROLE, "read_all": ANY_ROLE}

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation: no caller
            return Notification.objects.none()
        return queries.notifications_of(self.request.user)

    @extend_schema(request=None, responses=MarkedReadSerializer, operation_id="notifications_read")
    @action(detail=True, methods=["post"])
    def read(self, request, pk=None):
        notification = self.get_object()
        return Response({"marked_read": services.mark_read(request.user, notification)})

    @extend_schema(
        request=None, responses=MarkedReadSerializer, operation_id="notifications_read_all"
    )
    @action(detail=False, methods=["post"], url_path="read")
    def read_all(self, request):
        return Response({"marked_read": services.mark_read(request.user)})
