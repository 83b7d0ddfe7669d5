"""Whose notifications are whose: each user sees their own, and no one else's."""

from django.shortcuts import get_object_or_404

from .models import Notification


def notifications_of(user):
    """The user's notifications, newest first."""
    return Notification.objects.filter(user=user).order_by("-created_at", "-pk")


def unread_notifications(user):
    return Notification.objects.filter(user=user, read_at__isnull=True)


def get_notification_for_user(user, pk):
    """The user's own notification; someone else's does not exist for them (404)."""
    return get_object_or_404(Notification, user=user, pk=pk)
