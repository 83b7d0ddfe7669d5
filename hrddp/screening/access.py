"""Who may see and do what with a request's participants and their screening (domain.md 4.6).

A participant belongs to its request: whoever may not see the request gets 404 for its
participants. The SSR advisors of the request's entity keep its list until the decision; the HROs of
the entity screen (candidates are records of the registry, which only registry readers see);
managers and auditors read the outcomes.
"""

from django.shortcuts import get_object_or_404

from hrddp.accounts.access import can_read_registry
from hrddp.accounts.models import Role
from hrddp.support.access import holds_role_in
from hrddp.support.models import RequestStatus, SupportRequest

from .models import Participant

# The list is the requester's until the request goes for decision.
PARTICIPANT_EDITABLE_STATUSES = (
    RequestStatus.DRAFT,
    RequestStatus.RETURNED,
    RequestStatus.SUBMITTED,
    RequestStatus.UNDER_ASSESSMENT,
)
# Screening happens while the request is assessed (or re-assessed after a trigger), and until the
# decision: rule D8 sends the HRO to finish it when a manager is about to decide.
SCREENING_STATUSES = (
    RequestStatus.SUBMITTED,
    RequestStatus.UNDER_ASSESSMENT,
    RequestStatus.AWAITING_DECISION,
    RequestStatus.UNDER_REVIEW,
    RequestStatus.ACTIVE,
    RequestStatus.SUSPENDED,
)


def visible_participants(user):
    return Participant.objects.filter(request__in=SupportRequest.objects.visible_to(user))


def get_participant_for_user(user, pk, queryset=None):
    queryset = queryset if queryset is not None else Participant.objects.all()
    return get_object_or_404(
        queryset.filter(request__in=SupportRequest.objects.visible_to(user)), pk=pk
    )


def can_edit_participants(user, support_request):
    return holds_role_in(user, support_request, Role.REQUESTER)


def participants_editable(support_request):
    return support_request.status in PARTICIPANT_EDITABLE_STATUSES


def can_screen(user, support_request):
    """The HROs of the request's entity screen its participants and decide on candidates."""
    return can_read_registry(user) and holds_role_in(user, support_request, Role.HRO)


def can_see_candidates(user, support_request):
    """Candidates are the registry's records: for those who screen."""
    return can_screen(user, support_request)


def screening_open(support_request):
    return support_request.status in SCREENING_STATUSES
