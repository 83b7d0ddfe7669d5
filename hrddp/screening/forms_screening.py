"""Forms of screening: they validate what was typed; ``services_screening`` decides."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Decision, Outcome


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(label=_("Decision"), choices=Decision.choices)


class OutcomeForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Outcome"), choices=Outcome.choices)
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required to exclude a participant; listed in the policy letter's annex."),
    )
