"""Named lookups of a request's participants: the list (filtered, for a page or the API) and its
counts. Who may see them is ``access``."""

from django.db.models import Count, Q

from .models import UNSCREENED, Outcome, Participant, candidates_to_decide

# The outcome filter's extra value: no final outcome yet (D8's "unscreened").
UNSCREENED_FILTER = "unscreened"


def participants_of(support_request, *, name="", outcome=""):
    """The request's participants, by name, with their unit; ``name`` (part of it, case aside)
    and ``outcome`` (an ``Outcome``, or ``UNSCREENED_FILTER``) narrow it."""
    participants = Participant.objects.filter(request=support_request)
    if outcome == UNSCREENED_FILTER:
        participants = participants.unscreened()
    elif outcome in Outcome.values:
        participants = participants.filter(outcome=outcome)
    if name:
        participants = participants.filter(name__icontains=name)
    return participants.select_related("unit").order_by("name", "pk")


def participant_counts(support_request):
    """How many participants the request has, and how many are in each state of screening
    (``unscreened`` as D8 counts them), in one query."""
    return Participant.objects.filter(request=support_request).aggregate(
        total=Count("pk"),
        not_searched=Count("pk", filter=Q(matched_at__isnull=True)),
        pending=Count("pk", filter=Q(candidates_to_decide())),
        unscreened=Count("pk", filter=UNSCREENED),
        cleared=Count("pk", filter=Q(outcome=Outcome.CLEARED)),
        excluded=Count("pk", filter=Q(outcome=Outcome.EXCLUDED)),
        needs_information=Count("pk", filter=Q(outcome=Outcome.NEEDS_INFORMATION)),
        matched=Count("pk", filter=Q(person__isnull=False)),
    )
