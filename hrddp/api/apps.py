from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    name = "hrddp.api"
    label = "api"
    verbose_name = _("JSON API")

    def ready(self):
        from . import services  # noqa: F401  (connect the receivers that revoke tokens)
