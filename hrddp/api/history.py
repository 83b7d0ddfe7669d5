"""A record's history (``GET /api/v1/<records>/{id}/history/``), as the record's page shows it:
``hrddp.audit.history.history_of`` decides which changes, fields and actors the caller may read,
for the page and the API alike; the record's own lookup decides whether it exists for them."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.utils.urls import remove_query_param, replace_query_param

from hrddp.audit.history import MAX_PAGE, history_of

PAGE = "page"


class HistoryChangeSerializer(serializers.Serializer):
    field = serializers.CharField()
    old = serializers.CharField(required=False)
    new = serializers.CharField(required=False)


class HistoryEntrySerializer(serializers.Serializer):
    at = serializers.DateTimeField()
    user = serializers.SerializerMethodField()
    by = serializers.CharField(
        allow_blank=True, help_text=_("The command or task that made the change, if no user did.")
    )
    concealed = serializers.BooleanField(
        help_text=_("Who made the change is an identity the caller may not see (domain.md 7).")
    )
    what = serializers.CharField()
    label = serializers.CharField()
    changes = serializers.SerializerMethodField()

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_user(self, row):
        return (row.user.get_full_name() or row.user.username) if row.user else None

    @extend_schema_field(HistoryChangeSerializer(many=True))
    def get_changes(self, row):
        """Each changed field with its old and new values, or only its name where the caller
        sees which fields changed and not their values (as on the page)."""
        if not self.context["show_values"]:
            return [{"field": str(label)} for label, _old, _new in row.changes]
        return [
            {"field": str(label), "old": str(old), "new": str(new)}
            for label, old, new in row.changes
        ]


class HistoryPageSerializer(serializers.Serializer):
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    show_values = serializers.BooleanField()
    results = HistoryEntrySerializer(many=True)


class HistoryQuerySerializer(serializers.Serializer):
    page = serializers.IntegerField(min_value=1, max_value=MAX_PAGE, default=1)


def history_response(request, record):
    """A page of ``record``'s history for the caller (50 changes, newest first): 400 on a page
    that is not a number, 404 on a page past the end, as the record's page."""
    query = HistoryQuerySerializer(data=request.query_params)
    query.is_valid(raise_exception=True)
    page = query.validated_data[PAGE]
    history = history_of(record, request.user, page)
    url = request.build_absolute_uri()
    body = {
        "next": replace_query_param(url, PAGE, history.older_page) if history.older_page else None,
        "previous": None,
        "show_values": history.show_values,
        "results": HistoryEntrySerializer(
            history.rows, many=True, context={"show_values": history.show_values}
        ).data,
    }
    if history.newer_page:
        newer = history.newer_page
        body["previous"] = (
            replace_query_param(url, PAGE, newer) if newer > 1 else remove_query_param(url, PAGE)
        )
    return Response(body)


def history_action(get_record=None):
    """The ``history`` action of a record's viewset; ``get_record(view, request, pk)`` looks the
    record up as its page does (default: the viewset's own ``get_object``, 404 outside it)."""

    @extend_schema(
        responses=HistoryPageSerializer,
        filters=False,
        parameters=[
            OpenApiParameter(PAGE, int, description="Page of 50 changes, newest first."),
        ],
    )
    @action(detail=True, methods=["get"], pagination_class=None, filterset_class=None)
    def history(self, request, pk=None):
        """Every change to the record and to the rows that reference it, newest first, as its
        page shows them: what the caller may not see on the page is not here either (a source's
        changes, the reporter, a unit's commanders, who made a change that would name a witness);
        a record the caller may not see is 404."""
        record = get_record(self, request, pk) if get_record else self.get_object()
        return history_response(request, record)

    return history
