from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistryConfig(AppConfig):
    name = "hrddp.registry"
    label = "registry"
    verbose_name = _("Registry")

    def ready(self):
        from . import (
            checks,  # noqa: F401 (registers the checks)
            signals,  # noqa: F401 (keeps the index of names up to date)
        )
