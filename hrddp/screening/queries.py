"""Named lookups of a request's participants: the list (filtered, for a page or the API) and its
counts. Who may see them is ``access``."""

from django.db.models import Count, Q

from .models import Outcome, Participant

# The outcome filter's extra value: no final outcome yet (D8's "unscreened").
UNSCREENED = "unscreened"


def participants_of(support_request, *, name="", outcome=""):
    """The request's participants, by name, with their unit; ``name`` (part of it, case aside)
    and ``outcome`` (an ``Outcome``, or ``UNSCREENED``) narrow it."""
    participants = Participant.objects.filter(request=support_request)
    if outcome == UNSCREENED:
        participants = participants.unscreened()
    elif outcome in Outcome.values:
        participants = participants.filter(outcome=outcome)
    if name:
        participants = participants.filter(name__icontains=name)
    return participants.select_related("unit").order_by("name", "pk")


def participant_counts(support_request):
    """{"total", "unscreened", "excluded", "cleared", "needs_information"} of the request's
    participants, in one query."""
    participants = Participant.objects.filter(request=support_request)
    return participants.aggregate(
        total=Count("pk"),
        # As D8 counts them: whatever ``unscreened()`` says, in the same query.
        unscreened=Count("pk", filter=Q(pk__in=participants.unscreened().values("pk"))),
        excluded=Count("pk", filter=Q(outcome=Outcome.EXCLUDED)),
        cleared=Count("pk", filter=Q(outcome=Outcome.CLEARED)),
        needs_information=Count("pk", filter=Q(outcome=Outcome.NEEDS_INFORMATION)),
    )
