"""Who may call what: the roles of hrddp/accounts/access.py, as the pages use them.

A view names, per action, the roles it needs (``action_roles``); ``None`` means any role, and the
view's queryset then decides what exists for the caller (404 otherwise), as the pages do with
``role_required()`` followed by a permission-scoped lookup.
"""

from django.utils.translation import gettext_lazy as _
from rest_framework.permissions import BasePermission

ANY_ROLE = None


class RolePermission(BasePermission):
    message = _("Your role does not allow this.")

    def has_permission(self, request, view):
        user = request.user
        if not (user and user.is_authenticated):
            return False
        if not user.roles():
            self.message = _("Your account has no role yet; ask an administrator.")
            return False
        action_roles = getattr(view, "action_roles", {})
        action = getattr(view, "action", None) or request.method.lower()
        roles = action_roles.get(action, ANY_ROLE)
        return roles is ANY_ROLE or user.has_role(*roles)
