"""API: one person, one record (issue 15). Merging two people, undoing a merge, the merges, and
the queue of likely duplicates: the pages' services (``registry.merging``) and the same rules:
HROs merge and undo (403 for other roles), a person or merge that does not exist answers 404, a
merge or undo the records' state refuses answers 409 ``{"rule", "detail"}``."""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics, mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.utils.urls import replace_query_param

from hrddp.accounts.access import REGISTRY_EDITORS, REGISTRY_READERS, can_read_registry
from hrddp.pagination import paginate
from hrddp.registry import merging
from hrddp.registry.models import Person, PersonMerge
from hrddp.registry.queries import (
    DUPLICATE_PEOPLE_PER_PAGE,
    duplicate_pairs,
    duplicate_queue_people,
    person_merges,
)

from .exceptions import rule_refusal
from .permissions import ANY_ROLE
from .serializers_merge import (
    DismissRequestSerializer,
    DuplicatePageSerializer,
    MergeRequestSerializer,
    PersonMergeSerializer,
    UndoRequestSerializer,
)

REFUSAL = OpenApiResponse(description='The records\' state refuses it: {"rule", "detail"}.')


class PersonMergeView(generics.GenericAPIView):
    """Merge the person of the URL into another (``into``), saying why."""

    action_roles = {"post": REGISTRY_EDITORS}
    serializer_class = MergeRequestSerializer

    @extend_schema(
        request=MergeRequestSerializer,
        responses={200: PersonMergeSerializer, 409: REFUSAL},
        description="HROs only. Everything pointing at the person moves to ``into``; the person "
        "is marked merged. Refused with 409: ``merge_same_person``, ``merge_source_merged`` "
        "(already merged), ``merge_target_merged`` (``into`` was merged itself).",
    )
    def post(self, request, pk):
        source = get_object_or_404(Person, pk=pk)
        data = MergeRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            record = merging.merge(
                source, data.validated_data["into"], request.user, data.validated_data["reason"]
            )
        except merging.MergeRefused as refusal:
            return rule_refusal(refusal.rule, refusal.message)
        return Response(PersonMergeSerializer(record).data)


class PersonMergeViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """The merges of two people, newest first, with what each moved; undo one."""

    lookup_value_regex = "[0-9]+"
    serializer_class = PersonMergeSerializer
    # Retrieving: any role, and 404 unless the caller reads the registry, as a person.
    action_roles = {"list": REGISTRY_READERS, "retrieve": ANY_ROLE, "undo": REGISTRY_EDITORS}

    def get_queryset(self):
        if not can_read_registry(self.request.user):
            return PersonMerge.objects.none()
        return person_merges()

    @extend_schema(
        request=UndoRequestSerializer,
        responses={200: PersonMergeSerializer, 409: REFUSAL},
        description="HROs only. The rows the merge moved go back, the aliases and fields it "
        "gave the kept record are taken away. Refused with 409: ``merge_already_undone``, "
        "``merge_later_merge`` (a later merge involves either person: undo it first).",
    )
    @action(detail=True, methods=["post"])
    def undo(self, request, pk=None):
        record = self.get_object()
        data = UndoRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            record = merging.undo(record, request.user, data.validated_data["reason"])
        except merging.MergeRefused as refusal:
            return rule_refusal(refusal.rule, refusal.message)
        return Response(PersonMergeSerializer(person_merges().get(pk=record.pk)).data)


class DuplicateListView(generics.GenericAPIView):
    """The queue of likely duplicates, as on its page: the pairs found from one page of people
    (``?page=``, the newest first)."""

    action_roles = {"get": REGISTRY_EDITORS}
    serializer_class = DuplicatePageSerializer
    pagination_class = None
    filter_backends = []

    @extend_schema(
        parameters=[OpenApiParameter("page", int, description="The page of people looked at.")]
    )
    def get(self, request):
        page = paginate(
            request, duplicate_queue_people(), per_page=DUPLICATE_PEOPLE_PER_PAGE, counted=False
        )
        url = request.build_absolute_uri()
        data = {
            "page": page.number,
            "next": replace_query_param(url, "page", page.next_page_number())
            if page.has_next()
            else None,
            "previous": replace_query_param(url, "page", page.previous_page_number())
            if page.has_previous()
            else None,
            "results": [
                {
                    "person": pair.person,
                    "other": pair.other,
                    "score": pair.score,
                    "level": pair.level,
                    "reasons": pair.reasons,
                }
                for pair in duplicate_pairs(page.object_list)
            ],
        }
        return Response(DuplicatePageSerializer(data).data)


class DuplicateDismissView(generics.GenericAPIView):
    """ "Not the same person": the pair is never proposed again."""

    action_roles = {"post": REGISTRY_EDITORS}
    serializer_class = DismissRequestSerializer

    @extend_schema(
        request=DismissRequestSerializer,
        responses={204: None, 409: REFUSAL},
        description="HROs only. Refused with 409 ``merge_same_person`` for one person twice.",
    )
    def post(self, request):
        data = DismissRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            merging.dismiss_duplicate(
                data.validated_data["first"], data.validated_data["second"], request.user
            )
        except merging.MergeRefused as refusal:
            return rule_refusal(refusal.rule, refusal.message)
        return Response(status=status.HTTP_204_NO_CONTENT)
