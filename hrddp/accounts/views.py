from django.shortcuts import render

from hrddp.registry.models import VerificationStatus, Violation

from .access import can_edit_registry, role_required


@role_required()
def home(request):
    context = {"memberships": request.user.memberships.select_related("entity")}
    if can_edit_registry(request.user):
        context["triage_count"] = Violation.objects.filter(
            verification_status=VerificationStatus.ALLEGED
        ).count()
    return render(request, "accounts/home.html", context)
