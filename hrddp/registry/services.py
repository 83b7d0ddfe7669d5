"""Plain functions that change violations and their sources. Views, the admin, commands and tasks
all call these.

``set_verification_status`` is the only writer of ``Violation.verification_status`` after a
violation is created (style.md principle 2), so every change leaves a ``VerificationChange`` row.
"""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from hrddp.accounts.access import can_confirm_erasure, can_request_erasure

from .access import can_set_verification
from .models import Source, SourceErasure, VerificationChange, VerificationStatus, Violation


class ErasureRefused(Exception):
    """The source's erasure is not in a state that allows this step (already asked, already done,
    nothing to confirm)."""


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


def request_erasure(source, user, reason):
    """An HRO asks for ``source``'s identity and contact to be erased, saying why (domain.md 7).
    Nothing is erased until a manager confirms (``confirm_erasure``)."""
    if not can_request_erasure(user):
        raise PermissionDenied
    with transaction.atomic():
        source = Source.objects.select_for_update().get(pk=source.pk)
        if SourceErasure.objects.filter(source=source).exists():
            raise ErasureRefused
        return SourceErasure.objects.create(source=source, reason=reason, requested_by=user)


def confirm_erasure(source, user):
    """A manager of one of the requesting HRO's entities confirms: the source's key is destroyed,
    so its identity and contact can no longer be read anywhere (the table, its history, any later
    backup); the row keeps nothing of them. The history rows stay as they were, sealed."""
    with transaction.atomic():
        source = Source.objects.select_for_update().get(pk=source.pk)
        erasure = (
            SourceErasure.objects.select_for_update()
            .select_related("requested_by")
            .filter(source=source, confirmed_at__isnull=True)
            .first()
        )
        if erasure is None:
            raise ErasureRefused
        if not can_confirm_erasure(user, erasure):
            raise PermissionDenied
        now = timezone.now()
        erasure.confirmed_by = user
        erasure.confirmed_at = now
        erasure.save(update_fields=["confirmed_by", "confirmed_at"])
        key = source.key
        source.identity = ""
        source.contact = ""
        source.key = None
        source.erased_at = now
        source.save(update_fields=["identity", "contact", "key", "erased_at"])
        if key is not None:
            key.delete()
        return erasure
