"""Intervention pages (domain.md 5).

An intervention is seen by the members of its request's entity, anyone else gets 404. The HROs and
managers of that entity record the intercession letter and the authorities' response; the actions
are those ``workflow.allowed_intervention_actions`` offers, taken through
``workflow.apply_intervention``.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from hrddp.accounts.access import can_read_registry, role_required
from hrddp.audit.history import intervention_history
from hrddp.pagination import paginate
from hrddp.support.models import CommunicationKind
from hrddp.transfer.exporting import export_response

from .. import workflow
from ..forms_monitoring import (
    InterventionActionForm,
    InterventionCommunicationForm,
)
from ..models import OPEN_INTERVENTION_STATUSES, InterventionStatus
from ..queries import (
    ACTION_ROLES,
    LETTER_ROLES,
    attempt_log,
    can_record_letter,
    flag,
    get_intervention_for_user,
    visible_interventions,
    with_intercession,
)
from ..services import record_intervention_communication

SHOW_CHOICES = {
    "open": gettext_lazy("Open"),
    "overdue": gettext_lazy("Overdue"),
    "escalated": gettext_lazy("Escalated to the manager"),
    "all": gettext_lazy("All"),
}


def _detail_url(intervention, anchor=""):
    return reverse("assessments:intervention_detail", args=[intervention.pk]) + anchor


@role_required()
def intervention_list(request):
    show = request.GET.get("show", "open")
    if show not in SHOW_CHOICES:
        show = "open"
    today = timezone.localdate()
    interventions = visible_interventions(request.user)
    if show == "open":
        interventions = interventions.filter(status__in=OPEN_INTERVENTION_STATUSES)
    elif show == "overdue":
        interventions = interventions.overdue(today)
    elif show == "escalated":
        interventions = interventions.filter(status=InterventionStatus.ESCALATED)
    interventions = (
        with_intercession(interventions)
        .select_related("request__entity", "unit")
        .order_by("response_due", "pk")
    )
    if response := export_response(request, "interventions", interventions):
        return response
    page = paginate(request, interventions)
    page.object_list = flag(list(page.object_list), today)
    context = {"page_obj": page, "show": show, "show_choices": SHOW_CHOICES, "today": today}
    return render(request, "assessments/intervention_list.html", context)


@role_required()
def intervention_detail(request, pk):
    return _detail_page(request, get_intervention_for_user(request.user, pk))


def _detail_page(request, intervention, *, status=200, action_form=None, communication_form=None):
    user = request.user
    today = timezone.localdate()
    communications = list(intervention.communications.select_related("recorded_by"))
    intervention.has_intercession = any(
        c.kind == CommunicationKind.INTERCESSION for c in communications
    )
    flag([intervention], today)
    action_forms = [
        action_form
        if action_form is not None and action_form.action.name == action.name
        else InterventionActionForm(action)
        for action in workflow.allowed_intervention_actions(intervention, user)
    ]
    can_record = can_record_letter(user, intervention)
    context = {
        "intervention": intervention,
        "support_request": intervention.request,
        "trigger": intervention.trigger,
        # SSR advisors learn that a violation triggered it, not which one (domain.md 7).
        "show_trigger_details": can_read_registry(user),
        "communications": communications,
        "communication_form": (communication_form or InterventionCommunicationForm())
        if can_record
        else None,
        "action_forms": action_forms,
        "today": today,
        "history": intervention_history(intervention, request),
        "transitions": attempt_log(request, intervention.transitions.all()),
    }
    return render(request, "assessments/intervention_detail.html", context, status=status)


@require_POST
@role_required(*ACTION_ROLES)
def intervention_action(request, pk):
    intervention = get_intervention_for_user(request.user, pk)
    action = workflow.INTERVENTION_ACTIONS.get(request.POST.get("action", ""))
    if action is None:
        messages.error(request, _("Unknown action."))
        return redirect(_detail_url(intervention))
    form = InterventionActionForm(action, request.POST)
    # The workflow decides, and logs every attempt: a missing reason or a role the action does
    # not allow (403) is refused there, not here.
    form.is_valid()
    try:
        intervention, suspended = workflow.apply_intervention(
            intervention.pk, action.name, request.user, reason=form.cleaned_data.get("reason", "")
        )
    except workflow.TransitionBlocked as blocked:
        for blocker in blocked.blockers:
            if blocker.rule == "reason" and "reason" not in form.errors:
                form.add_error("reason", blocker.message)
        return _detail_page(request, intervention, status=400, action_form=form)
    except workflow.TransitionError as error:
        messages.error(request, str(error))
        return redirect(_detail_url(intervention))
    if action.name == "suspend":
        messages.warning(request, suspension_message(suspended))
    else:
        messages.success(
            request,
            _("%(action)s: the intervention is now %(status)s.")
            % {"action": action.label, "status": intervention.get_status_display()},
        )
    return redirect(_detail_url(intervention))


def suspension_message(transitions):
    """Which requests the suspension stopped, and the letter each still needs."""
    if not transitions:
        return _("No active support of your entities benefits this unit; no request was suspended.")
    links = format_html_join(
        ", ",
        '<a href="{}">{}</a>',
        ((reverse("support:detail", args=[t.request_id]), t.request.title) for t in transitions),
    )
    return format_html(
        "{} {}. {}",
        _("Support suspended:"),
        links,
        _("Record the suspension letter to the authorities on each request's page."),
    )


@require_POST
@role_required(*LETTER_ROLES)
def intervention_communication_add(request, pk):
    intervention = get_intervention_for_user(request.user, pk)
    if not can_record_letter(request.user, intervention):
        raise PermissionDenied
    form = InterventionCommunicationForm(request.POST)
    if not form.is_valid():
        return _detail_page(request, intervention, status=400, communication_form=form)
    communication = record_intervention_communication(
        intervention, request.user, **form.cleaned_data
    )
    messages.success(request, _("%(kind)s recorded.") % {"kind": communication.get_kind_display()})
    return redirect(_detail_url(intervention, "#communications"))
