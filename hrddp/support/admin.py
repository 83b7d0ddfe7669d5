"""Admin: support requests, their letters and deliveries are read-only here; the workflow and the
request's pages (which check the rules, D4 among them, and write the history) are their only
writers (hrddp/admin_mixins.py)."""

from django.contrib import admin

from hrddp.admin_mixins import ReadOnlyAdminMixin

from .models import Communication, Delivery, SupportRequest


class CommunicationInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = Communication
    extra = 0


class DeliveryInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = Delivery
    extra = 0


@admin.register(SupportRequest)
class SupportRequestAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["title", "entity", "status", "urgency", "created_by", "created_at"]
    list_filter = ["status", "entity", "urgency"]
    search_fields = ["title"]
    list_select_related = ["entity", "created_by"]
    inlines = [CommunicationInline, DeliveryInline]
