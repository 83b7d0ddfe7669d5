"""Alerts and reminders reach people twice: an in-app notification and an email.

Emails go through the database queue of django-mailer, inside the caller's transaction: a
notification whose transaction rolls back sends no email, and one that commits cannot lose it.
"""

from django.conf import settings
from django.core.mail import EmailMessage, get_connection

from hrddp.accounts.models import User

from .models import Notification


def entity_users(entity_id, *roles):
    return User.objects.filter(
        is_active=True, memberships__entity_id=entity_id, memberships__role__in=roles
    ).distinct()


def notify(users, subject, body, path=""):
    users = list(users)
    Notification.objects.bulk_create(
        Notification(user=user, subject=subject[:200], body=body, url=path) for user in users
    )
    link = f"\n\n{settings.SITE_URL.rstrip('/')}{path}" if path else ""
    messages = [
        EmailMessage(subject, body + link, to=[user.email]) for user in users if user.email
    ]
    if messages:
        get_connection().send_messages(messages)
    return len(users)
