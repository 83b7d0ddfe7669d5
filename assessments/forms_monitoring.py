"""Forms of the intervention pages. They validate; the workflow decides."""

from django import forms
from django.utils.translation import gettext_lazy as _

from hrddp.registry.forms import DateInput
from hrddp.support.models import Communication

from .services import INTERVENTION_COMMUNICATION_KINDS


class InterventionCommunicationForm(forms.ModelForm):
    """The intercession letter to the authorities, or their response, on the communications log."""

    class Meta:
        model = Communication
        fields = ["kind", "date", "counterpart", "summary"]
        widgets = {"date": DateInput(), "summary": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, prefix="communication", **kwargs)
        self.fields["kind"].choices = [
            (kind.value, kind.label) for kind in INTERVENTION_COMMUNICATION_KINDS
        ]


class InterventionActionForm(forms.Form):
    """One intervention action (workflow.INTERVENTION_ACTIONS); each asks for a reason."""

    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, action, *args, **kwargs):
        super().__init__(*args, prefix=action.name, **kwargs)
        self.action = action
