from django import forms
from django.utils.translation import gettext_lazy as _

from . import reading
from .columns import REQUEST_KINDS
from .models import ImportKind

ENCODING_CHOICES = [
    ("", _("Detect it")),
    ("utf-8", _("UTF-8")),
    ("cp1252", _("Windows-1252 (Excel on Windows)")),
    ("latin-1", _("Latin-1 (ISO-8859-1)")),
]
DELIMITER_CHOICES = [
    ("", _("Detect it")),
    ("comma", _("Comma")),
    ("semicolon", _("Semicolon")),
    ("tab", _("Tab")),
]
DELIMITER_CODES = {"": "", "comma": ",", "semicolon": ";", "tab": "\t"}


class FileForm(forms.Form):
    file = forms.FileField(
        label=_("File"),
        help_text=_(
            "CSV or Excel (.xlsx); the first line names the columns. A CSV file may be separated "
            "by commas, semicolons or tabs, in UTF-8, Windows-1252 or Latin-1."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}),
    )
    encoding = forms.ChoiceField(
        label=_("Encoding of a CSV file"), choices=ENCODING_CHOICES, required=False
    )
    delimiter = forms.ChoiceField(
        label=_("Delimiter of a CSV file"), choices=DELIMITER_CHOICES, required=False
    )

    def dialect(self):
        """The CSV file's encoding and delimiter as chosen (empty: detected)."""
        return {
            "encoding": self.cleaned_data.get("encoding") or "",
            "delimiter": DELIMITER_CODES[self.cleaned_data.get("delimiter") or ""],
        }

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
    field_order = ["kind", "file", "encoding", "delimiter"]


class ParticipantImportForm(FileForm):
    """A list of participants, imported into the request whose page it is uploaded from."""
