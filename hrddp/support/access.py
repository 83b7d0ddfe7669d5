"""Who may see and do what with support requests (domain.md 2 and 7).

A request outside the user's entities answers 404, as if it did not exist. Roles count only in the
request's own entity: a manager of UNDP is no manager of the mission's requests.
"""

from django.shortcuts import get_object_or_404

from hrddp.accounts.models import Entity, Role

from .models import RequestStatus, SupportRequest

EDITABLE_STATUSES = (RequestStatus.DRAFT, RequestStatus.RETURNED)
COMMUNICATION_ROLES = (Role.REQUESTER, Role.HRO, Role.MANAGER)
DELIVERY_ROLES = (Role.REQUESTER, Role.MANAGER)
WAIVER_READERS = (Role.MANAGER, Role.AUDITOR)


def get_request_for_user(user, pk, queryset=None):
    queryset = queryset if queryset is not None else SupportRequest.objects.all()
    return get_object_or_404(queryset.visible_to(user), pk=pk)


def holds_role_in(user, support_request, *roles):
    return support_request.entity_id in user.entity_ids_for(*roles)


def requester_entities(user):
    """The entities for which the user drafts requests."""
    return Entity.objects.filter(pk__in=user.entity_ids_for(Role.REQUESTER)).order_by("name")


def can_edit_request(user, support_request):
    return holds_role_in(user, support_request, Role.REQUESTER)


def is_editable(support_request):
    return support_request.status in EDITABLE_STATUSES


def can_record_communication(user, support_request):
    return holds_role_in(user, support_request, *COMMUNICATION_ROLES)


def can_record_delivery(user, support_request):
    return holds_role_in(user, support_request, *DELIVERY_ROLES)


def waiver_entity_ids(user):
    """Entities whose waivers the user reads: those where they are manager or auditor."""
    return user.entity_ids_for(*WAIVER_READERS)


# An SSR advisor sees the record of a unit their requests name, as a summary (domain.md 7).


def summary_unit_ids(user):
    """Units whose record an SSR advisor sees as a summary: those named in their entities'
    submitted requests (read once per user instance, that is once per web request, like the roles).

    Not drafts: a draft is the advisor's own scratch pad, and naming any unit in one would unlock
    that unit's record (issue 12, hole 10). A submitted request went before an HRO."""
    if not user.has_role(Role.REQUESTER):
        return frozenset()
    if not hasattr(user, "_summary_unit_ids"):
        entity_ids = user.entity_ids_for(Role.REQUESTER)
        user._summary_unit_ids = frozenset(
            SupportRequest.objects.submitted()
            .filter(entity_id__in=entity_ids)
            .values_list("recipient_units", flat=True)
        ) - {None}
    return user._summary_unit_ids
