"""Mail that cannot be sent is set aside, and the rest of the queue goes out (issue 12, hole 4).

django-mailer defers a message on the errors it knows to be the server's (SMTP and network errors)
and raises any other, which rolls back and ends the run: a message whose own content is wrong (a
header with a line break raises ``BadHeaderError``) then stops every message queued behind it, at
every run. ``set_aside`` (``MAILER_ERROR_HANDLER``) defers such a message too, logs its error, and
lets the run continue; administrators see it on the "Mail set aside" page.
"""

import logging

from django.utils.translation import gettext as _
from mailer.engine import ensure_message_id, handle_delivery_exception
from mailer.models import RESULT_FAILURE, MessageLog

logger = logging.getLogger(__name__)


def set_aside(connection, message, exc):
    email = message.email
    # The Message-ID ties the message to its log rows, for the page.
    ensure_message_id(email)
    message.email = email
    if isinstance(exc, OSError):
        # SMTP and network errors: the server's, handled as django-mailer does (deferred, logged,
        # a new connection for the next message).
        return handle_delivery_exception(connection, message, exc)
    message.defer()
    MessageLog.objects.log(message, RESULT_FAILURE, log_message=f"{type(exc).__name__}: {exc}")
    logger.error("message %s set aside: %s: %s", message.pk, type(exc).__name__, exc)
    return None, "deferred"


def explain(log_message):
    """What the page says of a logged error, in the reader's language; the raw text goes with it."""
    kind = (log_message or "").split(":", 1)[0]
    if kind == "BadHeaderError":
        return _("A header of the message, such as its subject, holds a line break.")
    if kind in {"UnicodeError", "UnicodeEncodeError", "ValueError", "TypeError"}:
        return _("The message itself cannot be sent.")
    return _("The mail server refused the message or could not be reached.")
