from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from hrddp.admin_mixins import HROOnlyAdminMixin, ReadOnlyAdminMixin, is_hro, text_input_filter

from . import models


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


class AttributionInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = models.Attribution
    extra = 0


class AccountabilityInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = models.AccountabilityAction
    extra = 0


# Sources (identity and contact, domain.md 7) are not in the admin at all: HROs see them on the
# violation's page, which writes their history.


@admin.register(models.Violation)
class ViolationAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Read-only: violations are recorded, verified and discounted on the registry's pages (HRO
    checks, verification history), never deleted. Who reported one is shown to HROs only."""

    list_display = ["date", "category", "location", "verification_status", "scale"]
    list_filter = ["verification_status", "category", "scale"]
    search_fields = ["=external_ref", "location", "narrative"]
    date_hierarchy = "date"
    list_select_related = ["category"]
    inlines = [AttributionInline, AccountabilityInline]

    def get_fields(self, request, obj=None):
        fields = super().get_fields(request, obj)
        if is_hro(request):
            return fields
        return [name for name in fields if name != "reported_by"]


@admin.register(models.VerificationChange)
class VerificationChangeAdmin(HROOnlyAdminMixin, admin.ModelAdmin):
    """History of the verification: HROs only (who acted on a staff report is an identity)."""

    list_display = ["violation", "from_status", "to_status", "changed_by", "changed_at"]
    list_select_related = ["violation__category", "changed_by"]
