from django.contrib.auth.backends import ModelBackend

from .queries import signed_in_user


class UserBackend(ModelBackend):
    """Django's sign-in by username and password. The user of each web request is loaded with
    their memberships and unread notification count: two questions fewer on every page."""

    def get_user(self, user_id):
        user = signed_in_user(user_id)
        return user if self.user_can_authenticate(user) else None
