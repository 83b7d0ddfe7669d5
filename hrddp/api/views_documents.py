"""API: attached files (issue 17). Mirrors hrddp/documents/views: a file follows its record
(domain.md 7), so a record's files are listed to whoever may read the record and added by whoever
records it (403 for anyone else who sees it); a file, its description and its bytes answer 404 to
whoever may not see it, and each download is written in its history. Every lookup is
``hrddp.documents.queries``'s, every write ``hrddp.documents.services``'s, as for the pages."""

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics, mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotAcceptable, PermissionDenied
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.parsers import JSONParser, MultiPartParser
from rest_framework.response import Response

from hrddp.documents import queries, services
from hrddp.documents.models import Attachment

from .exceptions import validation_detail
from .permissions import ANY_ROLE
from .serializers_documents import (
    AttachmentRemovalSerializer,
    AttachmentSerializer,
    AttachmentUploadSerializer,
)

# The records files are attached to (hrddp.documents.models.OWNER_FIELDS) and the API's resource
# of each: a record's files are at /api/v1/<resource>/<id>/attachments/.
RECORD_RESOURCES = {
    "communication": "communications",
    "decision": "decisions",
    "violation": "violations",
    "intervention": "interventions",
    "participant": "participants",
}

RECORD_ID = OpenApiParameter(
    "id", int, OpenApiParameter.PATH, description="The id of the record the files belong to."
)
NOT_VISIBLE = OpenApiResponse(description="No such record, or not one the caller may see.")
NO_FILE = OpenApiResponse(description="No such file, or not one the caller may see.")


class RecordAttachmentsView(generics.ListCreateAPIView):
    """The files of one record that the caller may see, newest first (evidence identifying a
    victim, witness or source: HROs only); 404 for a record the caller may not see. POST
    (multipart/form-data) attaches one."""

    kind = None  # the record's kind (RECORD_RESOURCES), given per route
    serializer_class = AttachmentSerializer
    # multipart/form-data carries the file; a JSON body can only be refused on its fields.
    parser_classes = [MultiPartParser, JSONParser]
    filterset_class = None
    action_roles = {"get": ANY_ROLE, "post": ANY_ROLE}

    def record(self):
        """The record, if the caller may read it; 404 otherwise."""
        if not hasattr(self, "_record"):
            self._record = queries.get_record_for_user(
                self.request.user, self.kind, self.kwargs["pk"]
            )
        return self._record

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation: no caller
            return Attachment.objects.none()
        return queries.attachments_of(self.request.user, self.record())

    @extend_schema(
        parameters=[RECORD_ID], responses={200: AttachmentSerializer(many=True), 404: NOT_VISIBLE}
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(
        parameters=[RECORD_ID],
        request={"multipart/form-data": AttachmentUploadSerializer},
        responses={
            201: AttachmentSerializer,
            400: OpenApiResponse(
                description="Bad input, on the fields; a file refused (its type by content, its "
                "size, the virus scan) is refused on ``file``, and nothing is kept."
            ),
            403: OpenApiResponse(description="The caller sees the record but does not record it."),
            404: NOT_VISIBLE,
        },
    )
    def post(self, request, *args, **kwargs):
        """Attach a file, as the record page's "Attach a file" does."""
        record = self.record()
        if not queries.can_attach(request.user, record):
            raise PermissionDenied
        body = AttachmentUploadSerializer(data=request.data, context={"kind": self.kind})
        body.is_valid(raise_exception=True)
        data = body.validated_data
        try:
            attachment = services.add_attachment(
                record,
                data["file"],
                title=data["title"],
                date=data.get("date"),
                identifies_people=data.get("identifies_people"),
                user=request.user,
            )
        except DjangoValidationError as error:
            if hasattr(error, "error_dict"):
                raise serializers.ValidationError(validation_detail(error)) from None
            raise serializers.ValidationError({"file": error.messages}) from None
        answer = AttachmentSerializer(attachment, context=self.get_serializer_context())
        return Response(answer.data, status=status.HTTP_201_CREATED)


class AnyAccept(DefaultContentNegotiation):
    """A download answers its file whatever the caller accepts (``Accept: application/pdf``); an
    error still answers JSON."""

    def select_renderer(self, request, renderers, format_suffix=None):
        try:
            return super().select_renderer(request, renderers, format_suffix)
        except NotAcceptable:
            return renderers[0], renderers[0].media_type


class AttachmentViewSet(mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """One attached file: its description, and its bytes. 404 for whoever may not see it."""

    lookup_value_regex = "[0-9]+"
    serializer_class = AttachmentSerializer
    action_roles = {"retrieve": ANY_ROLE, "download": ANY_ROLE, "remove": ANY_ROLE}

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation: no caller
            return Attachment.objects.none()
        return queries.visible_attachments(self.request.user)

    def get_object(self):
        return queries.get_attachment_for_user(self.request.user, self.kwargs["pk"])

    @extend_schema(responses={200: AttachmentSerializer, 404: NO_FILE})
    def retrieve(self, request, *args, **kwargs):
        return super().retrieve(request, *args, **kwargs)

    @extend_schema(
        responses={
            (200, "application/octet-stream"): OpenApiTypes.BINARY,
            404: NO_FILE,
        },
    )
    @action(
        detail=True, methods=["get"], pagination_class=None, content_negotiation_class=AnyAccept
    )
    def download(self, request, pk=None):
        """The file's bytes, as an attachment under its sanitised name (``filename``), of its
        type (``content_type``). The download is written in the file's history: who, when."""
        return services.download_response(self.get_object(), request.user)

    @extend_schema(
        request=AttachmentRemovalSerializer,
        responses={
            204: OpenApiResponse(description="Removed: its history keeps what it was, and why."),
            400: OpenApiResponse(description="No reason given."),
            403: OpenApiResponse(description="The caller sees the file but does not record it."),
            404: NO_FILE,
        },
    )
    @action(detail=True, methods=["post"])
    def remove(self, request, pk=None):
        """Remove a file attached by mistake, as the page's "Remove" does: whoever may attach a
        file to the record, with a reason."""
        attachment = self.get_object()
        if not queries.can_remove(request.user, attachment):
            raise PermissionDenied
        body = AttachmentRemovalSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            services.remove_attachment(attachment, request.user, body.validated_data["reason"])
        except DjangoValidationError as error:
            raise serializers.ValidationError(validation_detail(error)) from None
        return Response(status=status.HTTP_204_NO_CONTENT)
