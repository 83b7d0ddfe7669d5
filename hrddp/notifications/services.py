"""Alerts and reminders reach people twice: an in-app notification and an email, each in the
recipient's own language.

Emails go through the database queue of django-mailer, inside the caller's transaction: a
notification whose transaction rolls back sends no email, and one that commits cannot lose it.
"""

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.utils import timezone, translation

from hrddp import texts
from hrddp.validators import one_line

from .models import Notification


def as_text(message):
    """``message``: a (msgid, params) pair marked with gettext_noop, or a list of them, as the
    stored text (hrddp.texts) rendered in each reader's language."""
    if isinstance(message, list):
        return [as_text(part) for part in message]
    if texts.is_text(message):
        return message
    msgid, params = message
    return texts.text(msgid, **params)


def render(message):
    """``message`` (see ``as_text``) in the active language."""
    return texts.render(as_text(message))


def notify(users, subject, body, path=""):
    """Notify each user, in their language, with ``subject`` and ``body`` (see ``render``)."""
    users = list(users)
    # Stored as codes and parameters: the page shows them in the reader's language of the day;
    # subject and body keep the words of the email as it was sent.
    message = {"subject": as_text(subject), "body": as_text(body)}
    link = f"\n\n{settings.SITE_URL.rstrip('/')}{path}" if path else ""
    notifications, messages = [], []
    for user in users:
        with translation.override(user.language or settings.LANGUAGE_CODE):
            # A subject is one line whatever the titles and names in it (a line break in a mail
            # header makes the message unsendable).
            subject_text, body_text = one_line(render(subject))[:200], render(body)
        notifications.append(
            Notification(user=user, subject=subject_text, body=body_text, message=message, url=path)
        )
        if user.email:
            messages.append(EmailMessage(subject_text, body_text + link, to=[user.email]))
    Notification.objects.bulk_create(notifications)
    if messages:
        get_connection().send_messages(messages)
    return len(users)


def mark_read(user, notification=None):
    """Mark ``user``'s unread notifications read: the one given (a notification of theirs), or
    all of them. Returns how many were unread."""
    unread = Notification.objects.filter(user=user, read_at__isnull=True)
    if notification is not None:
        unread = unread.filter(pk=notification.pk)
    return unread.update(read_at=timezone.now())


def send_queued_mail():
    """Send the mail django-mailer holds in its queue (messages it cannot send are deferred or
    set aside, see mail.py)."""
    from mailer.engine import send_all

    send_all()
