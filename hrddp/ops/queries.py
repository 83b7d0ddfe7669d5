"""What administrators see of the platform's own work."""

from itertools import islice

from mailer.models import RESULT_FAILURE, Message, MessageLog, get_message_id

from hrddp.accounts.models import Role, User

# The page lists this many set-aside messages at most, the latest first.
SET_ASIDE_SHOWN = 200


def _set_aside_for(user):
    """Set-aside (deferred) messages addressed to members of the entities the user administers,
    the latest first: ``(message, email)`` pairs, read one at a time (the recipients are inside
    each stored message, not in a column)."""
    entity_ids = user.entity_ids_for(Role.ADMINISTRATOR)
    addresses = {
        address.lower()
        for address in User.objects.filter(memberships__entity_id__in=entity_ids)
        .exclude(email="")
        .values_list("email", flat=True)
    }
    for message in Message.objects.deferred().order_by("-when_added", "-pk").iterator():
        email = message.email
        recipients = [address.lower() for address in (email.to if email else [])]
        if addresses.intersection(recipients):
            yield message, email


def set_aside_mail(user):
    """Messages set aside for the user's entities, each with its last error:
    ``[(message, email, log row or None)]``, the latest ``SET_ASIDE_SHOWN`` first, and whether
    more were left out."""
    rows = list(islice(_set_aside_for(user), SET_ASIDE_SHOWN + 1))
    more = len(rows) > SET_ASIDE_SHOWN
    rows = rows[:SET_ASIDE_SHOWN]
    ids = {get_message_id(email) for _message, email in rows} - {None}
    last_error = {}
    for log in MessageLog.objects.filter(message_id__in=ids, result=RESULT_FAILURE).order_by(
        "when_attempted"
    ):
        last_error[log.message_id] = log
    return [(m, e, last_error.get(get_message_id(e))) for m, e in rows], more


def set_aside_count(user):
    """How many messages the page would list (no error log read: the start page shows a count)."""
    return sum(1 for _row in islice(_set_aside_for(user), SET_ASIDE_SHOWN))
