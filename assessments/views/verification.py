"""Verifying a violation with a confirmation that says what it will set off, and undoing it the
same day (issue 16). Here, above the registry, because what a verification sets off is monitoring
(domain.md 5, trigger (a)): the page computes it with ``monitoring.verification_consequences``,
the same ``planned_triggers`` that ``check_violation`` acts on."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from hrddp.accounts.access import REGISTRY_EDITORS, role_required
from hrddp.registry import services as registry_services
from hrddp.registry.forms_violations import UndoForm, VerificationForm
from hrddp.registry.models import VerificationStatus, Violation
from hrddp.registry.queries import get_violation_for_user, undoable_change
from hrddp.support.models import SupportRequest

from ..queries import interventions_set_off_by, verification_preview


def _violation(request, pk):
    return get_violation_for_user(
        request.user, pk, Violation.objects.listed().select_related("reported_by")
    )


@role_required(*REGISTRY_EDITORS)
def verification_confirm(request, pk):
    """GET (or a POST from the triage queue without ``confirmed``): what setting the status will
    do, and the button that does it. POST with ``confirmed``: it is done."""
    violation = _violation(request, pk)
    data = request.POST if request.method == "POST" else request.GET
    form = VerificationForm(data)
    valid = form.is_valid()
    if not valid:
        form = VerificationForm(initial={"status": VerificationStatus.VERIFIED})
        status = VerificationStatus.VERIFIED
    else:
        status = form.cleaned_data["status"]
    if request.method == "POST" and request.POST.get("confirmed") and valid:
        registry_services.set_verification_status(
            violation, status, request.user, note=form.cleaned_data["note"]
        )
        messages.success(
            request,
            _("%(violation)s is now %(status)s. You may undo this until the end of the day.")
            % {"violation": violation, "status": VerificationStatus(status).label},
        )
        return redirect("registry:violation_detail", pk=violation.pk)
    # A POST without a valid status (not from the triage queue's buttons): shown, refused.
    answer = 400 if request.method == "POST" and not valid else 200
    return render(
        request,
        "assessments/verification_confirm.html",
        {
            **verification_preview(violation, status, request.user),
            "violation": violation,
            "form": form,
            "status": VerificationStatus(status),
        },
        status=answer,
    )


@role_required(*REGISTRY_EDITORS)
def verification_undo(request, pk):
    """GET: the change that may be undone, what undoing does and does not reverse. POST: undone,
    with a reason."""
    violation = _violation(request, pk)
    change = undoable_change(violation)
    form = UndoForm(request.POST if request.method == "POST" else None)
    status = 200
    if change is None:
        status = 409
    elif request.method == "POST":
        if form.is_valid():
            try:
                registry_services.undo_verification(
                    violation, request.user, form.cleaned_data["reason"]
                )
            except registry_services.UndoRefused:
                status = 409
            except ValidationError:
                status = 400
            else:
                messages.success(
                    request,
                    _("The change is undone: %(violation)s is %(status)s again.")
                    % {
                        "violation": violation,
                        "status": VerificationStatus(change.from_status).label,
                    },
                )
                return redirect("registry:violation_detail", pk=violation.pk)
        else:
            status = 400
    if status == 409:
        messages.error(
            request,
            _("There is no change to undo: only the latest change, made today, can be undone."),
        )
    return render(
        request,
        "assessments/verification_undo.html",
        {
            "violation": violation,
            "change": change,
            "form": form,
            "interventions": (
                interventions_set_off_by(violation, change).filter(
                    request__in=SupportRequest.objects.visible_to(request.user)
                )
                if change
                else []
            ),
        },
        status=status,
    )
