"""API: screening (issue 15). The screening page's services (``screening.services_screening``) and
the same rules: whoever sees a request reads its screening counts; the HROs of its entity screen,
see candidates and decide (403 for the other roles); a request, participant or candidate the
caller may not see answers 404; a refusal of the records' state answers 409 ``{"rule",
"detail"}``."""

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, status
from rest_framework.response import Response

from hrddp.screening import queries_screening, services_screening
from hrddp.screening.access import can_screen, can_see_candidates, get_participant_for_user
from hrddp.screening.models import Candidate, Participant
from hrddp.screening.queries import participant_counts
from hrddp.support.access import get_request_for_user

from .exceptions import rule_refusal
from .serializers_screening import (
    CandidateDecisionSerializer,
    CandidateSerializer,
    ClearedSerializer,
    DecisionRequestSerializer,
    OutcomeRequestSerializer,
    ParticipantOutcomeSerializer,
    ScreeningStatusSerializer,
)

REFUSAL = OpenApiResponse(description='The records\' state refuses it: {"rule", "detail"}.')


def screening_status(support_request):
    return ScreeningStatusSerializer(
        {
            "counts": participant_counts(support_request),
            "run": queries_screening.latest_run(support_request),
        }
    ).data


def screenable_request(user, pk):
    support_request = get_request_for_user(user, pk)
    if not can_screen(user, support_request):
        raise PermissionDenied
    return support_request


def screener_participant(user, pk):
    participant = get_participant_for_user(user, pk, Participant.objects.select_related("request"))
    if not can_see_candidates(user, participant.request):
        raise PermissionDenied
    return participant


class RequestScreeningView(generics.GenericAPIView):
    """The screening of a request's participants: counts by state and the latest run; POST
    screens them all (a short list at once, a long one in a background run)."""

    serializer_class = ScreeningStatusSerializer
    pagination_class = None
    filter_backends = []

    def get(self, request, pk):
        return Response(screening_status(get_request_for_user(request.user, pk)))

    @extend_schema(
        request=None,
        responses={200: ScreeningStatusSerializer, 202: ScreeningStatusSerializer, 409: REFUSAL},
        description="HROs of the request's entity. 200 once a short list is screened; 202 while "
        "a background run screens a long one (follow it with GET). Refused with 409 ``state`` "
        "outside assessment and monitoring.",
    )
    def post(self, request, pk):
        support_request = screenable_request(request.user, pk)
        try:
            run = services_screening.start_run(support_request, request.user)
        except services_screening.ScreeningRefused as refusal:
            return rule_refusal(refusal.rule, refusal.message)
        return Response(
            screening_status(support_request),
            status=status.HTTP_200_OK if run is None else status.HTTP_202_ACCEPTED,
        )


class RequestScreeningClearView(generics.GenericAPIView):
    """ "Clear the rest": every participant searched for, with no candidate to decide, no
    confirmed match and no outcome, is cleared."""

    serializer_class = ClearedSerializer

    @extend_schema(request=None, responses={200: ClearedSerializer, 409: REFUSAL})
    def post(self, request, pk):
        support_request = screenable_request(request.user, pk)
        try:
            cleared = services_screening.clear_remaining(support_request, request.user)
        except services_screening.ScreeningRefused as refusal:
            return rule_refusal(refusal.rule, refusal.message)
        return Response({"cleared": cleared})


class ParticipantCandidatesView(generics.GenericAPIView):
    """A participant's candidate matches, best first, with why each matched and the person's
    record; POST searches the registry again for this participant."""

    serializer_class = CandidateSerializer
    pagination_class = None
    filter_backends = []

    def candidates(self, participant):
        return CandidateSerializer(queries_screening.candidates_of(participant), many=True).data

    @extend_schema(responses={200: CandidateSerializer(many=True)})
    def get(self, request, pk):
        return Response(self.candidates(screener_participant(request.user, pk)))

    @extend_schema(request=None, responses={200: CandidateSerializer(many=True), 409: REFUSAL})
    def post(self, request, pk):
        participant = screener_participant(request.user, pk)
        try:
            services_screening.screen_participant(participant, request.user)
        except services_screening.ScreeningRefused as refusal:
            return rule_refusal(refusal.rule, refusal.message)
        return Response(self.candidates(participant))


class CandidateDecisionView(generics.GenericAPIView):
    """Confirm (same person), reject, or set back to decide a candidate."""

    serializer_class = DecisionRequestSerializer

    @extend_schema(
        request=DecisionRequestSerializer,
        responses={200: CandidateDecisionSerializer, 409: REFUSAL},
        description="Refused with 409 ``one_confirmed`` when another candidate of the "
        "participant is confirmed (set it back or reject it first).",
    )
    def post(self, request, pk):
        candidate = get_object_or_404(Candidate, pk=pk)
        screener_participant(request.user, candidate.participant_id)
        data = DecisionRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            candidate = services_screening.decide(
                candidate, data.validated_data["decision"], request.user
            )
        except services_screening.ScreeningRefused as refusal:
            return rule_refusal(refusal.rule, refusal.message)
        return Response(CandidateDecisionSerializer(candidate).data)


class ParticipantOutcomeView(generics.GenericAPIView):
    """Record a participant's outcome: cleared, excluded (with the reason) or needs more
    information."""

    serializer_class = OutcomeRequestSerializer

    @extend_schema(
        request=OutcomeRequestSerializer,
        responses={200: ParticipantOutcomeSerializer, 409: REFUSAL},
        description="Refused with 409: ``reason`` (excluding needs one), ``pending`` (clearing "
        "while a candidate is still to decide).",
    )
    def post(self, request, pk):
        participant = screener_participant(request.user, pk)
        data = OutcomeRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            participant = services_screening.record_outcome(
                participant,
                data.validated_data["outcome"],
                data.validated_data["reason"],
                request.user,
            )
        except services_screening.ScreeningRefused as refusal:
            return rule_refusal(refusal.rule, refusal.message)
        return Response(ParticipantOutcomeSerializer(participant).data)
