"""Who may do what with the registry's own records, beyond the roles (hrddp/accounts/access.py)."""

from hrddp.accounts.access import can_read_registry, can_see_identities

from .choices import HRO_ONLY_STATUSES


def can_set_verification(user, status):
    """Only an HRO moves a violation to credible, verified or discounted."""
    return status not in HRO_ONLY_STATUSES or can_see_identities(user)


# Who sees a unit's record as a summary is decided above the registry: the support app says which
# units an SSR advisor's submitted requests name (domain.md 7). It registers its answer when
# Django starts (SupportConfig.ready), so the registry imports no higher app.
_summary_unit_sources = []


def register_summary_units(function):
    """``function(user)`` -> the ids of the units whose record ``user`` sees as a summary."""
    if function not in _summary_unit_sources:
        _summary_unit_sources.append(function)
    return function


def record_view_for(user, unit):
    """How much of a unit's record the user sees: "full", "summary" or None."""
    if can_read_registry(user):
        return "full"
    if any(unit.pk in source(user) for source in _summary_unit_sources):
        return "summary"
    return None
