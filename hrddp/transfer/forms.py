from django import forms
from django.utils.translation import gettext_lazy as _

from . import reading
from .columns import REQUEST_KINDS
from .models import ImportKind


class FileForm(forms.Form):
    file = forms.FileField(
        label=_("File"),
        help_text=_("CSV (UTF-8) or Excel (.xlsx); the first line names the columns."),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}),
    )

    def clean_file(self):
        uploaded = self.cleaned_data["file"]
        # The limits on what is inside the file are checked when it is read (reading.py).
        try:
            reading.check_upload(uploaded.name, uploaded.size)
        except reading.ImportFileError as error:
            raise forms.ValidationError(str(error)) from None
        return uploaded


def registry_kinds():
    """The kinds of the registry's upload page: not those imported into a record from its page."""
    return [(value, label) for value, label in ImportKind.choices if value not in REQUEST_KINDS]


class ImportForm(FileForm):
    kind = forms.ChoiceField(label=_("What the file holds"), choices=registry_kinds)
    field_order = ["kind", "file"]


class ParticipantImportForm(FileForm):
    """A list of participants, imported into the request whose page it is uploaded from."""
