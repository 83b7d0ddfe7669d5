from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from hrddp.admin_mixins import text_input_filter

from .models import Perception


@admin.register(Perception)
class PerceptionAdmin(admin.ModelAdmin):
    list_display = [
        "date",
        "area",
        "method",
        "population_group",
        "institution",
        "unit",
        "trust_in_force",
        "trust_in_mission",
    ]
    list_filter = [
        "method",
        text_input_filter(_("institution"), "institution", "institution__name__icontains"),
    ]
    search_fields = ["area", "population_group"]
    list_select_related = ["institution", "unit"]
    autocomplete_fields = ["institution", "unit"]
    readonly_fields = ["recorded_by", "recorded_at"]
    date_hierarchy = "date"

    def save_model(self, request, obj, form, change):
        if not change:
            obj.recorded_by = request.user
        super().save_model(request, obj, form, change)
