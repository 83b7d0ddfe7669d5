from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PolicyConfig(AppConfig):
    """The deployment's policy values, read by the registry and the assessments alike: at the
    bottom of the house, importing none of them (tests/test_layers.py)."""

    name = "hrddp.policy"
    label = "policy"
    verbose_name = _("Policy")
