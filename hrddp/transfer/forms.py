from django import forms
from django.utils.translation import gettext_lazy as _

from . import reading
from .models import ImportKind


class ImportForm(forms.Form):
    kind = forms.ChoiceField(label=_("What the file holds"), choices=ImportKind.choices)
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
