"""Forms for institutions, units, people and command assignments.

The models' ``clean()`` hold the rules (a unit is not its own ancestor, an assignment does not end
before it starts nor start in the future, no date before 1900); a ModelForm calls them and shows
their errors on the named field, as the API and imports do through ``services.save_record``.
"""

from django import forms
from django.utils.translation import gettext_lazy as _

from hrddp.pickers import queries as pickers
from hrddp.pickers.fields import PickerField, PickerFormMixin
from hrddp.validators import EARLIEST_DATE  # noqa: F401 (the date pickers' and imports' floor)

from .models import CommandAssignment, Institution, Person, Unit


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


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


class MergeForm(forms.Form):
    """Merge the page's person into another record (issue 15): which one is kept, and why."""

    into = PickerField(pickers.PEOPLE, label=_("Keep this record"))
    reason = forms.CharField(
        label=_("Why these are the same person"), widget=forms.Textarea(attrs={"rows": 3})
    )


class MergeUndoForm(forms.Form):
    reason = forms.CharField(
        label=_("Why the merge is undone"), widget=forms.Textarea(attrs={"rows": 2})
    )


class DuplicateDismissForm(forms.Form):
    first = forms.IntegerField(widget=forms.HiddenInput)
    second = forms.IntegerField(widget=forms.HiddenInput)
