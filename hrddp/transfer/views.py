"""Import pages: upload and dry run, every row's outcome, confirmation, progress (issue 5).
Export jobs: a spreadsheet's progress and its download (issue 11).

Thin: who may see which job is ``queries``, every write ``services``; the API calls the same."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from hrddp.accounts.access import REGISTRY_IMPORTERS, role_required
from hrddp.accounts.models import Role
from hrddp.pagination import paginate
from hrddp.screening.access import can_edit_participants, participants_editable
from hrddp.screening.services import ParticipantsFrozen
from hrddp.support.access import get_request_for_user

from . import export_jobs, records, services
from .columns import IMPORT_COLUMNS, REQUEST_KINDS
from .exporting import SPECS
from .forms import ImportForm, ParticipantImportForm
from .models import ImportKind
from .queries import (
    LIST_DEFERRED,
    ROWS_PER_PAGE,
    get_export_for_user,
    get_import_job_for_user,
    import_jobs_of,
)
from .reading import ImportFileError

# Seconds between reloads of a running import's page (an HTTP Refresh header: no script needed).
REFRESH_SECONDS = 2
# The latest imports listed under the upload form.
RECENT_IMPORTS = 10
# Who follows an import job of theirs: importers, and SSR advisors for their participant lists.
JOB_FOLLOWERS = (*REGISTRY_IMPORTERS, Role.REQUESTER)


@role_required(*REGISTRY_IMPORTERS)
def import_start(request):
    form = ImportForm(
        request.POST or None, request.FILES or None, initial={"kind": request.GET.get("kind")}
    )
    if request.method == "POST" and form.is_valid():
        try:
            job = services.start_import(
                form.cleaned_data["kind"], form.cleaned_data["file"], request.user, **form.dialect()
            )
        except ImportFileError as error:
            form.add_error("file", str(error))
        else:
            return redirect("transfer:import_job", pk=job.pk)
    recent = import_jobs_of(request.user).defer(*LIST_DEFERRED)[:RECENT_IMPORTS]
    return render(
        request,
        "transfer/import_start.html",
        {
            "form": form,
            "recent": recent,
            "columns": [
                (ImportKind(kind).label, kind, columns)
                for kind, columns in IMPORT_COLUMNS.items()
                if kind not in REQUEST_KINDS
            ],
        },
    )


@role_required(Role.REQUESTER)
def participant_import(request, request_pk):
    """A list of participants imported into a request (issue 15), by its SSR advisors while the
    list may change: the same dry run, job page and confirmation as the registry's imports."""
    support_request = get_request_for_user(request.user, request_pk)
    if not can_edit_participants(request.user, support_request):
        raise PermissionDenied
    if not participants_editable(support_request):
        messages.error(request, str(ParticipantsFrozen(support_request)))
        return redirect("screening:participants", request_pk=support_request.pk)
    form = ParticipantImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            job = services.start_import(
                ImportKind.PARTICIPANTS,
                form.cleaned_data["file"],
                request.user,
                support_request,
                **form.dialect(),
            )
        except ImportFileError as error:
            form.add_error("file", str(error))
        else:
            return redirect("transfer:import_job", pk=job.pk)
    recent = (
        import_jobs_of(request.user)
        .filter(request=support_request)
        .defer(*LIST_DEFERRED)[:RECENT_IMPORTS]
    )
    return render(
        request,
        "transfer/participant_import.html",
        {
            "form": form,
            "support_request": support_request,
            "recent": recent,
            "columns": IMPORT_COLUMNS[ImportKind.PARTICIPANTS],
        },
        status=400 if form.is_bound and form.errors else 200,
    )


@role_required(*JOB_FOLLOWERS)
def import_job(request, pk):
    job = get_import_job_for_user(request.user, pk)
    rows = job.rows_shown(errors_only=request.GET.get("show") == "errors")
    page = paginate(request, rows, ROWS_PER_PAGE)
    page.object_list = job.rows_read(page.object_list)
    response = render(request, "transfer/import_job.html", {"job": job, "page_obj": page})
    if job.is_running and not job.is_stalled:
        response["Refresh"] = str(REFRESH_SECONDS)
    return response


@require_POST
@role_required(*JOB_FOLLOWERS)
def import_confirm(request, pk):
    job = get_import_job_for_user(request.user, pk)
    try:
        services.confirm_import(job)
    except services.ImportRefused as refused:
        messages.error(request, str(refused))
    return redirect("transfer:import_job", pk=job.pk)


@require_POST
@role_required(*JOB_FOLLOWERS)
def import_retry(request, pk):
    """Its owner sends a stalled job (its worker lost) to a worker again."""
    job = get_import_job_for_user(request.user, pk)
    try:
        services.retry_import(job)
    except services.ImportRefused as refused:
        messages.error(request, str(refused))
    else:
        messages.success(request, services.RETRIED_MESSAGE)
    return redirect("transfer:import_job", pk=job.pk)


# Export jobs: anyone signed in may export a list they can see (their own reports at least); a job
# and its file are its asker's only, 404 for anyone else.


@login_required
def export_job(request, pk):
    job = get_export_for_user(request.user, pk)
    response = render(
        request,
        "transfer/export_job.html",
        {
            "job": job,
            "title": SPECS[job.list_name].title,
            "available_until": job.available_until,
        },
    )
    if job.is_pending:
        response["Refresh"] = str(REFRESH_SECONDS)
    return response


@login_required
def export_file(request, pk):
    if (response := export_jobs.file_response(get_export_for_user(request.user, pk))) is None:
        raise Http404
    return response


# Files in an import kind's own format (issue 16): the template of each kind (its columns, an
# example row, the codes of its vocabularies), and every record of a registry kind with its
# reference, to edit and import again. ``?format=csv|xlsx``; ``?convention=semicolon`` for a CSV
# file French Excel opens.


def requested_file(request, kinds, kind):
    """(format, convention) asked for; 404 for a kind or a format there is no file of."""
    fmt = request.GET.get("format", "csv")
    if kind not in kinds or fmt not in records.FORMATS:
        raise Http404
    convention = request.GET.get("convention", "comma")
    return fmt, convention if convention in records.CONVENTIONS else "comma"


@role_required(*JOB_FOLLOWERS)
def import_template(request, kind):
    fmt, convention = requested_file(request, records.template_kinds(request.user), kind)
    return records.template_response(kind, fmt, convention)


@role_required(*JOB_FOLLOWERS)
def import_codes(request, kind):
    """The codes a kind's columns read, as CSV (the CSV template's companion)."""
    _fmt, convention = requested_file(request, records.template_kinds(request.user), kind)
    return records.codes_response(kind, convention)


@role_required(*REGISTRY_IMPORTERS)
def export_records(request, kind):
    fmt, convention = requested_file(request, records.RECORD_KINDS, kind)
    try:
        return records.records_response(kind, fmt, convention)
    except records.TooManyForExcel as refusal:
        messages.error(request, refusal.message)
        return redirect(f"{reverse('transfer:import_start')}?kind={kind}")
