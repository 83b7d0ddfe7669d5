"""The pages of attached files: attach one to a record, download one. No URL serves a stored file:
each download comes through ``attachment_download``, which checks who may read its record."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from hrddp.accounts.access import role_required

from . import queries, services
from .forms import AttachmentForm


@role_required()
def attachment_add(request, kind, pk):
    record = queries.get_record_for_user(request.user, kind, pk)
    if not queries.can_attach(request.user, record):
        raise PermissionDenied
    evidence = kind == "violation"
    # Bound on any POST, an empty one too (then refused on its fields, 400), not only on one
    # with data.
    posted = request.method == "POST"
    form = AttachmentForm(
        request.POST if posted else None, request.FILES if posted else None, evidence=evidence
    )
    if posted and form.is_valid():
        try:
            services.add_attachment(
                record,
                form.cleaned_data["file"],
                title=form.cleaned_data["title"],
                date=form.cleaned_data["date"],
                identifies_people=form.cleaned_data.get("identifies_people", False),
                user=request.user,
            )
        except ValidationError as error:
            form.add_error("file" if not hasattr(error, "error_dict") else None, error)
        else:
            messages.success(request, _("File attached."))
            return redirect(queries.record_url(record))
    status = 400 if form.errors else 200
    return render(
        request,
        "documents/attachment_form.html",
        {"form": form, "record": record, "kind": kind, "back": queries.record_url(record)},
        status=status,
    )


@role_required()
def attachment_remove(request, pk):
    attachment = queries.get_attachment_for_user(request.user, pk)
    if not queries.can_remove(request.user, attachment):
        raise PermissionDenied
    record = attachment.owner
    errors = []
    if request.method == "POST":
        try:
            services.remove_attachment(attachment, request.user, request.POST.get("reason", ""))
        except ValidationError as error:
            errors = error.messages
        else:
            messages.success(request, _("File removed."))
            return redirect(queries.record_url(record))
    return render(
        request,
        "documents/attachment_remove.html",
        {
            "attachment": attachment,
            "record": record,
            "errors": errors,
            "reason": request.POST.get("reason", ""),
            "back": queries.record_url(record),
        },
        status=400 if errors else 200,
    )


@require_GET
@role_required()
def attachment_download(request, pk):
    attachment = queries.get_attachment_for_user(request.user, pk)
    return services.download_response(attachment, request.user)
