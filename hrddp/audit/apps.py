from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "hrddp.audit"
    label = "audit"
    verbose_name = _("History")

    def ready(self):
        from django.db.models.signals import post_migrate

        from .context import name_management_commands

        post_migrate.connect(install_seals, sender=self)
        name_management_commands()


def install_seals(sender, using, plan=None, **kwargs):
    """After every migrate (and every test database flush): seal triggers on every history table."""
    from django.db import connections

    from . import sealing

    if "audit_historyseal" in connections[using].introspection.table_names():
        sealing.install(using)
