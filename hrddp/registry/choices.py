"""Choices the registry's models and its queries share: a leaf module, so that the queries
(models.py's managers) never import the models (issue 14: no import cycle between the two)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from hrddp.display import Tone, toned


# Credible and verified count against the unit (domain.md 3.1); alleged waits for an HRO.
@toned(alleged=Tone.WARNING, credible=Tone.DANGER, verified=Tone.DANGER, discounted=Tone.SECONDARY)
class VerificationStatus(models.TextChoices):
    ALLEGED = "alleged", _("Alleged")
    CREDIBLE = "credible", _("Credible")
    VERIFIED = "verified", _("Verified")
    DISCOUNTED = "discounted", _("Discounted")


# Statuses only a human rights officer may set (domain.md 3).
HRO_ONLY_STATUSES = frozenset(
    {VerificationStatus.CREDIBLE, VerificationStatus.VERIFIED, VerificationStatus.DISCOUNTED}
)
# Statuses that make a grave violation count for the rules (domain.md 3.1).
COUNTABLE_STATUSES = (VerificationStatus.CREDIBLE, VerificationStatus.VERIFIED)
