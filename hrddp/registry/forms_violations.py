"""Forms for recording a violation with its attributions, accountability actions and sources."""

from django import forms
from django.forms import BaseInlineFormSet, inlineformset_factory
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hrddp.accounts.access import can_set_verification

from .models import (
    AccountabilityAction,
    Attribution,
    Person,
    Source,
    Unit,
    VerificationStatus,
    Violation,
    ViolationSubtype,
)

NOTE_HELP = _("Why the status changes. Managers and auditors read this note: write no identities.")


def date_input(max_today=False):
    # ISO format whatever the language: <input type="date"> only understands YYYY-MM-DD.
    attrs = {"type": "date"}
    if max_today:
        attrs["max"] = timezone.localdate().isoformat()
    return forms.DateInput(attrs=attrs, format="%Y-%m-%d")


class ViolationForm(forms.ModelForm):
    """The violation itself. The verification status is not a model field of this form: it is
    applied by ``services.set_verification_status`` so that the change is checked and recorded."""

    # The status shown when the page was opened travels with the form, so that saving an edit
    # does not undo a verification another HRO made in the meantime.
    verification_status = forms.ChoiceField(
        label=_("Verification status"), show_hidden_initial=True
    )
    verification_note = forms.CharField(
        label=_("Note on the verification status"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=NOTE_HELP,
    )

    class Meta:
        model = Violation
        fields = [
            "date",
            "date_precision",
            "location",
            "narrative",
            "category",
            "subtype",
            "victims_count",
            "children_involved",
            "source_reliability",
            "scale",
        ]
        widgets = {"narrative": forms.Textarea(attrs={"rows": 6})}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["date"].widget = date_input(max_today=True)
        self.fields["subtype"].queryset = ViolationSubtype.objects.select_related("category")
        status = self.fields["verification_status"]
        status.choices = [
            (value, label)
            for value, label in VerificationStatus.choices
            if can_set_verification(user, value)
        ]
        status.initial = self.instance.verification_status


class UnitChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, unit):
        return f"{unit.name} ({unit.institution.name})"


class AttributionForm(forms.ModelForm):
    unit = UnitChoiceField(
        label=_("Unit"), queryset=Unit.objects.select_related("institution"), required=False
    )
    person = forms.ModelChoiceField(
        label=_("Person"), queryset=Person.objects.all(), required=False
    )

    class Meta:
        model = Attribution
        fields = ["unit", "person", "responsibility"]


class AccountabilityActionForm(forms.ModelForm):
    class Meta:
        model = AccountabilityAction
        fields = ["kind", "date", "notes"]
        widgets = {"notes": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["date"].widget = date_input(max_today=True)


class SourceForm(forms.ModelForm):
    class Meta:
        model = Source
        fields = ["kind", "reliability", "identity", "contact", "description", "obtained_on"]
        widgets = {"description": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["obtained_on"].widget = date_input()


class SharedChoicesFormSet(BaseInlineFormSet):
    """Every form offers the same long lists (units, people): read them once, not once per form."""

    shared_choice_fields = ()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._shared_choices = {
            name: list(self.form.base_fields[name].choices) for name in self.shared_choice_fields
        }

    def _construct_form(self, i, **kwargs):
        form = super()._construct_form(i, **kwargs)
        for name, choices in self._shared_choices.items():
            form.fields[name].choices = choices
        return form


class AttributionBaseFormSet(SharedChoicesFormSet):
    shared_choice_fields = ("unit", "person")


AttributionFormSet = inlineformset_factory(
    Violation,
    Attribution,
    form=AttributionForm,
    formset=AttributionBaseFormSet,
    extra=2,
    can_delete_extra=False,
)
AccountabilityActionFormSet = inlineformset_factory(
    Violation, AccountabilityAction, form=AccountabilityActionForm, extra=1, can_delete_extra=False
)
SourceFormSet = inlineformset_factory(
    Violation, Source, form=SourceForm, extra=1, can_delete_extra=False
)


def violation_formsets(data=None, instance=None):
    """The three inline formsets of the violation page, with fixed prefixes."""
    return {
        "attributions": AttributionFormSet(data, instance=instance, prefix="attributions"),
        "actions": AccountabilityActionFormSet(data, instance=instance, prefix="actions"),
        "sources": SourceFormSet(data, instance=instance, prefix="sources"),
    }


class VerificationForm(forms.Form):
    """A quick verification decision (triage queue and violation page)."""

    status = forms.ChoiceField(label=_("Verification status"), choices=VerificationStatus.choices)
    note = forms.CharField(
        label=_("Note"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=NOTE_HELP,
    )
