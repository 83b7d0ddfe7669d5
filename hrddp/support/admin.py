from django.contrib import admin

from .models import Communication, Delivery, SupportRequest


class CommunicationInline(admin.TabularInline):
    model = Communication
    extra = 0
    raw_id_fields = ["recorded_by"]


class DeliveryInline(admin.TabularInline):
    model = Delivery
    extra = 0
    raw_id_fields = ["recorded_by"]


@admin.register(SupportRequest)
class SupportRequestAdmin(admin.ModelAdmin):
    # The status is changed only by the workflow, which checks the rules and writes the history.
    list_display = ["title", "entity", "status", "urgency", "created_by", "created_at"]
    list_filter = ["status", "entity", "urgency"]
    search_fields = ["title"]
    readonly_fields = ["status", "decided_at", "review_due", "valid_until"]
    autocomplete_fields = ["recipient_units", "named_individuals"]
    raw_id_fields = ["created_by"]
    list_select_related = ["entity", "created_by"]
    inlines = [CommunicationInline, DeliveryInline]
