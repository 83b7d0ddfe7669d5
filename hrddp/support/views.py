"""Support request pages (domain.md 4.1, 4.5, 7): list, create, edit, the request page with its
actions, communications and deliveries, the transition endpoint, and the waiver report.

State changes go through assessments.workflow.apply(); the page offers exactly the actions that
workflow.allowed_actions() allows, with the blockers of those it refuses.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef, Prefetch
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from assessments import rules, stages, workflow
from assessments.history import assessment_edits, with_edited_risks
from assessments.models import OPEN_INTERVENTION_STATUSES, Intervention
from assessments.queries import attempt_log, measures_of, waiver_decisions
from assessments.risk import risk_profile
from hrddp.accounts.access import can_read_registry, role_required
from hrddp.accounts.models import Role
from hrddp.audit.history import request_history
from hrddp.pagination import paginate
from hrddp.registry.models import Unit
from hrddp.transfer.exporting import export_response

from . import services
from .access import (
    COMMUNICATION_ROLES,
    DELIVERY_ROLES,
    WAIVER_READERS,
    can_edit_request,
    can_record_communication,
    can_record_delivery,
    get_request_for_user,
    holds_role_in,
    is_editable,
)
from .filters import SupportRequestFilter
from .forms import (
    ActionFieldsForm,
    ActionPanelForm,
    CommunicationForm,
    DeliveryForm,
    SupportRequestForm,
    TransitionForm,
)
from .models import EXTENDED_SCOPE_LABEL, RequestStatus, SupportRequest
from .rules import delivery_refusal

# Blockers that belong to a field of the action's form, shown beside it.
FIELD_FOR_RULE = {"reason": "reason", "conditions": "conditions", "D2": "waiver_reason"}


def _posted(request):
    return request.POST if request.method == "POST" else None


def _detail_url(support_request, anchor=""):
    return reverse("support:detail", args=[support_request.pk]) + anchor


def _assessment_url(name, assessment):
    """The assessment pages live in another app; without them the page omits the link."""
    if assessment is None:
        return None
    try:
        return reverse(name, kwargs={"pk": assessment.pk})
    except NoReverseMatch:
        return None


@role_required()
def request_list(request):
    requests = (
        SupportRequest.objects.visible_to(request.user)
        .select_related("entity")
        .prefetch_related(
            Prefetch("recipient_units", queryset=Unit.objects.order_by("sort_name", "pk"))
        )
        .order_by("-created_at", "-pk")
    )
    filterset = SupportRequestFilter(request.GET or None, queryset=requests, request=request)
    if response := export_response(request, "requests", filterset.qs):
        return response
    page = paginate(request, filterset.qs)
    return render(
        request,
        "support/request_list.html",
        {
            "filter": filterset,
            "page_obj": page,
            "can_create": request.user.has_role(Role.REQUESTER),
        },
    )


def save_request_form(form, user):
    """The valid request form saved by the service the API calls too."""
    return services.save_request(
        form.instance,
        user,
        recipient_units=form.cleaned_data["recipient_units"],
        named_individuals=form.cleaned_data.get("named_individuals"),
    )


@role_required(Role.REQUESTER)
def request_create(request):
    form = SupportRequestForm(
        _posted(request), instance=SupportRequest(created_by=request.user), user=request.user
    )
    if request.method == "POST" and form.is_valid():
        support_request = save_request_form(form, request.user)
        messages.success(request, _("Request saved as a draft. Submit it when it is complete."))
        return redirect(_detail_url(support_request))
    return render(request, "support/request_form.html", {"form": form})


@role_required(Role.REQUESTER)
def request_update(request, pk):
    support_request = get_request_for_user(request.user, pk)
    if not can_edit_request(request.user, support_request):
        raise PermissionDenied
    with transaction.atomic():
        if request.method == "POST":
            # Locked, so that a submission taking effect now is not overwritten by a stale status.
            support_request = SupportRequest.objects.select_for_update().get(pk=support_request.pk)
        if not is_editable(support_request):
            messages.error(
                request,
                _(
                    "A request can be edited only while it is a draft or returned to the "
                    "requester; this one is %(status)s."
                )
                % {"status": support_request.get_status_display()},
            )
            return redirect(_detail_url(support_request))
        form = SupportRequestForm(_posted(request), instance=support_request, user=request.user)
        if request.method == "POST" and form.is_valid():
            save_request_form(form, request.user)
            messages.success(request, _("Request saved."))
            return redirect(_detail_url(support_request))
    return render(request, "support/request_form.html", {"form": form, "object": support_request})


def _detail_queryset():
    # Whether an intervention is open blocks some actions (workflow.no_open_intervention): read
    # with the request rather than asked apart.
    open_interventions = Intervention.objects.filter(
        request=OuterRef("pk"), status__in=OPEN_INTERVENTION_STATUSES
    )
    return (
        SupportRequest.objects.select_related("entity", "created_by")
        .annotate(
            has_open_intervention=Exists(open_interventions),
            # Rule D8 weighs it for each approving action (assessments.rules).
            unscreened_participants=rules.unscreened_participants(),
        )
        .prefetch_related(
            Prefetch(
                "recipient_units",
                queryset=Unit.objects.select_related("institution").order_by("sort_name", "pk"),
            ),
            "named_individuals",
        )
    )


@role_required()
def request_detail(request, pk):
    return _detail_page(request, get_request_for_user(request.user, pk, _detail_queryset()))


def _panel(user, support_request, assessment, profile, posted=None, field_errors=()):
    """The actions panel: the enabled actions in the page's order (the destructive ones apart),
    their one form, and the blocked actions worth showing now (stages.worth_showing)."""
    waiver = bool(profile) and workflow.needs_waiver(profile)
    steps = stages.natural_next_steps(support_request, assessment)
    enabled, blocked = [], []
    for state in stages.in_page_order(
        workflow.allowed_actions(support_request, user, assessment=assessment, profile=profile)
    ):
        if state.enabled:
            enabled.append(state.action)
        elif stages.worth_showing(state, support_request, assessment, steps):
            blocked.append(state)
    form = ActionPanelForm(enabled, posted, waiver=waiver) if enabled else None
    if form is not None and posted is not None:
        form.is_valid()
        for field, message in field_errors:
            if field in form.fields:
                form.add_error(field, message)
    return {
        "action_form": form,
        "forward_actions": [a for a in enabled if not a.confirm],
        "destructive_actions": [a for a in enabled if a.confirm],
        "blocked_actions": blocked,
        "waiver_needed": waiver,
        "deciding": any(a.name in stages.DECIDING for a in enabled)
        or any(s.action.name in stages.DECIDING for s in blocked),
    }


def _journey(support_request):
    return {
        "steps": stages.journey_of(support_request),
        "next_actors": ", ".join(
            str(Role(role).label) for role in stages.next_actors(support_request.status)
        ),
        "next_steps": ", ".join(
            str(label) for label in stages.next_step_labels(support_request.status)
        ),
    }


def _detail_page(request, support_request, *, status=200, posted=None, refused=None, **forms):
    """The request page. After a refused POST, ``posted`` (the action panel's fields) and
    ``forms`` keep what the user typed and ``refused`` lists the blockers of the refused action."""
    user = request.user
    assessments = list(
        with_edited_risks(support_request.assessments.select_related("drafter")).order_by(
            "-version"
        )
    )
    assessment = assessments[0] if assessments else None
    profile = risk_profile(assessment) if assessment else None
    field_errors = [
        (FIELD_FOR_RULE[b.rule], b.message)
        for b in (refused or {}).get("blockers", ())
        if b.rule in FIELD_FOR_RULE
    ]
    panel = _panel(user, support_request, assessment, profile, posted, field_errors)
    edits, more_edits = assessment_edits(assessments)
    can_communicate = can_record_communication(user, support_request)
    can_deliver = can_record_delivery(user, support_request)
    today = timezone.localdate()
    # Triggers fire only on approved support; before a decision there is nothing to fetch.
    triggers = (
        list(support_request.triggers.select_related("unit", "intervention"))
        if support_request.decided_at
        else []
    )
    for trigger in triggers:
        trigger.linked_intervention = getattr(trigger, "intervention", None)
        trigger.overdue = bool(
            trigger.linked_intervention and trigger.linked_intervention.is_overdue(today)
        )
    context = {
        "support_request": support_request,
        "journey": _journey(support_request),
        "assessment": assessment,
        "assessment_url": _assessment_url("assessments:detail", assessment),
        "assessment_print_url": _assessment_url("assessments:print", assessment),
        "profile": profile,
        "inherent_label": profile.inherent_label if profile else None,
        "residual_label": profile.residual_label if profile else None,
        "measures": measures_of(assessment) if panel["deciding"] and assessment else (),
        "extended_scope_label": EXTENDED_SCOPE_LABEL,
        **panel,
        "refused": refused,
        "can_edit": can_edit_request(user, support_request) and is_editable(support_request),
        "transitions": attempt_log(request, support_request.transitions.all()),
        "decisions": support_request.decisions.select_related("decided_by", "assessment"),
        "edits": edits,
        "more_edits": more_edits,
        "history": request_history(support_request, request),
        "show_edit_values": can_read_registry(user),
        "communications": support_request.communications.select_related("recorded_by"),
        "deliveries": support_request.deliveries.select_related("recorded_by"),
        "communication_form": (forms.get("communication_form") or CommunicationForm())
        if can_communicate
        else None,
        "delivery_form": (
            (forms.get("delivery_form") or DeliveryForm())
            if can_deliver and delivery_refusal(support_request) is None
            else None
        ),
        "can_deliver": can_deliver,
        "triggers": triggers,
        "can_start_new_version": assessment is not None
        and assessment.is_frozen
        and support_request.status in workflow.ASSESSING_STATES
        and holds_role_in(user, support_request, Role.HRO),
    }
    return render(request, "support/request_detail.html", context, status=status)


def _action_fields(action, post):
    """The action's prefixed fields: the page's panel posts its boxes unprefixed (one reason box
    shared by every button); the JSON API and older clients post ``<action>-<field>``."""
    data = post.copy()
    for name in ActionFieldsForm.base_fields:
        key = f"{action.name}-{name}"
        if key not in post and name in post:
            data[key] = post[name]
    return data


@require_POST
@role_required()
def request_transition(request, pk):
    support_request = get_request_for_user(request.user, pk)
    action = workflow.TRANSITIONS.get(request.POST.get("action", ""))
    if action is None:
        messages.error(request, _("Unknown action."))
        return redirect(_detail_url(support_request))
    waiver = "waiver_reason" in action.fields and workflow.waiver_needed(support_request)
    data = _action_fields(action, request.POST)
    form = TransitionForm(action, data, waiver=waiver)
    form.is_valid()  # Every field is optional here; the workflow's guards decide.
    reason, fields = form.workflow_data()
    # What the user typed, for the panel shown again (after a refusal, or "Go back").
    posted = {name: data.get(f"{action.name}-{name}", "") for name in ActionFieldsForm.base_fields}
    if "back" in request.POST:
        support_request = get_request_for_user(request.user, pk, _detail_queryset())
        return _detail_page(request, support_request, posted=posted)
    if (
        action.confirm
        and request.POST.get("confirmed") != "1"
        and (reason or not action.needs_reason)
    ):
        # A destructive action is confirmed on a page of its own (no script needed); without a
        # reason, the workflow refuses it below and the page says so.
        return render(
            request,
            "support/confirm_action.html",
            {
                "support_request": support_request,
                "action": action,
                "target_label": RequestStatus(action.target).label,
                "ends": action.target in stages.ENDED,
                "posted": posted,
            },
        )
    try:
        workflow.apply(support_request.pk, action.name, request.user, reason=reason, **fields)
    except workflow.TransitionBlocked as blocked:
        support_request = get_request_for_user(request.user, pk, _detail_queryset())
        return _detail_page(
            request,
            support_request,
            status=409,
            posted=posted,
            refused={"action": action, "blockers": blocked.blockers},
        )
    except workflow.TransitionError as error:
        messages.error(request, str(error))
        return redirect(_detail_url(support_request))
    support_request.refresh_from_db(fields=["status"])
    messages.success(
        request,
        _("%(action)s: the request is now %(status)s.")
        % {"action": action.label, "status": support_request.get_status_display()},
    )
    return redirect(_detail_url(support_request))


@require_POST
@role_required(*COMMUNICATION_ROLES)
def communication_add(request, pk):
    support_request = get_request_for_user(request.user, pk)
    if not can_record_communication(request.user, support_request):
        raise PermissionDenied
    form = CommunicationForm(request.POST)
    if not form.is_valid():
        support_request = get_request_for_user(request.user, pk, _detail_queryset())
        return _detail_page(request, support_request, status=400, communication_form=form)
    services.record_communication(support_request, request.user, **form.cleaned_data)
    messages.success(request, _("Communication recorded."))
    return redirect(_detail_url(support_request, "#communications"))


@require_POST
@role_required(*DELIVERY_ROLES)
def delivery_add(request, pk):
    support_request = get_request_for_user(request.user, pk)
    if not can_record_delivery(request.user, support_request):
        raise PermissionDenied
    form = DeliveryForm(request.POST)
    if not form.is_valid():
        support_request = get_request_for_user(request.user, pk, _detail_queryset())
        return _detail_page(request, support_request, status=400, delivery_form=form)
    try:
        services.record_delivery(support_request, request.user, **form.cleaned_data)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect(_detail_url(support_request, "#deliveries"))
    messages.success(request, _("Delivery recorded."))
    return redirect(_detail_url(support_request, "#deliveries"))


@role_required(*WAIVER_READERS)
def waiver_list(request):
    decisions = waiver_decisions(request.user).select_related(
        "request__entity", "decided_by", "assessment"
    )
    if response := export_response(request, "waivers", decisions):
        return response
    page = paginate(request, decisions)
    return render(request, "support/waiver_list.html", {"page_obj": page})
