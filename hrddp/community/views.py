"""Community pages: perceptions (domain.md 6.1) and the report of an abuse (6.4).

Perceptions are read by whoever reads the registry and recorded by HROs. Any signed-in staff
member, with or without a role, may report an abuse and sees their own reports, nobody else's.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from hrddp.accounts.access import REGISTRY_EDITORS, REGISTRY_READERS, role_required
from hrddp.audit.history import perception_history
from hrddp.pagination import paginate
from hrddp.transfer.exporting import export_response

from .filters import PerceptionFilter
from .forms import AbuseReportForm, PerceptionForm
from .models import Perception
from .queries import perceptions_of, reports_of
from .services import report_abuse, save_perception


@role_required(*REGISTRY_READERS)
def perception_list(request):
    perceptions = perceptions_of(request.user)
    perception_filter = PerceptionFilter(request.GET or None, queryset=perceptions)
    if response := export_response(request, "perceptions", perception_filter.qs):
        return response
    return render(
        request,
        "community/perception_list.html",
        {"filter": perception_filter, "page_obj": paginate(request, perception_filter.qs)},
    )


@role_required(*REGISTRY_EDITORS)
def perception_create(request):
    return edit_perception(request, Perception(recorded_by=request.user))


@role_required(*REGISTRY_EDITORS)
def perception_update(request, pk):
    return edit_perception(request, get_object_or_404(perceptions_of(request.user), pk=pk))


def edit_perception(request, perception):
    form = PerceptionForm(request.POST if request.method == "POST" else None, instance=perception)
    if request.method == "POST" and form.is_valid():
        try:
            save_perception(request.user, form.cleaned_data, perception if perception.pk else None)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The perception was saved."))
            return redirect("community:perception_list")
    history = perception_history(perception, request) if perception.pk else None
    return render(
        request,
        "community/perception_form.html",
        {"form": form, "object": perception, "history": history},
    )


@login_required
def report(request):
    form = AbuseReportForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            report_abuse(request.user, form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _(
                    "Thank you. Your report went to the human rights officers; you can follow "
                    "its status here."
                ),
            )
            return redirect("community:my_reports")
    return render(request, "community/report_form.html", {"form": form})


@login_required
def my_reports(request):
    # Only the reporter's own reports, and only what they need to follow them (reports_of).
    reports = reports_of(request.user)
    if response := export_response(request, "my_reports", reports):
        return response
    return render(request, "community/my_reports.html", {"page_obj": paginate(request, reports)})
