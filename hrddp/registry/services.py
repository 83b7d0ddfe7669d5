"""Plain functions that change violations. Views, the admin, commands and tasks all call these.

``set_verification_status`` is the only writer of ``Violation.verification_status`` after a
violation is created (style.md principle 2), so every change leaves a ``VerificationChange`` row.
"""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from hrddp.accounts.access import can_set_verification

from .models import VerificationChange, VerificationStatus, Violation


def set_verification_status(violation, status, user, note=""):
    """Move ``violation`` to ``status`` on behalf of ``user``, recording who, when, from, to, why.

    Raises PermissionDenied when the user may not set that status (only an HRO sets credible,
    verified or discounted). Returns the new ``VerificationChange``, or None when the violation
    already had that status.
    """
    status = VerificationStatus(status)
    if not can_set_verification(user, status):
        raise PermissionDenied
    with transaction.atomic():
        # Lock, then compare with the stored status, not with a copy read earlier in the request:
        # two HROs acting on the same row at once must leave two honest history rows.
        current = (
            Violation.objects.select_for_update()
            .only("verification_status")
            .get(pk=violation.pk)
            .verification_status
        )
        violation.verification_status = status
        if current == status:
            return None
        Violation.objects.filter(pk=violation.pk).update(
            verification_status=status, updated_at=timezone.now()
        )
        return VerificationChange.objects.create(
            violation=violation,
            from_status=current,
            to_status=status,
            note=note,
            changed_by=user,
        )


def save_violation(form, formsets, user, creating):
    """Save a violation from its validated form and formsets (the page's and the API's): the
    reporter on creation, the verification status only through ``set_verification_status``."""
    violation = form.save(commit=False)
    if creating:
        violation.reported_by = user
        violation.save()
    else:
        # Never write the status read at the start of the request: another HRO may have changed it
        # since; only set_verification_status writes it.
        violation.save(update_fields=[*form._meta.fields, "updated_at"])
    for formset in formsets.values():
        formset.instance = violation
        formset.save()
    if creating or "verification_status" in form.changed_data:
        set_verification_status(
            violation,
            form.cleaned_data["verification_status"],
            user,
            note=form.cleaned_data["verification_note"],
        )
