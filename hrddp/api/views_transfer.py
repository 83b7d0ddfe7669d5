"""Import and export jobs. Mirrors hrddp/transfer/views: the same roles (importers upload,
anyone signed in follows their own export), the same 404 for another person's job, the same
services for every write (``hrddp.transfer.services``)."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from hrddp.accounts.access import REGISTRY_IMPORTERS
from hrddp.accounts.models import Role
from hrddp.api.exceptions import rule_refusal
from hrddp.screening.access import can_edit_participants, participants_editable
from hrddp.screening.services import ParticipantsFrozen
from hrddp.support.access import get_request_for_user
from hrddp.transfer import export_jobs, records, services
from hrddp.transfer.columns import REQUEST_KINDS
from hrddp.transfer.forms import DELIMITER_CODES
from hrddp.transfer.models import ExportJob, ImportJob
from hrddp.transfer.queries import LIST_DEFERRED, ROWS_PER_PAGE, export_jobs_of, import_jobs_of
from hrddp.transfer.reading import ImportFileError

from .pagination import PageNumberPagination
from .permissions import ANY_ROLE
from .serializers_transfer import (
    ExportJobSerializer,
    ImportJobDetailSerializer,
    ImportJobSerializer,
    ImportRowSerializer,
    ImportUploadSerializer,
)

JOB_FOLLOWERS = (*REGISTRY_IMPORTERS, Role.REQUESTER)
KIND_PATH = r"(?P<kind>[^/.]+)"
# ``format`` is DRF's own parameter (the answer's renderer): files are asked for by ``file_format``.
FILE_FORMAT = OpenApiParameter("file_format", str, enum=list(records.FORMATS), default="csv")
CONVENTION = OpenApiParameter(
    "convention",
    str,
    enum=list(records.CONVENTIONS),
    default="comma",
    description="A CSV file's convention: semicolon for French Excel (and a decimal comma).",
)


def file_options(request, kinds, kind):
    """(format, convention) asked for; 404 for a kind or a format there is no file of."""
    fmt = request.query_params.get("file_format", "csv")
    if kind not in kinds or fmt not in records.FORMATS:
        raise NotFound
    convention = request.query_params.get("convention", "comma")
    return fmt, convention if convention in records.CONVENTIONS else "comma"


REFUSAL = OpenApiResponse(description='The job\'s state refuses it: {"rule", "detail"}.')


class ImportRowsPagination(PageNumberPagination):
    """A job's rows, as many a page as its page shows."""

    page_size = ROWS_PER_PAGE
    page_size_query_param = None


def refusal_response(refused):
    return Response({"rule": refused.rule, "detail": str(refused)}, status=status.HTTP_409_CONFLICT)


class ImportViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Importing registry records from a file (issue 5): upload it for a dry run, read every row's
    outcome, confirm it, follow its progress; retry it if its worker was lost. Importers only
    (HROs and administrators); a job is its uploader's, 404 for anyone else."""

    lookup_value_regex = "[0-9]+"
    parser_classes = [MultiPartParser, FormParser, JSONParser]
    # SSR advisors import participant lists into their requests (issue 15), and follow only those.
    action_roles = {
        "list": JOB_FOLLOWERS,
        "retrieve": JOB_FOLLOWERS,
        "create": JOB_FOLLOWERS,
        "confirm": JOB_FOLLOWERS,
        "retry": JOB_FOLLOWERS,
        "template": JOB_FOLLOWERS,
        "codes": JOB_FOLLOWERS,
    }

    def get_serializer_class(self):
        if self.action == "create":
            return ImportUploadSerializer
        return ImportJobDetailSerializer if self.action == "retrieve" else ImportJobSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation: no caller
            return ImportJob.objects.none()
        jobs = import_jobs_of(self.request.user)
        return jobs.defer(*LIST_DEFERRED) if self.action == "list" else jobs

    def detail_response(self, job, status_code=status.HTTP_200_OK):
        paginator = ImportRowsPagination()
        rows = job.rows_shown(errors_only=self.request.query_params.get("show") == "errors")
        page = paginator.paginate_queryset(rows, self.request, view=self)
        rows_page = {
            "count": paginator.page.paginator.count,
            "next": paginator.get_next_link(),
            "previous": paginator.get_previous_link(),
            "results": ImportRowSerializer(job.rows_read(page), many=True).data,
        }
        context = {**self.get_serializer_context(), "rows_page": rows_page}
        return Response(ImportJobDetailSerializer(job, context=context).data, status=status_code)

    @extend_schema(
        parameters=[
            OpenApiParameter("page", int, description="Page of rows (200 a page)."),
            OpenApiParameter("show", str, enum=["errors"], description="Only the rows in error."),
        ]
    )
    def retrieve(self, request, *args, **kwargs):
        """The job: its status and progress, the errors about the file, the dry run's (or the
        import's) counts and its rows a page at a time, as the job's page shows them."""
        return self.detail_response(self.get_object())

    @extend_schema(
        request={"multipart/form-data": ImportUploadSerializer},
        responses={201: ImportJobDetailSerializer, 409: REFUSAL},
    )
    def create(self, request, *args, **kwargs):
        """Upload a file (multipart: ``kind``, ``file``) as on the upload page: it is checked by
        a dry run, now when small, else by a worker (follow ``status``). Nothing is imported
        until the job is confirmed. A file that cannot be read is a 400 on ``file``.

        ``kind=participants`` with ``request=<id>``: a list of participants imported into that
        support request, by its entity's SSR advisors while its list may change (404 for a
        request the caller may not see, 403, 409 ``participants_editable``); the other kinds are
        for importers (HROs and administrators)."""
        kind = request.data.get("kind") if hasattr(request.data, "get") else None
        if kind not in REQUEST_KINDS and not request.user.has_role(*REGISTRY_IMPORTERS):
            raise PermissionDenied
        upload = ImportUploadSerializer(data=request.data)
        upload.is_valid(raise_exception=True)
        kind = upload.validated_data["kind"]
        support_request = None
        if kind in REQUEST_KINDS:
            support_request = get_request_for_user(request.user, upload.validated_data["request"])
            if not can_edit_participants(request.user, support_request):
                raise PermissionDenied
            if not participants_editable(support_request):
                frozen = ParticipantsFrozen(support_request)
                return Response(
                    {"rule": frozen.rule, "detail": str(frozen)}, status=status.HTTP_409_CONFLICT
                )
        try:
            job = services.start_import(
                kind,
                upload.validated_data["file"],
                request.user,
                support_request,
                encoding=upload.validated_data["encoding"],
                delimiter=DELIMITER_CODES[upload.validated_data["delimiter"]],
            )
        except ImportFileError as error:
            return Response({"file": [str(error)]}, status=status.HTTP_400_BAD_REQUEST)
        job = self.get_queryset().get(pk=job.pk)
        return self.detail_response(job, status.HTTP_201_CREATED)

    @extend_schema(request=None, responses={200: ImportJobDetailSerializer, 409: REFUSAL})
    @action(detail=True, methods=["post"], pagination_class=None)
    def confirm(self, request, pk=None):
        """Import the file of a job whose dry run found no error (``can_confirm``); 409 naming
        the rule ``import_checked`` otherwise (errors found, already imported, still checking)."""
        try:
            job = services.confirm_import(self.get_object())
        except services.ImportRefused as refused:
            return refusal_response(refused)
        return self.detail_response(job)

    @extend_schema(
        parameters=[FILE_FORMAT, CONVENTION],
        responses={(200, "application/octet-stream"): OpenApiTypes.BINARY},
    )
    @action(detail=False, methods=["get"], url_path=f"template/{KIND_PATH}", pagination_class=None)
    def template(self, request, kind=None):
        """A kind's template, as the upload page offers it: its columns and an example row
        (XLSX: the codes of its vocabularies on a second sheet). Importers: the registry's kinds;
        SSR advisors: ``participants``. 404 for another kind."""
        fmt, convention = file_options(request, records.template_kinds(request.user), kind)
        return records.template_response(kind, fmt, convention)

    @extend_schema(parameters=[CONVENTION], responses={(200, "text/csv"): OpenApiTypes.BINARY})
    @action(detail=False, methods=["get"], url_path=f"codes/{KIND_PATH}", pagination_class=None)
    def codes(self, request, kind=None):
        """The codes a kind's columns read (column, code, meaning), as CSV."""
        _fmt, convention = file_options(request, records.template_kinds(request.user), kind)
        return records.codes_response(kind, convention)

    @extend_schema(request=None, responses={200: ImportJobDetailSerializer, 409: REFUSAL})
    @action(detail=True, methods=["post"], pagination_class=None)
    def retry(self, request, pk=None):
        """Send a stalled job (``is_stalled``: its worker lost) to a worker again; 409 naming the
        rule ``import_stalled`` for a job that is finished or still giving signs of work."""
        try:
            job = services.retry_import(self.get_object())
        except services.ImportRefused as refused:
            return refusal_response(refused)
        return self.detail_response(job)


class ExportViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Spreadsheet exports asked for on the list pages (issue 11): their progress, then the file,
    until its retention time. A job and its file are its asker's only (404 for anyone else)."""

    lookup_value_regex = "[0-9]+"
    serializer_class = ExportJobSerializer
    action_roles = {
        "list": ANY_ROLE,
        "retrieve": ANY_ROLE,
        "file": ANY_ROLE,
        "records": REGISTRY_IMPORTERS,
    }

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation: no caller
            return ExportJob.objects.none()
        return export_jobs_of(self.request.user)

    @extend_schema(
        responses={
            (200, export_jobs.XLSX_CONTENT_TYPE): OpenApiTypes.BINARY,
            404: OpenApiResponse(description="Not the caller's, not ready, or deleted."),
        }
    )
    @action(detail=True, methods=["get"], pagination_class=None)
    def file(self, request, pk=None):
        """The spreadsheet, once ``status`` is ``done`` and until ``available_until``."""
        if (response := export_jobs.file_response(self.get_object())) is None:
            raise NotFound
        return response

    @extend_schema(
        parameters=[
            OpenApiParameter("kind", str, OpenApiParameter.PATH, enum=list(records.RECORD_KINDS)),
            FILE_FORMAT,
            CONVENTION,
        ],
        responses={(200, "application/octet-stream"): OpenApiTypes.BINARY},
    )
    @action(detail=False, methods=["get"], url_path=f"records/{KIND_PATH}", pagination_class=None)
    def records(self, request, kind=None):
        """Every record of a registry kind in its import format, with its reference (importers):
        edited and uploaded again, it updates the same records."""
        fmt, convention = file_options(request, records.RECORD_KINDS, kind)
        try:
            return records.records_response(kind, fmt, convention)
        except records.TooManyForExcel as refusal:
            return rule_refusal("excel_records_limit", refusal.message)
