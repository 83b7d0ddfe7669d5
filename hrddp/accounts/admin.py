from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from .forms import AdminSignInForm
from .models import Entity, Membership, User

# The admin's login refuses passwords as the login page does when local sign-in is off.
admin.site.login_form = AdminSignInForm


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 1


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    inlines = [MembershipInline]
    # Single sign-on (issue 17): the provider's subject links the account; an administrator may
    # link an existing account before its holder's first sign-in, or unlink one.
    fieldsets = BaseUserAdmin.fieldsets + ((_("Single sign-on"), {"fields": ["oidc_subject"]}),)


@admin.register(Entity)
class EntityAdmin(admin.ModelAdmin):
    list_display = ["name", "code"]
    search_fields = ["name", "code"]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "entity", "role"]
    list_filter = ["role", "entity"]
    search_fields = ["user__username", "entity__name"]
    list_select_related = ["user", "entity"]
    autocomplete_fields = ["user"]
