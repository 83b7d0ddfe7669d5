from .access import (
    can_edit_registry,
    can_import_registry,
    can_read_registry,
    can_see_identities,
)


def roles(request):
    user = request.user
    if not user.is_authenticated:
        return {}
    return {
        "user_roles": user.roles(),
        "can_read_registry": can_read_registry(user),
        "can_edit_registry": can_edit_registry(user),
        "can_see_identities": can_see_identities(user),
        "can_import_registry": can_import_registry(user),
    }
