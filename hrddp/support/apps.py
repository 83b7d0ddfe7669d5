from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SupportConfig(AppConfig):
    name = "hrddp.support"
    label = "support"
    verbose_name = _("Support requests")

    def ready(self):
        from hrddp.registry.access import register_summary_units

        from .access import summary_unit_ids

        register_summary_units(summary_unit_ids)
