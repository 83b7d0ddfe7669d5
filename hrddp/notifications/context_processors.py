from .queries import unread_notifications


def unread_count(request):
    """``unread_notifications``: the count in every page's header, for a signed-in user."""
    user = request.user
    if not user.is_authenticated:
        return {}
    counted = getattr(user, "unread_notification_count", None)
    if counted is not None:
        # Read with the user (accounts.backends.UserBackend).
        return {"unread_notifications": counted}
    # A callable: the template calls it, so only pages that show the count pay its query.
    return {"unread_notifications": unread_notifications(user).count}
