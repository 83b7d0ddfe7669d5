"""Every write on a request's participant list, the same for the pages, the API and the import:
add, edit, delete (domain.md 4.6, issue 15).

The list is the requester's until the request goes for decision (``access.participants_editable``);
a change after that is refused with ``ParticipantsFrozen``, which names the rule and the request's
status. Editing what the matcher reads (name, date of birth, service number, unit) drops the
participant's screening: their candidates, the confirmed match and the outcome, so that they are
screened again (D8 then counts them as unscreened). The caller has checked that the user may edit
the list (``access.can_edit_participants``). Participants are tracked models: every write leaves a
history row.
"""

from django.db import transaction
from django.utils.translation import gettext, gettext_noop

from hrddp.support.models import SupportRequest

from .access import participants_editable
from .models import Participant

# The rule that refuses a change to the list (the API's 409 names it).
EDITABLE_RULE = "participants_editable"
# Marked only: an import job stores it as [msgid, params] and renders it in its reader's language.
FROZEN_MESSAGE = gettext_noop(
    "The participant list can be changed only until the request goes for decision; this request "
    "is %(status)s."
)
# What the matcher reads: a change to any of them makes the screening stale.
MATCHED_FIELDS = ("name", "birth_date", "service_number", "unit")
# What a person types or imports about a participant.
EDITABLE_FIELDS = ("name", "rank", "service_number", "birth_date", "birth_place", "unit", "role")


class ParticipantsFrozen(Exception):
    """The request's list can no longer change (it went for decision)."""

    rule = EDITABLE_RULE
    msgid = FROZEN_MESSAGE

    def __init__(self, support_request):
        self.support_request = support_request
        super().__init__(str(self))

    def __str__(self):
        return gettext(FROZEN_MESSAGE) % self.params()

    def params(self):
        return {"status": str(self.support_request.get_status_display())}


def lock_editable_request(support_request):
    """The request, locked against a transition taking effect meanwhile, if its list may still
    change; ``ParticipantsFrozen`` otherwise. Inside a transaction."""
    locked = SupportRequest.objects.select_for_update().get(pk=support_request.pk)
    if not participants_editable(locked):
        raise ParticipantsFrozen(locked)
    return locked


def add_participant(support_request, user, **values):
    """A new participant of ``support_request``; ``ValidationError`` on bad values."""
    with transaction.atomic():
        locked = lock_editable_request(support_request)
        participant = Participant(request=locked, created_by=user, **_known(values))
        participant.full_clean()
        participant.save()
    return participant


def update_participant(participant, user, **values):
    """Change what was typed about a participant. A change to a matched field drops the
    screening (candidates, confirmed match, outcome). Returns the participant as saved."""
    with transaction.atomic():
        lock_editable_request(participant.request)
        participant = Participant.objects.select_for_update().get(pk=participant.pk)
        before = {name: _value(participant, name) for name in MATCHED_FIELDS}
        for name, value in _known(values).items():
            setattr(participant, name, value)
        participant.full_clean()
        if any(_value(participant, name) != before[name] for name in MATCHED_FIELDS):
            clear_screening(participant)
        participant.save()
    return participant


def clear_screening(participant):
    """Forget a participant's screening; the caller saves it."""
    participant.candidates.all().delete()
    participant.person = None
    participant.matched_at = None
    participant.outcome = ""
    participant.outcome_reason = ""
    participant.screened_by = None
    participant.screened_at = None


def delete_participant(participant, user):
    with transaction.atomic():
        lock_editable_request(participant.request)
        Participant.objects.filter(pk=participant.pk).delete()


def _known(values):
    unknown = set(values) - set(EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"Not a participant's typed field: {sorted(unknown)}")
    return values


def _value(participant, name):
    field = Participant._meta.get_field(name)
    return getattr(participant, field.attname)
