"""Forms of the community pages: perceptions (HROs) and the report of an abuse (any staff)."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hrddp.pickers import queries as pickers
from hrddp.pickers.fields import PickerField, PickerFormMixin
from hrddp.registry.forms_violations import date_input
from hrddp.registry.models import ViolationCategory

from .models import Perception

TRUST_HELP = _("1 no trust at all, 2 little, 3 some, 4 much, 5 full trust.")


def trust_field(label):
    message = _("Enter a whole number from 1 to 5.")
    return forms.IntegerField(
        label=label,
        help_text=TRUST_HELP,
        min_value=1,
        max_value=5,
        error_messages={"min_value": message, "max_value": message, "invalid": message},
    )


class PerceptionForm(PickerFormMixin, forms.ModelForm):
    institution = PickerField(pickers.INSTITUTIONS, label=_("Institution"), required=False)
    unit = PickerField(
        pickers.UNITS,
        label=_("Unit"),
        required=False,
        help_text=_("If the population was asked about one unit; its institution is filled in."),
    )
    trust_in_force = trust_field(_("Trust in the institution or unit (1–5)"))
    trust_in_mission = trust_field(_("Trust in the mission (1–5)"))

    class Meta:
        model = Perception
        fields = list(Perception.RECORDED_FIELDS)
        widgets = {"concerns": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["date"].widget = date_input(max_today=True)


class AbuseReportForm(forms.Form):
    """What, when, where, who and which unit (domain.md 6.4): short, for any staff member."""

    narrative = forms.CharField(
        label=_("What happened"),
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_(
            "Describe what you saw. Do not write the names of victims or witnesses: a human "
            "rights officer will contact you for them and keep them confidential."
        ),
    )
    date = forms.DateField(label=_("When"), widget=date_input())
    location = forms.CharField(label=_("Where"), max_length=200)
    perpetrators = forms.CharField(
        label=_("Who"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("The perpetrators as you saw them: uniforms, insignia, vehicles, numbers."),
    )
    unit = PickerField(pickers.UNITS, label=_("Which unit, if you know"), required=False)
    category = forms.ModelChoiceField(
        label=_("Kind of abuse"), queryset=ViolationCategory.objects.all()
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Rendered after the request starts, so "today" is the reporter's today, not import time.
        self.fields["date"].widget = date_input(max_today=True)

    def clean_date(self):
        date = self.cleaned_data["date"]
        if date > timezone.localdate():
            raise forms.ValidationError(_("An abuse you witnessed cannot be dated in the future."))
        return date
