from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DocumentsConfig(AppConfig):
    name = "hrddp.documents"
    label = "documents"
    verbose_name = _("Attached files")

    def ready(self):
        from hrddp.audit import verify

        from . import signals  # noqa: F401 (receivers)
        from .verification import KINDS, check_files

        verify.register(check_files, KINDS)
