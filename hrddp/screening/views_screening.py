"""Screening a request's participants: candidates, the HRO's decisions and outcomes (issue 15).

Whoever sees the request reads its screening page (participants and outcomes); only the HROs of
the request's entity see candidates (records of the registry) and act (403 for the others), and a
request or participant the user may not see answers 404.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST

from hrddp.accounts.access import can_read_registry, role_required
from hrddp.pagination import paginate
from hrddp.registry.matching import reason_texts
from hrddp.support.access import get_request_for_user

from . import queries_screening, services_screening
from .access import can_screen, can_see_candidates, get_participant_for_user, screening_open
from .forms_screening import DecisionForm, OutcomeForm
from .models import Candidate, Participant
from .queries import participant_counts

FILTER_LABELS = [
    ("", gettext_lazy("All")),
    ("unscreened", gettext_lazy("Unscreened")),
    ("not_searched", gettext_lazy("Not searched yet")),
    ("pending", gettext_lazy("Candidates to decide")),
    ("matched", gettext_lazy("Matched to a person")),
    ("cleared", gettext_lazy("Cleared")),
    ("excluded", gettext_lazy("Excluded")),
    ("needs_information", gettext_lazy("Needs more information")),
]


def _refused(request, refusal):
    messages.error(request, refusal.message)


@role_required()
def request_screening(request, request_pk):
    support_request = get_request_for_user(request.user, request_pk)
    filter_name = request.GET.get("filter", "")
    if filter_name not in queries_screening.FILTERS:
        filter_name = ""
    page = paginate(request, queries_screening.screening_list(support_request, filter_name))
    return render(
        request,
        "screening/screening_request.html",
        {
            "support_request": support_request,
            "page_obj": page,
            "counts": participant_counts(support_request),
            "run": queries_screening.latest_run(support_request),
            "filter": filter_name,
            "filters": FILTER_LABELS,
            "can_screen": can_screen(request.user, support_request)
            and screening_open(support_request),
            "can_read_registry": can_read_registry(request.user),
            "can_see_candidates": can_see_candidates(request.user, support_request),
            "clearable": services_screening.clearable(support_request).count()
            if can_screen(request.user, support_request)
            else 0,
        },
    )


def _screenable_request(request, request_pk):
    support_request = get_request_for_user(request.user, request_pk)
    if not can_screen(request.user, support_request):
        raise PermissionDenied
    return support_request


@require_POST
@role_required()
def screening_start(request, request_pk):
    support_request = _screenable_request(request, request_pk)
    try:
        run = services_screening.start_run(support_request, request.user)
    except services_screening.ScreeningRefused as refusal:
        _refused(request, refusal)
    else:
        if run is None:
            messages.success(request, _("Every participant has been searched for."))
        else:
            messages.info(
                request,
                _("Screening runs in the background; refresh the page to follow its progress."),
            )
    return redirect("screening:request", request_pk=support_request.pk)


@require_POST
@role_required()
def screening_clear(request, request_pk):
    support_request = _screenable_request(request, request_pk)
    try:
        cleared = services_screening.clear_remaining(support_request, request.user)
    except services_screening.ScreeningRefused as refusal:
        _refused(request, refusal)
    else:
        messages.success(
            request,
            ngettext("%(count)s participant cleared.", "%(count)s participants cleared.", cleared)
            % {"count": cleared},
        )
    return redirect("screening:request", request_pk=support_request.pk)


def _participant(request, pk):
    participant = get_participant_for_user(
        request.user, pk, Participant.objects.select_related("request", "person", "unit")
    )
    if not can_see_candidates(request.user, participant.request):
        raise PermissionDenied
    return participant


@role_required()
def participant_detail(request, pk, outcome_form=None):
    participant = _participant(request, pk)
    candidates = queries_screening.candidates_of(participant)
    for candidate in candidates:
        candidate.reason_texts = reason_texts(candidate.reasons)
    return render(
        request,
        "screening/screening_participant.html",
        {
            "participant": participant,
            "support_request": participant.request,
            "candidates": candidates,
            "decisions": DecisionForm.base_fields["decision"].choices,
            "outcome_form": outcome_form
            or OutcomeForm(
                initial={"outcome": participant.outcome, "reason": participant.outcome_reason}
            ),
            "can_screen": screening_open(participant.request),
        },
    )


@require_POST
@role_required()
def participant_screen(request, pk):
    participant = _participant(request, pk)
    try:
        services_screening.screen_participant(participant, request.user)
    except services_screening.ScreeningRefused as refusal:
        _refused(request, refusal)
    else:
        messages.success(request, _("The participant has been searched for again."))
    return redirect("screening:participant", pk=participant.pk)


@require_POST
@role_required()
def participant_outcome(request, pk):
    participant = _participant(request, pk)
    form = OutcomeForm(request.POST)
    if not form.is_valid():
        response = participant_detail(request, pk, outcome_form=form)
        response.status_code = 400
        return response
    try:
        services_screening.record_outcome(
            participant, form.cleaned_data["outcome"], form.cleaned_data["reason"], request.user
        )
    except services_screening.ScreeningRefused as refusal:
        form.add_error(None, refusal.message)
        response = participant_detail(request, pk, outcome_form=form)
        response.status_code = 409
        return response
    messages.success(request, _("Outcome recorded."))
    return redirect("screening:participant", pk=participant.pk)


@require_POST
@role_required()
def candidate_decide(request, pk):
    candidate = get_object_or_404(Candidate, pk=pk)
    participant = _participant(request, candidate.participant_id)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a decision."))
        response = participant_detail(request, participant.pk)
        response.status_code = 400
        return response
    try:
        services_screening.decide(candidate, form.cleaned_data["decision"], request.user)
    except services_screening.ScreeningRefused as refusal:
        _refused(request, refusal)
    else:
        messages.success(request, _("Decision recorded."))
    return redirect("screening:participant", pk=participant.pk)
