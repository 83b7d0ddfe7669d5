from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from solo.admin import SingletonModelAdmin

from hrddp.admin_mixins import ReadOnlyAdminMixin, text_input_filter

from . import models


@admin.register(models.PolicySettings)
class PolicySettingsAdmin(SingletonModelAdmin):
    pass


@admin.register(models.Institution)
class InstitutionAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "country"]
    list_filter = ["kind"]
    search_fields = ["name", "=external_ref"]


@admin.register(models.Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ["name", "institution", "parent", "location"]
    list_filter = [
        text_input_filter(_("institution"), "institution", "institution__name__icontains")
    ]
    search_fields = ["name", "aliases", "=external_ref"]
    list_select_related = ["institution", "parent"]
    autocomplete_fields = ["institution", "parent"]


class AssignmentInline(admin.TabularInline):
    model = models.CommandAssignment
    extra = 0
    autocomplete_fields = ["unit"]


@admin.register(models.Person)
class PersonAdmin(admin.ModelAdmin):
    list_display = ["name", "rank"]
    search_fields = ["name", "aliases", "=external_ref"]
    inlines = [AssignmentInline]


@admin.register(models.CommandAssignment)
class CommandAssignmentAdmin(admin.ModelAdmin):
    list_display = ["person", "unit", "role", "start", "end"]
    list_filter = ["role"]
    list_select_related = ["person", "unit"]
    autocomplete_fields = ["person", "unit"]


class SubtypeInline(admin.TabularInline):
    model = models.ViolationSubtype
    extra = 0


@admin.register(models.ViolationCategory)
class ViolationCategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "is_grave", "order"]
    list_editable = ["order"]
    inlines = [SubtypeInline]


class AttributionInline(admin.TabularInline):
    model = models.Attribution
    extra = 0
    autocomplete_fields = ["unit", "person"]


class AccountabilityInline(admin.TabularInline):
    model = models.AccountabilityAction
    extra = 0


class SourceInline(admin.StackedInline):
    model = models.Source
    extra = 0


@admin.register(models.Violation)
class ViolationAdmin(admin.ModelAdmin):
    list_display = ["date", "category", "location", "verification_status", "scale"]
    list_filter = ["verification_status", "category", "scale"]
    search_fields = ["=external_ref", "location", "narrative"]
    date_hierarchy = "date"
    list_select_related = ["category"]
    raw_id_fields = ["reported_by"]
    # Status changes go through services.set_verification_status (HRO check, history row).
    readonly_fields = ["verification_status"]
    inlines = [AttributionInline, AccountabilityInline, SourceInline]


@admin.register(models.VerificationChange)
class VerificationChangeAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["violation", "from_status", "to_status", "changed_by", "changed_at"]
    list_select_related = ["violation__category", "changed_by"]
