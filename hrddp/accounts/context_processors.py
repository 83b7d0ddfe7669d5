from assessments.models import Notification

from .access import can_edit_registry, can_read_registry, can_see_identities


def roles(request):
    user = request.user
    if not user.is_authenticated:
        return {}
    return {
        "user_roles": user.roles(),
        "can_read_registry": can_read_registry(user),
        "can_edit_registry": can_edit_registry(user),
        "can_see_identities": can_see_identities(user),
        "unread_notifications": _unread_notifications(user),
    }


def _unread_notifications(user):
    counted = getattr(user, "unread_notification_count", None)
    if counted is not None:
        return counted  # read with the user (accounts.backends.UserBackend)
    # A callable: the template calls it, so only pages that show the count pay its query.
    return Notification.objects.filter(user=user, read_at__isnull=True).count
