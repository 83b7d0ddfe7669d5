"""Forms of the participant pages: a participant typed in or edited, and the list's filter."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hrddp.pickers import queries as pickers
from hrddp.pickers.fields import PickerField, PickerFormMixin

from .models import Outcome, Participant
from .queries import UNSCREENED_FILTER
from .services import EDITABLE_FIELDS


class ParticipantForm(PickerFormMixin, forms.ModelForm):
    # The project's unit picker: a search box with JavaScript, a text input without it.
    unit = PickerField(pickers.UNITS, label=_("Unit"), required=False)

    class Meta:
        model = Participant
        fields = list(EDITABLE_FIELDS)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # ISO dates whatever the language: <input type="date"> understands only YYYY-MM-DD.
        self.fields["birth_date"].widget = forms.DateInput(
            attrs={"type": "date", "max": timezone.localdate().isoformat()}, format="%Y-%m-%d"
        )

    def values(self):
        """The cleaned values, for the service."""
        return {name: self.cleaned_data.get(name) for name in EDITABLE_FIELDS}


def outcome_choices():
    return [
        ("", _("Any outcome")),
        (UNSCREENED_FILTER, _("Not screened yet")),
        *Outcome.choices,
    ]


class ParticipantFilterForm(forms.Form):
    name = forms.CharField(label=_("Name contains"), required=False, max_length=200)
    outcome = forms.ChoiceField(label=_("Outcome"), required=False, choices=outcome_choices)
