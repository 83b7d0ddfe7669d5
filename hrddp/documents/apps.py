from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DocumentsConfig(AppConfig):
    name = "hrddp.documents"
    label = "documents"
    verbose_name = _("Attached files")

    def ready(self):
        from . import signals  # noqa: F401 (receivers)
