"""Serializers of attached files (issue 17): a file's description, and what an upload sends. The
file's own checks (size, type by content, virus scan) are the service's
(``hrddp.documents.services.add_attachment``), so the pages and the API refuse the same files."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from hrddp.documents.models import OWNER_FIELDS, Attachment


class AttachmentSerializer(serializers.ModelSerializer):
    """A file kept with a record: what it is, who added it, and where to download it."""

    record_kind = serializers.ChoiceField(
        choices=OWNER_FIELDS,
        source="owner_field",
        read_only=True,
        help_text=_("The kind of record the file belongs to."),
    )
    record_id = serializers.SerializerMethodField(help_text=_("The id of that record."))
    added_by = serializers.SlugRelatedField(
        slug_field="username", read_only=True, help_text=_("Who added it (their username).")
    )
    download_url = serializers.SerializerMethodField(
        help_text=_("Where to download the file (with the same token).")
    )

    class Meta:
        model = Attachment
        fields = [
            "id",
            "record_kind",
            "record_id",
            "title",
            "date",
            "identifies_people",
            "filename",
            "content_type",
            "size",
            "sha256",
            "added_by",
            "added_at",
            "download_url",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.IntegerField())
    def get_record_id(self, attachment):
        return getattr(attachment, f"{attachment.owner_field}_id")

    @extend_schema_field(serializers.URLField())
    def get_download_url(self, attachment):
        url = reverse("api:attachment-download", args=[attachment.pk])
        request = self.context.get("request")
        return request.build_absolute_uri(url) if request else url


class OptionalBoolean(serializers.BooleanField):
    """A yes/no that, left out of a form (multipart) body, stays out, instead of reading "no"."""

    default_empty_html = serializers.empty


class AttachmentUploadSerializer(serializers.ModelSerializer):
    """The upload's fields, as the page's form has them (multipart/form-data). The record's kind
    comes in the context (``kind``): only evidence on a violation identifies people."""

    file = serializers.FileField(
        help_text=_(
            "The file. Its type is read from its content, never from its name: PDF, pictures "
            "(JPEG, PNG, WebP, HEIC, TIFF), Word (.docx), Excel (.xlsx), OpenDocument text and "
            "spreadsheets, MP3, M4A or MP4, up to the deployment's size limit "
            "(ATTACHMENT_MAX_BYTES), and clean by the virus scan where one is configured."
        )
    )

    identifies_people = OptionalBoolean(
        required=False,
        help_text=_(
            "Evidence on a violation only: it names a victim, witness or source, so only "
            "human rights officers may see or download it. Left out, evidence is taken to "
            "identify people; other files never do."
        ),
    )

    class Meta:
        model = Attachment
        fields = ["file", "title", "date", "identifies_people"]


class AttachmentRemovalSerializer(serializers.Serializer):
    reason = serializers.CharField(
        help_text=_("Why the file is removed: its history keeps the reason.")
    )
