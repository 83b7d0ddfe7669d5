from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from .models import Attachment
from .services import accepted_types_text


class AttachmentForm(forms.ModelForm):
    """A file to attach. The file's checks (size, type by content, virus scan) are the service's
    (``services.add_attachment``), so the page and the API refuse the same files."""

    file = forms.FileField(label=_("File"))

    class Meta:
        model = Attachment
        fields = ["title", "date", "identifies_people"]
        widgets = {"date": forms.DateInput(attrs={"type": "date"})}

    def __init__(self, *args, evidence=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = _("Accepted: %(types)s; at most %(limit)s.") % {
            "types": accepted_types_text(),
            "limit": filesizeformat(settings.ATTACHMENT_MAX_BYTES),
        }
        # Only evidence on a violation can name a victim, witness or source (domain.md 7).
        if evidence:
            self.fields["identifies_people"].initial = True
        else:
            del self.fields["identifies_people"]
        self.order_fields(["title", "file", "date", "identifies_people"])
