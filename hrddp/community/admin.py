from django.contrib import admin

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
    list_filter = ["method", "institution"]
    search_fields = ["area", "population_group"]
    list_select_related = ["institution", "unit"]
    autocomplete_fields = ["institution", "unit"]
    readonly_fields = ["recorded_by", "recorded_at"]
    date_hierarchy = "date"

    def save_model(self, request, obj, form, change):
        if not change:
            obj.recorded_by = request.user
        super().save_model(request, obj, form, change)
