"""Forms of the support request pages. They validate input; the workflow decides."""

from django import forms
from django.urls import reverse
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from hrddp.pickers import queries as pickers
from hrddp.pickers.fields import MultiplePickerField
from hrddp.registry.forms import DateInput

from . import services
from .access import requester_entities
from .models import (
    EXTENDED_SCOPE_LABEL,
    EXTENDED_SCOPE_TYPES,
    Communication,
    Delivery,
    SupportRequest,
    SupportType,
)
from .queries import named_individual_choices

# Up to this many candidates, the form names them (the people in command of a few units).
NAMED_CANDIDATES_LISTED = 20
POLICY_SCOPE_CHOICES = [(t.value, t.label) for t in SupportType if t not in EXTENDED_SCOPE_TYPES]
EXTENDED_SCOPE_CHOICES = [
    (t.value, format_lazy("{} ({})", t.label, EXTENDED_SCOPE_LABEL))
    for t in SupportType
    if t in EXTENDED_SCOPE_TYPES
]


class SupportRequestForm(forms.ModelForm):
    recipient_units = MultiplePickerField(
        pickers.UNITS,
        label=_("Recipient units"),
        help_text=_("One or more units that receive the support."),
    )
    named_individuals = MultiplePickerField(
        pickers.PEOPLE,
        label=_("Named individuals"),
        required=False,
        help_text=_(
            "Optional. The people now in command in the recipient units "
            "(save a change of units first)."
        ),
    )
    policy_types = forms.MultipleChoiceField(
        label=_("Policy scope"),
        choices=POLICY_SCOPE_CHOICES,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    extended_types = forms.MultipleChoiceField(
        label=_("Extended scope"),
        choices=EXTENDED_SCOPE_CHOICES,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_(
            "The policy excludes these from its risk assessment; this tool assesses them, "
            "including the extended-scope questions S1–S5."
        ),
    )

    class Meta:
        model = SupportRequest
        fields = [
            "entity",
            "title",
            "policy_types",
            "extended_types",
            "description",
            "recipient_units",
            "named_individuals",
            "location",
            "start",
            "end",
            "value",
            "currency",
            "funding_source",
            "respond_by",
            "urgency",
        ]
        widgets = {
            "start": DateInput(),
            "end": DateInput(),
            "respond_by": DateInput(),
            "description": forms.Textarea(attrs={"rows": 4}),
        }
        help_texts = {"currency": _("Three-letter code, for example USD or EUR.")}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        entities = requester_entities(user)
        self.fields["entity"].queryset = entities
        self.fields["entity"].empty_label = None
        if not self.instance.entity_id and len(entities) == 1:
            self.initial["entity"] = entities[0].pk
        if self.instance.pk:
            # Only the candidates may be typed or searched: the picker searches the same ones.
            named = self.fields["named_individuals"]
            named.queryset = named_individual_choices(self.instance)
            named.search_url = reverse("pickers:named_individuals", args=[self.instance.pk])
            named.name_choices_if_few(NAMED_CANDIDATES_LISTED)
            self.initial["policy_types"] = [
                t for t in self.instance.support_types if t not in EXTENDED_SCOPE_TYPES
            ]
            self.initial["extended_types"] = [
                t for t in self.instance.support_types if t in EXTENDED_SCOPE_TYPES
            ]
        else:
            # The candidates depend on the recipient units, known once the request is saved.
            del self.fields["named_individuals"]

    def clean_recipient_units(self):
        units = self.cleaned_data["recipient_units"]
        services.check_recipient_units(units)
        return units

    def clean(self):
        cleaned_data = super().clean()
        types = cleaned_data.get("policy_types", []) + cleaned_data.get("extended_types", [])
        # The model's clean() (run next, by the ModelForm) holds the rules: at least one known
        # type, dates, currency code, value.
        self.instance.support_types = [t for t in SupportType.values if t in types]
        return cleaned_data

    def _update_errors(self, errors):
        # The model names its list of types; the page shows it as the first group of boxes.
        if hasattr(errors, "error_dict") and "support_types" in errors.error_dict:
            errors.error_dict.setdefault("policy_types", []).extend(
                errors.error_dict.pop("support_types")
            )
        super()._update_errors(errors)


class ActionFieldsForm(forms.Form):
    """What the actions (assessments.workflow.Action) ask for: reason, conditions, waiver reason."""

    reason = forms.CharField(
        label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    conditions = forms.CharField(
        label=_("Conditions"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text=_(
            "The conditions the support is approved on; they go to the recipient authority."
        ),
    )
    waiver_reason = forms.CharField(
        label=_("Waiver reason"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text=_(
            "The residual risk is high (rule D2): approval is possible only with a waiver, your "
            "written reason for accepting that risk. Waivers are listed in the waiver report."
        ),
    )

    def keep_fields(self, actions, waiver):
        """Keep the fields that one of ``actions`` asks for (the waiver only when D2 needs one)."""
        if not any(action.needs_reason for action in actions):
            del self.fields["reason"]
        if not any("conditions" in action.fields for action in actions):
            del self.fields["conditions"]
        if not waiver or not any("waiver_reason" in action.fields for action in actions):
            del self.fields["waiver_reason"]

    def workflow_data(self):
        """Keyword arguments for workflow.apply()."""
        data = {name: value.strip() for name, value in self.cleaned_data.items()}
        return data.pop("reason", ""), data


class TransitionForm(ActionFieldsForm):
    """One action's fields, prefixed with its name (the JSON API and older clients post these)."""

    def __init__(self, action, *args, waiver=False, **kwargs):
        super().__init__(*args, prefix=action.name, **kwargs)
        self.action = action
        self.keep_fields([action], waiver)
        if action.needs_reason:
            # The server refuses an empty reason anyway; this spares a round trip.
            self.fields["reason"].widget.attrs["required"] = True


class ActionPanelForm(ActionFieldsForm):
    """The request page's one form for every action it offers: one reason box (and the
    conditions and waiver boxes when an offered action asks for them); each button posts its
    action's name."""

    def __init__(self, actions, *args, waiver=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.actions = list(actions)
        self.keep_fields(self.actions, waiver)
        if "reason" in self.fields:
            needing = [a for a in self.actions if a.needs_reason]
            if len(needing) == len(self.actions):
                self.fields["reason"].widget.attrs["required"] = True
            else:
                self.fields["reason"].help_text = _("Required for: %(actions)s.") % {
                    "actions": ", ".join(str(a.label) for a in needing)
                }
        if "conditions" in self.fields:
            self.fields["conditions"].help_text = _(
                "For “Approve with conditions”: the conditions the support is approved on; "
                "they go to the recipient authority."
            )


class CommunicationForm(forms.ModelForm):
    class Meta:
        model = Communication
        fields = ["kind", "date", "counterpart", "summary"]
        widgets = {"date": DateInput(), "summary": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, prefix="communication", **kwargs)


class DeliveryForm(forms.ModelForm):
    class Meta:
        model = Delivery
        fields = ["date", "description", "value"]
        widgets = {"date": DateInput(), "description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, prefix="delivery", **kwargs)
