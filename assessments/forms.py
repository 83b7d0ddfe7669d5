"""Forms of the assessment pages. They validate; ``services.py`` saves.

Every edit form carries the assessment's ``revision`` it was loaded from (optimistic locking).
"""

from django import forms
from django.forms import inlineformset_factory
from django.utils.translation import gettext_lazy as _

from hrddp.community.queries import consultable_perceptions
from hrddp.registry.forms import DateInput

from .models import Assessment, FactorRating, Measure, MeasureType, Risk, ScopeAnswer
from .services import MEASURE_FIELDS


class RevisionField(forms.IntegerField):
    def __init__(self, **kwargs):
        super().__init__(widget=forms.HiddenInput, min_value=0, **kwargs)


class PerceptionChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, perception):
        return _(
            "%(perception)s (%(method)s): trust in the force %(force)s/5, "
            "in the mission %(mission)s/5"
        ) % {
            "perception": perception,
            "method": perception.get_method_display(),
            "force": perception.trust_in_force,
            "mission": perception.trust_in_mission,
        }


class AssessmentForm(forms.ModelForm):
    revision = RevisionField()
    # Evidence for factor F8; the choices are the perceptions the assessment page shows.
    perceptions_consulted = PerceptionChoiceField(
        label=_("Community perceptions consulted (factor F8)"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Perceptions of the recipients' institutions, units and areas."),
    )

    class Meta:
        model = Assessment
        fields = ["recommendation", "rationale", "risk_of_not_supporting", "monitoring_plan"]
        widgets = {name: forms.Textarea(attrs={"rows": 4}) for name in fields[1:]}
        help_texts = {
            "rationale": _("Why this recommendation, weighing the risks against the benefits."),
            "monitoring_plan": _("Who monitors what, how often, and what would trigger a review."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["perceptions_consulted"].queryset = consultable_perceptions(self.instance)
        self.initial.setdefault(
            "perceptions_consulted",
            list(self.instance.perceptions_consulted.values_list("pk", flat=True)),
        )


class FactorForm(forms.ModelForm):
    """One factor (F1–F8); the page shows eight of them, each with its code as prefix."""

    class Meta:
        model = FactorRating
        fields = ["rating", "narrative", "evidence"]
        widgets = {
            "narrative": forms.Textarea(attrs={"rows": 3}),
            "evidence": forms.Textarea(attrs={"rows": 2}),
        }


class ScopeAnswerForm(forms.ModelForm):
    """One extended-scope question (S1–S5), prefixed with its code."""

    class Meta:
        model = ScopeAnswer
        fields = ["rating", "answer"]
        widgets = {"answer": forms.Textarea(attrs={"rows": 3})}


LIKELIHOOD_HELP = _("1 rare, 2 unlikely, 3 possible, 4 likely, 5 almost certain.")
SEVERITY_HELP = _("1 minimal, 2 minor, 3 moderate, 4 major, 5 catastrophic.")


def score_field(label, help_text, required=True):
    message = _("Enter a whole number from 1 to 5.")
    return forms.IntegerField(
        label=label,
        help_text=help_text,
        required=required,
        min_value=1,
        max_value=5,
        error_messages={"min_value": message, "max_value": message, "invalid": message},
    )


class RiskForm(forms.ModelForm):
    revision = RevisionField()
    likelihood = score_field(_("Likelihood (1–5)"), LIKELIHOOD_HELP)
    severity = score_field(_("Severity (1–5)"), SEVERITY_HELP)
    residual_likelihood = score_field(
        _("Likelihood after mitigation"), _("Leave both empty until the risk is re-rated."), False
    )
    residual_severity = score_field(_("Severity after mitigation"), "", False)

    class Meta:
        model = Risk
        fields = [
            "description",
            "factor",
            "likelihood",
            "severity",
            "residual_likelihood",
            "residual_severity",
        ]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}


class MeasureForm(forms.ModelForm):
    class Meta:
        model = Measure
        fields = ["measure_type", "details", "responsible", "due_date", "status"]
        widgets = {"details": forms.Textarea(attrs={"rows": 2}), "due_date": DateInput()}
        help_texts = {"measure_type": _("* marks an accountability safeguard.")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["measure_type"].queryset = MeasureType.objects.order_by("order", "name")


MeasureFormSet = inlineformset_factory(Risk, Measure, form=MeasureForm, extra=2, can_delete=True)


class RevisionForm(forms.Form):
    """For a change with no other input (deleting a risk)."""

    revision = RevisionField()


def measure_changes(formset):
    """The measures the user added, changed or removed, as ``services.save_risk`` takes them."""
    changes = []
    deleted = formset.deleted_forms
    for form in formset.forms:
        if form in deleted:
            if form.instance.pk:
                changes.append({"id": form.instance.pk, "delete": True})
        elif form.has_changed():
            values = {name: form.cleaned_data[name] for name in MEASURE_FIELDS}
            changes.append({"id": form.instance.pk, **values})
    return changes
