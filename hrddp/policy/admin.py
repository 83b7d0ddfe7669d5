from django.contrib import admin
from solo.admin import SingletonModelAdmin

from .models import PolicySettings


@admin.register(PolicySettings)
class PolicySettingsAdmin(SingletonModelAdmin):
    pass
