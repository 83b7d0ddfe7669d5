from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    """Notifications and mail, used by every app: at the bottom of the house, importing none of
    them (tests/test_layers.py)."""

    name = "hrddp.notifications"
    label = "notifications"
    verbose_name = _("Notifications")
