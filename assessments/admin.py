"""Admin: the mitigation catalogue is an editable vocabulary; assessments, decisions and the
transition logs are read-only here, because only the assessment pages (which keep the revision
for concurrent editors) and the workflow (which writes the history) may change them."""

from django.contrib import admin

from hrddp.admin_mixins import ReadOnlyAdminMixin

from .models import (
    Assessment,
    Decision,
    FactorRating,
    InterventionTransition,
    Measure,
    MeasureType,
    Risk,
    ScopeAnswer,
    Transition,
)


@admin.register(MeasureType)
class MeasureTypeAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "is_accountability_safeguard", "order"]
    list_editable = ["is_accountability_safeguard", "order"]
    list_filter = ["is_accountability_safeguard"]
    search_fields = ["name", "code"]


class FactorInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = FactorRating
    fields = ["code", "rating", "narrative", "evidence"]


class ScopeAnswerInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = ScopeAnswer
    fields = ["code", "rating", "answer"]


class RiskInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = Risk
    fields = [
        "description",
        "factor",
        "likelihood",
        "severity",
        "residual_likelihood",
        "residual_severity",
    ]


@admin.register(Assessment)
class AssessmentAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["request", "version", "status", "drafter", "recommendation", "updated_at"]
    list_filter = ["status", "recommendation"]
    search_fields = ["request__title"]
    list_select_related = ["request", "drafter"]
    inlines = [FactorInline, ScopeAnswerInline, RiskInline]


@admin.register(Measure)
class MeasureAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["measure_type", "risk", "responsible", "due_date", "status"]
    list_filter = ["status", "responsible", "measure_type"]
    list_select_related = ["measure_type", "risk"]


@admin.register(Decision)
class DecisionAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["request", "assessment", "kind", "residual_level", "decided_by", "decided_at"]
    list_filter = ["kind", "residual_level"]
    search_fields = ["request__title"]
    list_select_related = ["request", "assessment__request", "decided_by"]


@admin.register(Transition)
class TransitionAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = [
        "request",
        "action",
        "from_status",
        "to_status",
        "allowed",
        "rules",
        "actor",
        "at",
    ]
    list_filter = ["allowed", "action", "to_status"]
    search_fields = ["request__title"]
    list_select_related = ["request", "actor"]


@admin.register(InterventionTransition)
class InterventionTransitionAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = [
        "intervention",
        "action",
        "from_status",
        "to_status",
        "allowed",
        "rules",
        "actor",
        "at",
    ]
    list_filter = ["allowed", "action", "to_status"]
    list_select_related = ["intervention__unit", "intervention__request", "actor"]
