from django.conf import settings
from django.shortcuts import render
from django.utils import timezone
from django.views import i18n as i18n_views

from assessments.dashboard import waiting_for
from hrddp.ops.queries import set_aside_count
from hrddp.pagination import count_up_to
from hrddp.registry.models import Violation
from hrddp.registry.queries import TRIAGE_COUNT_CAP

from .access import can_edit_registry, role_required
from .models import Role


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
    if request.user.has_role(Role.ADMINISTRATOR):
        context["administrator"] = {"mail_set_aside": set_aside_count(request.user)}
    if can_edit_registry(request.user):
        context["triage_count"], context["triage_more"] = count_up_to(
            Violation.objects.awaiting_triage(), TRIAGE_COUNT_CAP
        )
    return render(request, "accounts/home.html", context)


def set_language(request):
    """Django's language switch, which also keeps the choice on the user's account, so that their
    other devices and the emails they receive use it."""
    response = i18n_views.set_language(request)
    language = request.POST.get("language", "")
    if (
        request.method == "POST"
        and request.user.is_authenticated
        and language in dict(settings.LANGUAGES)
    ):
        request.user.language = language
        request.user.save(update_fields=["language"])
    return response
