"""The project's own pages, above every app: the home page (what waits for the user in each app)
and the pages of a signed-in session that reach into the API's tokens.

They live here, not in ``hrddp.accounts``, so that accounts imports nothing from the apps above
it (tests/test_layers.py).
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from assessments.dashboard import waiting_for
from hrddp.accounts.access import can_edit_registry, role_required
from hrddp.accounts.models import Role
from hrddp.api.queries import api_tokens_of
from hrddp.api.services import revoke_api_token, revoke_api_tokens
from hrddp.ops.queries import set_aside_count
from hrddp.pagination import count_up_to
from hrddp.registry.models import Violation
from hrddp.registry.queries import TRIAGE_COUNT_CAP


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


class SignOutView(auth_views.LogoutView):
    """Signing out of the site signs out of the API too: every API token of the user is revoked,
    so that "sign out" leaves nothing behind that acts in the user's name."""

    def post(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            revoke_api_tokens(request.user)
        return super().post(request, *args, **kwargs)


@login_required
def api_tokens(request):
    """The user's own API tokens: when issued, last used and when they lapse, each revocable."""
    context = {
        "tokens": api_tokens_of(request.user),
        "idle_hours": int(settings.REST_KNOX["TOKEN_TTL"].total_seconds() // 3600),
        "max_days": settings.REST_KNOX["AUTO_REFRESH_MAX_TTL"].days,
    }
    return render(request, "accounts/api_tokens.html", context)


@require_POST
@login_required
def api_token_revoke(request):
    """Revoke one of the user's tokens (``token``: its digest), or all of them (``all``)."""
    if request.POST.get("all"):
        revoke_api_tokens(request.user)
        messages.success(request, _("All your API tokens are revoked."))
    elif revoke_api_token(request.user, request.POST.get("token", "")):
        messages.success(request, _("The API token is revoked."))
    else:
        raise Http404  # not a token of this user
    return redirect("api_tokens")
