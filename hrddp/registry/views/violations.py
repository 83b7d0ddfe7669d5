"""Violation pages, the HRO triage queue and the erasure of a source's identity (domain.md 3, 3.1
and 7)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from hrddp.accounts.access import (
    REGISTRY_EDITORS,
    REGISTRY_READERS,
    can_confirm_erasure,
    can_confirm_erasures,
    can_edit_registry,
    can_open_erasure,
    can_request_erasure,
    can_see_identities,
    role_required,
)
from hrddp.audit.history import conceals_actors, history_of, history_page
from hrddp.pagination import paginate
from hrddp.transfer.exporting import export_response

from .. import services
from ..filters_violations import TriageFilter, ViolationFilter
from ..forms_violations import (
    BulkVerificationForm,
    ErasureRequestForm,
    VerificationForm,
    ViolationForm,
    verification_change,
    violation_formsets,
    violation_rows,
)
from ..models import SourceErasure, VerificationStatus, Violation
from ..queries import get_source_for_user, get_violation_for_user, undoable_change


@role_required(*REGISTRY_READERS)
def violation_list(request):
    violation_filter = ViolationFilter(request.GET or None, queryset=Violation.objects.listed())
    if response := export_response(request, "violations", violation_filter.qs):
        return response
    return render(
        request,
        "registry/violation_list.html",
        {"filter": violation_filter, "page_obj": paginate(request, violation_filter.qs)},
    )


# Any role, so that an SSR advisor gets 404 (not 403) on a violation they may not read.
@role_required()
def violation_detail(request, pk):
    violation = get_violation_for_user(request.user, pk, Violation.objects.for_page(request.user))
    return render(
        request,
        "registry/violation_detail.html",
        {
            "violation": violation,
            "show_identities": can_see_identities(request.user),
            "conceal_actors": conceals_actors(request.user, violation),
            "show_erasure": can_open_erasure(request.user),
            "verification_form": VerificationForm(
                initial={"status": violation.verification_status}
            ),
            "history": history_of(violation, request.user, history_page(request)),
            "undoable": undoable_change(violation) if can_edit_registry(request.user) else None,
        },
    )


@role_required(*REGISTRY_EDITORS)
def violation_create(request):
    return edit_violation(request, Violation())


@role_required(*REGISTRY_EDITORS)
def violation_update(request, pk):
    return edit_violation(request, get_violation_for_user(request.user, pk))


def edit_violation(request, violation):
    """The violation and its inline attributions, actions and sources: all saved, or nothing."""
    creating = violation.pk is None
    data = request.POST if request.method == "POST" else None
    form = ViolationForm(data, instance=violation, user=request.user)
    formsets = violation_formsets(data, instance=violation)
    if data is not None:
        # A list, not a generator: every form is validated, so every error shows at once.
        if all([form.is_valid()] + [formset.is_valid() for formset in formsets.values()]):
            services.save_violation(
                form.instance,
                request.user,
                rows=violation_rows(formsets),
                verification_status=verification_change(form, creating),
                note=form.cleaned_data["verification_note"],
            )
            messages.success(request, _("The violation was saved."))
            return redirect("registry:violation_detail", pk=violation.pk)
        messages.error(request, _("Nothing was saved. Correct the errors shown below."))
    return render(
        request,
        "registry/violation_form.html",
        {"form": form, "formsets": formsets, "violation": violation, "creating": creating},
    )


@require_POST
@role_required(*REGISTRY_EDITORS)
def violation_verify(request, pk):
    violation = get_violation_for_user(
        request.user, pk, Violation.objects.select_related("category")
    )
    form = VerificationForm(request.POST)
    if form.is_valid() and violation.becomes_countable_grave(form.cleaned_data["status"]):
        # It sets off monitoring: the confirmation page says what will happen, then acts. A 307
        # posts the form again there, so the note typed here is kept (and stays out of the URL).
        confirm = reverse("assessments:verification_confirm", args=[violation.pk])
        response = redirect(f"{confirm}?{urlencode({'status': form.cleaned_data['status']})}")
        response.status_code = 307
        return response
    if form.is_valid():
        status = form.cleaned_data["status"]
        services.set_verification_status(
            violation, status, request.user, note=form.cleaned_data["note"]
        )
        messages.success(
            request,
            _("%(violation)s is now %(status)s.")
            % {"violation": violation, "status": VerificationStatus(status).label},
        )
    else:
        messages.error(
            request, _("The verification status was not changed: choose a valid status.")
        )
    return redirect(safe_next(request, reverse("registry:violation_detail", args=[violation.pk])))


def safe_next(request, default):
    next_url = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return next_url
    return default


@role_required(*REGISTRY_EDITORS)
def triage(request):
    """Alleged violations waiting for a verification decision, filtered, newest (or grave) first;
    the obvious ones decided several at a time (``triage_bulk``)."""
    triage_filter = TriageFilter(
        request.GET or None, queryset=Violation.objects.listed().awaiting_triage()
    )
    queue = triage_filter.qs
    if response := export_response(request, "triage", queue):
        return response
    return render(
        request,
        "registry/triage.html",
        {
            "filter": triage_filter,
            "page_obj": paginate(request, queue),
            "bulk_form": BulkVerificationForm(),
        },
    )


# The most a bulk action takes at once: one page of the queue, with room.
BULK_MAX = 100


@require_POST
@role_required(*REGISTRY_EDITORS)
def triage_bulk(request):
    """Several violations to credible or discounted, each through the same service and written to
    the history one by one; a grave case that would become countable is left for its confirmation."""
    back = safe_next(request, reverse("registry:triage"))
    form = BulkVerificationForm(request.POST)
    if not form.is_valid() or len(form.cleaned_data["ids"]) > BULK_MAX:
        messages.error(request, _("Nothing was changed: tick the violations and choose an action."))
        return redirect(back)
    violations = Violation.objects.select_related("category").filter(
        pk__in=form.cleaned_data["ids"]
    )
    changed, refused = services.bulk_set_verification(
        violations.order_by("pk"),
        form.cleaned_data["status"],
        request.user,
        form.cleaned_data["note"],
    )
    messages.success(
        request,
        ngettext(
            "%(count)s violation changed, each written to its history.",
            "%(count)s violations changed, each written to its history.",
            len(changed),
        )
        % {"count": len(changed)},
    )
    if refused:
        messages.warning(
            request,
            ngettext(
                "%(count)s grave case was left as it was: it would count for the rules, so "
                "it is decided on its own, after the confirmation.",
                "%(count)s grave cases were left as they were: they would count for the rules, "
                "so each is decided on its own, after the confirmation.",
                len(refused),
            )
            % {"count": len(refused)},
        )
    return redirect(back)


def erasure_source(request, pk):
    """The source, for the HROs who ask for its erasure and the managers who confirm it; 404 for
    who may not read the registry, 403 for other readers."""
    source = get_source_for_user(request.user, pk)
    if not can_open_erasure(request.user):
        raise PermissionDenied
    return source


def render_erasure(request, source, form=None, status=200):
    try:
        erasure = source.erasure
    except SourceErasure.DoesNotExist:
        erasure = None
    may_request = erasure is None and can_request_erasure(request.user)
    return render(
        request,
        "registry/source_erasure.html",
        {
            "source": source,
            "violation": source.violation,
            "erasure": erasure,
            "show_identities": can_see_identities(request.user),
            "form": (form or ErasureRequestForm()) if may_request else None,
            "may_confirm": bool(
                erasure and not erasure.done and can_confirm_erasure(request.user, erasure)
            ),
        },
        status=status,
    )


# Any role, so that an SSR advisor gets 404 (not 403) on a source they may not read.
@role_required()
def source_erasure(request, pk):
    """GET: the erasure's state. POST: an HRO asks for the erasure, with a reason."""
    source = erasure_source(request, pk)
    if request.method != "POST":
        return render_erasure(request, source)
    if not can_request_erasure(request.user):
        raise PermissionDenied
    form = ErasureRequestForm(request.POST)
    if not form.is_valid():
        return render_erasure(request, source, form, status=400)
    try:
        services.request_erasure(source, request.user, form.cleaned_data["reason"])
    except services.ErasureRefused:
        messages.error(request, _("The erasure of this identity was already asked for."))
        return render_erasure(request, source, status=409)
    messages.success(
        request, _("The erasure was asked for. It happens when a manager confirms it.")
    )
    return redirect("registry:source_erasure", pk=source.pk)


@require_POST
@role_required()
def source_erasure_confirm(request, pk):
    """A manager of one of the requesting HRO's entities confirms: the identity is destroyed."""
    source = erasure_source(request, pk)
    if not can_confirm_erasures(request.user):
        raise PermissionDenied
    try:
        services.confirm_erasure(source, request.user)
    except services.ErasureRefused:
        messages.error(request, _("There is no erasure waiting for confirmation."))
        return render_erasure(request, source, status=409)
    messages.success(request, _("The identity and contact of this source are erased."))
    return redirect("registry:violation_detail", pk=source.violation_id)
