from django.contrib import admin

from .models import SupportRequest


@admin.register(SupportRequest)
class SupportRequestAdmin(admin.ModelAdmin):
    list_display = ["title", "entity", "created_by", "created_at"]
    list_filter = ["entity"]
    search_fields = ["title"]
    autocomplete_fields = ["recipient_units"]
    list_select_related = ["entity", "created_by"]
