"""Who may do what with the registry's own records, beyond the roles (hrddp/accounts/access.py)."""

from hrddp.accounts.access import can_see_identities

from .choices import HRO_ONLY_STATUSES


def can_set_verification(user, status):
    """Only an HRO moves a violation to credible, verified or discounted."""
    return status not in HRO_ONLY_STATUSES or can_see_identities(user)
