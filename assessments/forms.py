"""Forms of the assessment pages. They validate; ``services.py`` saves.

Every edit form carries the assessment's ``revision`` it was loaded from (optimistic locking).
"""

from django import forms
from django.forms import inlineformset_factory
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from hrddp.community.queries import consultable_perceptions
from hrddp.registry.forms import DateInput

from .catalogue import LIKELIHOOD_LABELS, SEVERITY_LABELS
from .models import (
    Assessment,
    FactorRating,
    Level,
    Measure,
    MeasureType,
    Risk,
    ScopeAnswer,
    level_for_score,
    risk_score,
)
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
    """The recommendation section of the editor (its revision is the page's)."""

    class Meta:
        model = Assessment
        fields = ["recommendation", "rationale", "risk_of_not_supporting", "monitoring_plan"]
        widgets = {name: forms.Textarea(attrs={"rows": 4}) for name in fields[1:]}
        help_texts = {
            "rationale": _("Why this recommendation, weighing the risks against the benefits."),
            "monitoring_plan": _("Who monitors what, how often, and what would trigger a review."),
        }


class PerceptionsForm(forms.Form):
    """The community perceptions consulted, saved with factor F8 (its evidence)."""

    perceptions_consulted = PerceptionChoiceField(
        label=_("Community perceptions consulted (factor F8)"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Perceptions of the recipients' institutions, units and areas."),
    )

    def __init__(self, *args, assessment, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["perceptions_consulted"].queryset = consultable_perceptions(assessment)
        self.initial.setdefault(
            "perceptions_consulted",
            list(assessment.perceptions_consulted.values_list("pk", flat=True)),
        )


def rating_field_choices():
    return [("", _("Not rated yet")), *Level.choices]


class FactorForm(forms.ModelForm):
    """One factor (F1–F8), its own section of the editor, with its code as prefix."""

    class Meta:
        model = FactorRating
        fields = ["rating", "narrative", "evidence"]
        widgets = {
            "rating": forms.RadioSelect,
            "narrative": forms.Textarea(attrs={"rows": 3}),
            "evidence": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["rating"].choices = rating_field_choices()


class ScopeAnswerForm(forms.ModelForm):
    """One extended-scope question (S1–S5), prefixed with its code."""

    class Meta:
        model = ScopeAnswer
        fields = ["rating", "answer"]
        widgets = {"rating": forms.RadioSelect, "answer": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["rating"].choices = rating_field_choices()


def scale_field(label, labels, required=True, empty_label=None):
    """A 1–5 rating as labelled choices ("1 rare" … "5 almost certain"), radio buttons."""
    choices = [(number, format_lazy("{} {}", number, text)) for number, text in labels.items()]
    if not required:
        choices = [("", empty_label), *choices]
    return forms.TypedChoiceField(
        label=label,
        choices=choices,
        coerce=int,
        empty_value=None,
        required=required,
        widget=forms.RadioSelect,
    )


def chosen_level(form, likelihood="likelihood", severity="severity"):
    """{score, level} of the likelihood and severity chosen in ``form`` (as posted, else as
    saved), or None until both are chosen: the level the editor shows before any script runs."""

    def value(name):
        try:
            number = int(form[name].value())
        except (TypeError, ValueError):
            return None
        return number if 1 <= number <= 5 else None

    score = risk_score(value(likelihood), value(severity))
    return {"score": score, "level": level_for_score(score)} if score else None


class FactorRiskForm(forms.Form):
    """A risk added from a factor's section of the editor (the risk's factor is that one):
    optional, but a described risk needs its likelihood and severity."""

    description = forms.CharField(
        label=_("Describe a risk under this factor (optional)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    likelihood = scale_field(
        _("Likelihood"), LIKELIHOOD_LABELS, required=False, empty_label=_("Not rated")
    )
    severity = scale_field(
        _("Severity"), SEVERITY_LABELS, required=False, empty_label=_("Not rated")
    )

    def clean(self):
        data = super().clean()
        if data.get("description", "").strip():
            if not data.get("likelihood"):
                self.add_error("likelihood", _("Choose the risk's likelihood."))
            if not data.get("severity"):
                self.add_error("severity", _("Choose the risk's severity."))
        elif data.get("likelihood") or data.get("severity"):
            self.add_error("description", _("Describe the risk you rate."))
        return data

    def chosen_level(self):
        return chosen_level(self)

    @property
    def new_risk(self):
        """The risk's values to add, or None when the user described none."""
        data = self.cleaned_data
        if not data.get("description", "").strip():
            return None
        return {name: data[name] for name in ("description", "likelihood", "severity")}


class RiskForm(forms.ModelForm):
    revision = RevisionField()
    likelihood = scale_field(_("Likelihood"), LIKELIHOOD_LABELS)
    severity = scale_field(_("Severity"), SEVERITY_LABELS)
    residual_likelihood = scale_field(
        _("Likelihood after mitigation"),
        LIKELIHOOD_LABELS,
        required=False,
        empty_label=_("Not re-rated"),
    )
    residual_severity = scale_field(
        _("Severity after mitigation"),
        SEVERITY_LABELS,
        required=False,
        empty_label=_("Not re-rated"),
    )

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

    def chosen_level(self):
        return chosen_level(self)

    def chosen_residual_level(self):
        return chosen_level(self, "residual_likelihood", "residual_severity")


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
