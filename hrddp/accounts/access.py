"""Who may see and do what (domain.md sections 2 and 7), in one place.

Views call these; they never test roles themselves. A record a user may not see answers 404.
"""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render

from .models import Role

# Roles that read the whole registry (violations without identities, except for HROs).
REGISTRY_READERS = (Role.HRO, Role.MANAGER, Role.AUDITOR, Role.ADMINISTRATOR)
# Roles that may browse institutions and units (SSR advisors pick recipients among them).
UNIT_BROWSERS = REGISTRY_READERS + (Role.REQUESTER,)
REGISTRY_EDITORS = (Role.HRO,)
# Roles that may import registry records from a file (issue 5).
REGISTRY_IMPORTERS = (Role.HRO, Role.ADMINISTRATOR)
# Roles whose sign-in needs a second factor (TOTP); it is optional for the others.
TWO_FACTOR_ROLES = (Role.MANAGER, Role.ADMINISTRATOR)


def role_required(*roles):
    """Anonymous users go to the login page; users with no role at all see a message (403);
    users without one of ``roles`` get 403."""

    def decorator(view):
        @login_required
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not request.user.roles():
                return render(request, "accounts/no_role.html", status=403)
            if roles and not request.user.has_role(*roles):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def can_read_registry(user):
    return user.is_authenticated and user.has_role(*REGISTRY_READERS)


def can_edit_registry(user):
    return user.is_authenticated and user.has_role(*REGISTRY_EDITORS)


def can_merge_people(user):
    """Two records of the same person are merged, and a merge undone, by an HRO (domain.md 4.6)."""
    return can_edit_registry(user)


def must_use_two_factor(user):
    """Managers and administrators, and whoever may enter the Django admin, sign in with a second
    factor."""
    return user.is_authenticated and (
        user.is_staff or user.is_superuser or user.has_role(*TWO_FACTOR_ROLES)
    )


def can_import_registry(user):
    return user.is_authenticated and user.has_role(*REGISTRY_IMPORTERS)


def can_see_identities(user):
    """Victims', witnesses' and sources' identities: HROs only."""
    return user.is_authenticated and user.has_role(Role.HRO)


def can_request_erasure(user):
    """An HRO asks for a source's identity to be erased (domain.md 7): who may see it."""
    return can_see_identities(user)


def can_confirm_erasures(user):
    """Managers confirm erasures (those asked for by an HRO of one of their entities)."""
    return user.is_authenticated and user.has_role(Role.MANAGER)


def can_confirm_erasure(user, erasure):
    """A manager of one of the requesting HRO's entities confirms it: two people, never one."""
    return (
        user.is_authenticated
        and user.pk != erasure.requested_by_id
        and bool(
            set(user.entity_ids_for(Role.MANAGER))
            & set(erasure.requested_by.entity_ids_for(Role.HRO))
        )
    )


def can_open_erasure(user):
    """Who may see a source's erasure page: the HROs who ask, the managers who confirm."""
    return user.is_authenticated and user.has_role(Role.HRO, Role.MANAGER)
