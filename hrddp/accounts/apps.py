from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "hrddp.accounts"
    label = "accounts"
    verbose_name = _("Accounts")

    def ready(self):
        from . import checks, middleware, services, two_factor  # noqa: F401  (receivers, checks)
