"""Forms for institutions, units, people and command assignments.

The models' ``clean()`` hold the rules (a unit is not its own ancestor, an assignment does not end
before it starts); a ModelForm calls them and shows their errors on the named field.
"""

import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hrddp.pickers import queries as pickers
from hrddp.pickers.fields import PickerField, PickerFormMixin

from .models import CommandAssignment, Institution, Person, Unit

# Anything earlier is a typing mistake (a year of 0202), not a security force's history.
EARLIEST_DATE = datetime.date(1900, 1, 1)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


def check_not_too_early(form, *field_names):
    for name in field_names:
        value = form.cleaned_data.get(name)
        if value and value < EARLIEST_DATE:
            form.add_error(name, _("Enter a date after 1900."))


ALIASES_HELP = _("Other names, separated by commas.")


class InstitutionForm(forms.ModelForm):
    class Meta:
        model = Institution
        fields = ["name", "kind", "country", "description"]


class UnitForm(PickerFormMixin, forms.ModelForm):
    institution = PickerField(pickers.INSTITUTIONS, label=_("Institution"))
    # Any unit may be typed, so that choosing one's own sub-unit reaches Unit.clean(), whose
    # message says why it is refused.
    parent = PickerField(pickers.UNITS, label=_("Parent unit"), required=False)

    class Meta:
        model = Unit
        fields = [
            "name",
            "aliases",
            "institution",
            "parent",
            "location",
            "active_from",
            "active_to",
        ]
        widgets = {"active_from": DateInput(), "active_to": DateInput()}
        help_texts = {"aliases": ALIASES_HELP}

    def clean(self):
        cleaned_data = super().clean()
        check_not_too_early(self, "active_from", "active_to")
        return cleaned_data


class PersonForm(forms.ModelForm):
    class Meta:
        model = Person
        fields = ["name", "aliases", "rank", "identifiers"]
        help_texts = {"aliases": ALIASES_HELP}


class AssignmentForm(PickerFormMixin, forms.ModelForm):
    person = PickerField(pickers.PEOPLE, label=_("Person"))
    unit = PickerField(pickers.UNITS, label=_("Unit"))

    class Meta:
        model = CommandAssignment
        fields = ["person", "unit", "role", "start", "end"]
        widgets = {"start": DateInput(), "end": DateInput()}

    def clean_start(self):
        start = self.cleaned_data["start"]
        # A future assignment would make someone a "current commander" on a later day without
        # any change being recorded then; record it once it has started.
        if start > timezone.localdate():
            raise ValidationError(_("An assignment cannot start in the future."))
        return start

    def clean(self):
        cleaned_data = super().clean()
        check_not_too_early(self, "start", "end")
        return cleaned_data
