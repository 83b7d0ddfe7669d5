"""Serializers of file jobs: an import (upload, dry run, every row's outcome) and an export."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from hrddp.transfer import reading, services
from hrddp.transfer.columns import REQUEST_KINDS
from hrddp.transfer.exporting import SPECS
from hrddp.transfer.models import ExportJob, ExportStatus, ImportJob, ImportKind


class ImportUploadSerializer(serializers.Serializer):
    """The upload form's two fields, checked as the form checks them (``reading.check_upload``)."""

    kind = serializers.ChoiceField(choices=ImportKind.choices, help_text=_("What the file holds."))
    file = serializers.FileField(
        help_text=_(
            "CSV or Excel (.xlsx); the first line names the columns. A CSV file may be separated "
            "by commas, semicolons or tabs, in UTF-8, Windows-1252 or Latin-1."
        )
    )
    encoding = serializers.ChoiceField(
        choices=["", "utf-8", "cp1252", "latin-1"],
        required=False,
        default="",
        help_text=_("A CSV file's encoding; empty (the default): detected from its bytes."),
    )
    delimiter = serializers.ChoiceField(
        choices=["", "comma", "semicolon", "tab"],
        required=False,
        default="",
        help_text=_("A CSV file's delimiter; empty (the default): detected from its first line."),
    )
    request = serializers.IntegerField(
        required=False,
        min_value=1,
        help_text=_("participants only: the id of the support request the list is imported into."),
    )

    def validate(self, data):
        if data["kind"] in REQUEST_KINDS and not data.get("request"):
            raise serializers.ValidationError(
                {"request": _("A list of participants is imported into a request: give its id.")}
            )
        if data["kind"] not in REQUEST_KINDS and data.get("request"):
            raise serializers.ValidationError(
                {"request": _("Only a list of participants is imported into a request.")}
            )
        return data

    def validate_file(self, uploaded):
        try:
            reading.check_upload(uploaded.name, uploaded.size)
        except reading.ImportFileError as error:
            raise serializers.ValidationError(str(error)) from None
        return uploaded


class ImportRowErrorSerializer(serializers.Serializer):
    column = serializers.CharField(allow_blank=True, help_text=_("Empty: about the whole row."))
    message = serializers.CharField()


class ImportRowSerializer(serializers.Serializer):
    line = serializers.IntegerField(help_text=_("Line 1 of the file holds the column names."))
    ref = serializers.CharField(allow_blank=True, help_text=_("The row's external_ref."))
    outcome = serializers.ChoiceField(choices=["new", "update", "unchanged", "error"])
    errors = serializers.SerializerMethodField()

    @extend_schema_field(ImportRowErrorSerializer(many=True))
    def get_errors(self, row):
        return [{"column": column, "message": message} for column, message in row["errors"]]


class ImportRowPageSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = ImportRowSerializer(many=True)


class ImportJobSerializer(serializers.ModelSerializer):
    counts = serializers.DictField(
        child=serializers.IntegerField(),
        help_text=_("Rows by outcome of the last run: new, update, unchanged, error."),
    )
    is_running = serializers.BooleanField(read_only=True)
    is_stalled = serializers.BooleanField(
        read_only=True, help_text=_("Running but silent: its owner may retry it.")
    )
    detected = serializers.ListField(
        child=serializers.CharField(),
        allow_null=True,
        read_only=True,
        help_text=_(
            'What the last run read of a CSV file: [delimiter, encoding], e.g. [";", "cp1252"]; '
            "null for a spreadsheet."
        ),
    )
    detected_format = serializers.CharField(
        read_only=True, help_text=_("The same, in words: “Semicolon-separated, Windows-1252”.")
    )

    class Meta:
        model = ImportJob
        fields = [
            "id",
            "kind",
            "request",
            "file_name",
            "status",
            "created_at",
            "finished_at",
            "total_rows",
            "processed_rows",
            "counts",
            "is_running",
            "is_stalled",
            "detected",
            "detected_format",
        ]
        read_only_fields = fields


class ImportJobDetailSerializer(ImportJobSerializer):
    """The job as its page shows it: its progress, the file's errors, the counts, a page of rows
    (``?page=``, 200 a page; ``?show=errors``: only the rows with an error)."""

    errors = serializers.SerializerMethodField()
    can_confirm = serializers.SerializerMethodField()
    rows = serializers.SerializerMethodField()

    class Meta(ImportJobSerializer.Meta):
        fields = [*ImportJobSerializer.Meta.fields, "errors", "can_confirm", "rows"]
        read_only_fields = fields

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_errors(self, job):
        """Errors about the file as a whole, in the reader's language."""
        return job.error_messages()

    @extend_schema_field(serializers.BooleanField())
    def get_can_confirm(self, job):
        return services.is_confirmable(job)

    @extend_schema_field(ImportRowPageSerializer)
    def get_rows(self, job):
        return self.context["rows_page"]


class ExportJobSerializer(serializers.ModelSerializer):
    title = serializers.SerializerMethodField()
    available_until = serializers.DateTimeField(
        read_only=True, allow_null=True, help_text=_("When the file is deleted.")
    )
    file_url = serializers.SerializerMethodField()

    class Meta:
        model = ExportJob
        fields = [
            "id",
            "list_name",
            "title",
            "status",
            "created_at",
            "finished_at",
            "total_rows",
            "processed_rows",
            "file_size",
            "available_until",
            "file_url",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.CharField())
    def get_title(self, job):
        return str(SPECS[job.list_name].title)

    @extend_schema_field(serializers.URLField(allow_null=True))
    def get_file_url(self, job):
        if job.status != ExportStatus.DONE:
            return None
        url = reverse("api:export-file", args=[job.pk])
        request = self.context.get("request")
        return request.build_absolute_uri(url) if request else url
