"""The participants of a support request: listed, typed in, edited, deleted; imported through
``transfer:participant_import`` (issue 15).

Everyone who sees the request reads its list (404 otherwise); the SSR advisors of its entity
change it (403 for anyone else) until the request goes for decision (then every change is refused
with a message naming why). Thin: lookups are ``queries``, writes ``services``; the API calls the
same."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from hrddp.accounts.access import role_required
from hrddp.pagination import paginate
from hrddp.support.access import get_request_for_user

from . import services
from .access import (
    can_edit_participants,
    can_screen,
    get_participant_for_user,
    participants_editable,
)
from .forms import ParticipantFilterForm, ParticipantForm
from .models import Participant
from .queries import participant_counts, participants_of


def _list_url(support_request):
    return reverse("screening:participants", kwargs={"request_pk": support_request.pk})


def _editable_or_refused(request, support_request):
    """Whether the list may change now; if not, the reason as a message."""
    if participants_editable(support_request):
        return True
    messages.error(request, str(services.ParticipantsFrozen(support_request)))
    return False


@role_required()
def participant_list(request, request_pk):
    """The list (filtered by name and outcome, paginated) and, for its SSR advisors while the list
    may change, the form to add one; a POST adds."""
    support_request = get_request_for_user(request.user, request_pk)
    may_edit = can_edit_participants(request.user, support_request)
    form = None
    if request.method == "POST":
        if not may_edit:
            raise PermissionDenied
        if not _editable_or_refused(request, support_request):
            return redirect(_list_url(support_request))
        form = ParticipantForm(request.POST)
        if form.is_valid():
            try:
                participant = services.add_participant(
                    support_request, request.user, **form.values()
                )
            except services.ParticipantsFrozen as frozen:
                messages.error(request, str(frozen))
            else:
                messages.success(request, _("%(name)s added.") % {"name": participant.name})
            return redirect(_list_url(support_request))
    editable = may_edit and participants_editable(support_request)
    if editable and form is None:
        form = ParticipantForm()
    filters = ParticipantFilterForm(request.GET or None)
    wanted = filters.cleaned_data if filters.is_valid() else {}
    participants = participants_of(
        support_request, name=wanted.get("name", ""), outcome=wanted.get("outcome", "")
    )
    return render(
        request,
        "screening/participant_list.html",
        {
            "support_request": support_request,
            "page_obj": paginate(request, participants),
            "counts": participant_counts(support_request),
            "filters": filters,
            "form": form if editable else None,
            "can_edit": editable,
            "can_screen": can_screen(request.user, support_request),
        },
        status=400 if form is not None and form.is_bound else 200,
    )


def _editable_participant(request, pk):
    """The participant, for one of its request's SSR advisors (404 for those who may not see it,
    403 for those who may not change it)."""
    participant = get_participant_for_user(
        request.user, pk, Participant.objects.select_related("request", "unit")
    )
    if not can_edit_participants(request.user, participant.request):
        raise PermissionDenied
    return participant


@role_required()
def participant_edit(request, pk):
    participant = _editable_participant(request, pk)
    support_request = participant.request
    if not _editable_or_refused(request, support_request):
        return redirect(_list_url(support_request))
    form = ParticipantForm(request.POST or None, instance=participant)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_participant(participant, request.user, **form.values())
        except services.ParticipantsFrozen as frozen:
            messages.error(request, str(frozen))
        else:
            messages.success(request, _("%(name)s saved.") % {"name": form.cleaned_data["name"]})
        return redirect(_list_url(support_request))
    return render(
        request,
        "screening/participant_form.html",
        {"form": form, "participant": participant, "support_request": support_request},
        status=400 if form.is_bound else 200,
    )


@role_required()
def participant_delete(request, pk):
    """A confirmation page; the POST deletes."""
    participant = _editable_participant(request, pk)
    support_request = participant.request
    if not _editable_or_refused(request, support_request):
        return redirect(_list_url(support_request))
    if request.method == "POST":
        try:
            services.delete_participant(participant, request.user)
        except services.ParticipantsFrozen as frozen:
            messages.error(request, str(frozen))
        else:
            messages.success(request, _("%(name)s removed.") % {"name": participant.name})
        return redirect(_list_url(support_request))
    return render(
        request,
        "screening/participant_confirm_delete.html",
        {"participant": participant, "support_request": support_request},
    )
