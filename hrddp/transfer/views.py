"""Import pages: upload and dry run, every row's outcome, confirmation, progress (issue 5).
Export jobs: a spreadsheet's progress and its download (issue 11)."""

import datetime

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hrddp.accounts.access import REGISTRY_IMPORTERS, role_required
from hrddp.pagination import paginate

from . import export_jobs, importing
from .columns import IMPORT_COLUMNS
from .exporting import SPECS
from .forms import ImportForm
from .models import ExportJob, ExportStatus, ImportJob, ImportKind, ImportStatus

ROWS_PER_PAGE = 200
# Seconds between reloads of a running import's page (an HTTP Refresh header: no script needed).
REFRESH_SECONDS = 2


def get_job_for_user(user, pk):
    """An import is its uploader's: anyone else gets 404."""
    return get_object_or_404(ImportJob.objects.filter(created_by=user), pk=pk)


@role_required(*REGISTRY_IMPORTERS)
def import_start(request):
    form = ImportForm(
        request.POST or None, request.FILES or None, initial={"kind": request.GET.get("kind")}
    )
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                job = importing.create_job(
                    form.cleaned_data["kind"], form.cleaned_data["file"], request.user
                )
                importing.start(job, dry_run=True)
        except importing.ImportFileError as error:
            form.add_error("file", str(error))
        else:
            return redirect("transfer:import_job", pk=job.pk)
    recent = ImportJob.objects.filter(created_by=request.user).defer("content", "rows")[:10]
    return render(
        request,
        "transfer/import_start.html",
        {
            "form": form,
            "recent": recent,
            "columns": [
                (ImportKind(kind).label, kind, columns) for kind, columns in IMPORT_COLUMNS.items()
            ],
        },
    )


@role_required(*REGISTRY_IMPORTERS)
def import_job(request, pk):
    job = get_job_for_user(request.user, pk)
    rows = job.rows
    if request.GET.get("show") == "errors":
        rows = [row for row in rows if row["outcome"] == "error"]
    page = paginate(request, rows, ROWS_PER_PAGE)
    response = render(request, "transfer/import_job.html", {"job": job, "page_obj": page})
    if job.is_running and not job.is_stalled:
        response["Refresh"] = str(REFRESH_SECONDS)
    return response


@require_POST
@role_required(*REGISTRY_IMPORTERS)
def import_confirm(request, pk):
    job = get_job_for_user(request.user, pk)
    with transaction.atomic():
        job = ImportJob.objects.select_for_update().get(pk=job.pk)
        started = importing.start(job, dry_run=False)
    if not started:
        messages.error(request, _("Only a file whose dry run found no error can be imported."))
    elif job.status == ImportStatus.DONE:
        messages.success(request, _("The file was imported."))
    return redirect("transfer:import_job", pk=job.pk)


@require_POST
@role_required(*REGISTRY_IMPORTERS)
def import_retry(request, pk):
    """Its owner sends a stalled job (its worker lost) to a worker again."""
    job = get_job_for_user(request.user, pk)
    if importing.retry(job.pk):
        messages.success(request, _("The file was sent to a worker again."))
    else:
        messages.error(request, _("Only an import that gives no sign of work can be retried."))
    return redirect("transfer:import_job", pk=job.pk)


# Export jobs: anyone signed in may export a list they can see (their own reports at least); a job
# and its file are its asker's only, 404 for anyone else.


def get_export_for_user(user, pk):
    return get_object_or_404(ExportJob.objects.filter(created_by=user).defer("query"), pk=pk)


@login_required
def export_job(request, pk):
    job = get_export_for_user(request.user, pk)
    keep = datetime.timedelta(hours=settings.EXPORT_KEEP_HOURS)
    response = render(
        request,
        "transfer/export_job.html",
        {
            "job": job,
            "title": SPECS[job.list_name].title,
            "available_until": job.finished_at + keep if job.finished_at else None,
        },
    )
    if job.is_pending:
        response["Refresh"] = str(REFRESH_SECONDS)
    return response


@login_required
def export_file(request, pk):
    job = get_export_for_user(request.user, pk)
    if job.status != ExportStatus.DONE:
        raise Http404
    try:
        stream = open(export_jobs.file_path(job), "rb")  # noqa: SIM115 - FileResponse closes it
    except FileNotFoundError:
        raise Http404 from None
    return FileResponse(
        stream,
        as_attachment=True,
        filename=export_jobs.download_name(job),
        content_type=export_jobs.XLSX_CONTENT_TYPE,
    )
