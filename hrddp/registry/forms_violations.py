"""Forms for recording a violation with its attributions, accountability actions and sources."""

from django import forms
from django.forms import inlineformset_factory
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from hrddp.pickers import queries as pickers
from hrddp.pickers.fields import PickerField, PickerFormMixin

from .access import can_set_verification
from .models import (
    AccountabilityAction,
    Attribution,
    Source,
    VerificationStatus,
    Violation,
    ViolationSubtype,
)
from .services import VIOLATION_FIELDS

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
        fields = list(VIOLATION_FIELDS)
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


class AttributionForm(PickerFormMixin, forms.ModelForm):
    unit = PickerField(pickers.UNITS, label=_("Unit"), required=False)
    person = PickerField(pickers.PEOPLE, label=_("Person"), required=False)

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
        if self.instance.erased_at:
            # Erased for good: an identity typed here later would be another person's.
            for name in Source.IDENTITY_FIELDS:
                self.fields[name].disabled = True
                self.fields[name].help_text = _("Erased on %(date)s.") % {
                    "date": date_format(self.instance.erased_at, "DATE_FORMAT")
                }


class ErasureRequestForm(forms.Form):
    reason = forms.CharField(
        label=_("Why must this identity be erased?"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Recorded in the history and shown to HROs and managers. Do not name the person."
        ),
    )


AttributionFormSet = inlineformset_factory(
    Violation,
    Attribution,
    form=AttributionForm,
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
    # Each attribution's picker shows its unit or person: read with the attributions, not one by one.
    attributions = Attribution.objects.select_related("unit__institution", "person").order_by("pk")
    return {
        "attributions": AttributionFormSet(
            data, instance=instance, prefix="attributions", queryset=attributions
        ),
        "actions": AccountabilityActionFormSet(data, instance=instance, prefix="actions"),
        # Each source's identity is decrypted with its own key: read with the sources.
        "sources": SourceFormSet(
            data,
            instance=instance,
            prefix="sources",
            queryset=Source.objects.select_related("key").order_by("pk"),
        ),
    }


# The page's formset prefixes, by the violation's related name (what ``save_violation`` takes).
FORMSET_ROWS = {
    "attributions": "attributions",
    "accountability_actions": "actions",
    "sources": "sources",
}


def violation_rows(formsets):
    """The valid formsets' rows as ``services.save_violation`` takes them: {related name: (rows
    added or changed, rows removed)}."""
    rows = {}
    for related, prefix in FORMSET_ROWS.items():
        formset = formsets[prefix]
        deleted = formset.deleted_forms
        to_save = [f.instance for f in formset.forms if f not in deleted and f.has_changed()]
        to_delete = [f.instance for f in deleted if f.instance.pk]
        rows[related] = (to_save, to_delete)
    return rows


def verification_change(form, creating):
    """The status the page's form asks for, or None when it leaves it as the user saw it."""
    if creating or "verification_status" in form.changed_data:
        return form.cleaned_data["verification_status"]
    return None


class VerificationForm(forms.Form):
    """A quick verification decision (triage queue and violation page)."""

    status = forms.ChoiceField(label=_("Verification status"), choices=VerificationStatus.choices)
    note = forms.CharField(
        label=_("Note"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=NOTE_HELP,
    )


class UndoForm(forms.Form):
    """Undoing the day's verification change: the reason is written to the history."""

    reason = forms.CharField(
        label=_("Why is the change undone?"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
    )


class BulkVerificationForm(forms.Form):
    """The triage queue's bulk action: the same status for the violations ticked."""

    STATUSES = (
        (VerificationStatus.CREDIBLE, _("Mark as credible")),
        (VerificationStatus.DISCOUNTED, _("Mark as not credible (discounted)")),
    )
    status = forms.ChoiceField(label=_("Action"), choices=STATUSES)
    ids = forms.TypedMultipleChoiceField(label=_("Violations"), coerce=int, choices=())
    note = forms.CharField(label=_("Note (optional)"), required=False, max_length=2000)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["ids"].choices = [
            (value, value) for value in (self.data.getlist("ids") if self.data else [])
        ]
