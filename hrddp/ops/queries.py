"""What administrators see of the platform's own work."""

from mailer.models import RESULT_FAILURE, Message, MessageLog, get_message_id

from hrddp.accounts.models import Role, User

# The page lists this many set-aside messages at most, the latest first.
SET_ASIDE_SHOWN = 200


def set_aside_mail(user):
    """Messages set aside (deferred) that are addressed to members of the entities the user
    administers, each with its last error: ``[(message, email, log row or None)]``, the latest
    first, and whether more were left out."""
    entity_ids = user.entity_ids_for(Role.ADMINISTRATOR)
    addresses = {
        address.lower()
        for address in User.objects.filter(memberships__entity_id__in=entity_ids)
        .exclude(email="")
        .values_list("email", flat=True)
    }
    rows = []
    more = False
    for message in Message.objects.deferred().order_by("-when_added", "-pk").iterator():
        email = message.email
        recipients = [address.lower() for address in (email.to if email else [])]
        if not addresses.intersection(recipients):
            continue
        if len(rows) == SET_ASIDE_SHOWN:
            more = True
            break
        rows.append((message, email))
    ids = {get_message_id(email) for _message, email in rows} - {None}
    last_error = {}
    for log in MessageLog.objects.filter(message_id__in=ids, result=RESULT_FAILURE).order_by(
        "when_attempted"
    ):
        last_error[log.message_id] = log
    return [(m, e, last_error.get(get_message_id(e))) for m, e in rows], more


def set_aside_count(user):
    return len(set_aside_mail(user)[0])
