from django.shortcuts import render
from django.utils import timezone

from assessments.views.dashboard import waiting_for
from hrddp.registry.models import VerificationStatus, Violation

from .access import can_edit_registry, role_required


@role_required()
def home(request):
    """The dashboard: what waits for the user, in each role they hold."""
    memberships = list(request.user.memberships.select_related("entity"))
    today = timezone.localdate()
    context = {
        "memberships": memberships,
        "today": today,
        **waiting_for(request.user, memberships, today),
    }
    if can_edit_registry(request.user):
        context["triage_count"] = Violation.objects.filter(
            verification_status=VerificationStatus.ALLEGED
        ).count()
    return render(request, "accounts/home.html", context)
