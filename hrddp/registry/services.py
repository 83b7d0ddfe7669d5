"""Plain functions that change violations and their sources. Views, the admin, commands and tasks
all call these.

``set_verification_status`` is the only writer of ``Violation.verification_status`` after a
violation is created (style.md principle 2), so every change leaves a ``VerificationChange`` row.
"""

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from hrddp.accounts.access import can_confirm_erasure, can_request_erasure

from .access import can_set_verification
from .models import Source, SourceErasure, VerificationChange, VerificationStatus, Violation
from .queries import undoable_change


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


class UndoRefused(Exception):
    """The violation has no verification change that may still be undone (none today, or the
    latest is itself an undo)."""


def undo_verification(violation, user, reason, today=None):
    """Undo the violation's latest verification change, made the same day, saying why: the
    status goes back to what it was, written to the history as a change of its own that names
    the change it undoes. Only the status is reversed (domain.md 5): a trigger already fired
    stays, with its intervention, the request under review and the notifications sent, for the
    HROs and managers to close on their record; a trigger check still pending finds the violation
    no longer countable and fires nothing. Raises UndoRefused, or PermissionDenied."""
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the change is undone.")})
    with transaction.atomic():
        # Lock first: two undos at once must not both find the same change undoable.
        Violation.objects.select_for_update().only("pk").get(pk=violation.pk)
        change = undoable_change(violation, today)
        if change is None:
            raise UndoRefused
        undo = set_verification_status(violation, change.from_status, user, note=reason)
        if undo is None:  # already back where it was: nothing to record twice
            raise UndoRefused
        undo.undoes = change
        undo.save(update_fields=["undoes"])
        return undo


def bulk_set_verification(violations, status, user, note=""):
    """The triage's bulk action: each violation through ``set_verification_status``, so each
    change is its own history row. A change that would make a violation countable grave is not
    made here (it needs the confirmation page). Returns (changed, refused):
    the changes written and the violations left as they were."""
    status = VerificationStatus(status)
    if not can_set_verification(user, status):
        raise PermissionDenied
    changed, refused = [], []
    for violation in violations:
        if violation.becomes_countable_grave(status):
            refused.append(violation)
            continue
        change = set_verification_status(violation, status, user, note=note)
        if change is not None:
            changed.append(change)
    return changed, refused


def save_record(record):
    """Create or change an institution, unit, person or command assignment (pages, API): the
    model's rules (its ``clean()``, unique names and external references) decide, then it is
    saved. Raises ValidationError by field."""
    record.full_clean()
    record.save()
    return record


# The violation's own fields (the page's form, the API); the verification status is apart.
VIOLATION_FIELDS = (
    "date",
    "date_precision",
    "location",
    "narrative",
    "category",
    "subtype",
    "victims_count",
    "children_involved",
    "source_reliability",
    "scale",
)
# A violation's rows, by related name, as ``save_violation`` takes them: (to save, to delete).
VIOLATION_ROWS = ("attributions", "accountability_actions", "sources")


def _errors(error):
    """A Django ValidationError's messages by field, ``non_field_errors`` for the whole."""
    return {
        ("non_field_errors" if field == NON_FIELD_ERRORS else field): messages
        for field, messages in error.message_dict.items()
    }


def violation_errors(violation, user, rows=None, verification_status=None):
    """What is wrong with ``violation`` (its fields set) and its ``rows`` ({related name: (rows to
    save, rows to delete)}) as ``user`` would save them: by field, a related name holding one
    dict per row to save, in order. Empty when all is well."""
    errors = {}
    try:
        violation.full_clean(exclude=["reported_by"])
    except ValidationError as error:
        errors.update(_errors(error))
    if verification_status is not None and not can_set_verification(user, verification_status):
        errors["verification_status"] = [
            _("Your role does not allow setting this verification status.")
        ]
    for name, (to_save, _to_delete) in (rows or {}).items():
        row_errors = []
        for row in to_save:
            try:
                # Its rule is the model's clean(), which says it better than the constraint.
                row.full_clean(exclude=["violation"], validate_constraints=False)
                row_errors.append({})
            except ValidationError as error:
                row_errors.append(_errors(error))
        if any(row_errors):
            errors[name] = row_errors
    return errors


def save_violation(violation, user, *, rows=None, verification_status=None, note=""):
    """Create or change ``violation`` (its fields set) with its ``rows`` ({related name: (rows to
    save, rows to delete)}), for the page and the API alike: the reporter on creation; the
    verification status, when ``verification_status`` is given, only through
    ``set_verification_status`` (never the status read at the start of the request: another HRO
    may have changed it since). Raises ValidationError when ``violation_errors`` finds any."""
    if violation_errors(violation, user, rows, verification_status):
        raise ValidationError(_("The violation or one of its rows is not valid."))
    with transaction.atomic():
        if violation.pk is None:
            violation.reported_by = user
            violation.save()
        else:
            violation.save(update_fields=[*VIOLATION_FIELDS, "updated_at"])
        for to_save, to_delete in (rows or {}).values():
            for row in to_delete:
                row.delete()
            for row in to_save:
                row.violation = violation
                if isinstance(row, Source) and row.erased_at:
                    # Erased for good: an identity typed later would be another person's.
                    row.identity = row.contact = ""
                row.save()
        if verification_status is not None:
            set_verification_status(violation, verification_status, user, note=note)
    return violation


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
