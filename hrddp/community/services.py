"""Every write of the community app: a perception recorded or corrected by an HRO (domain.md
6.1), and the report of an abuse by any staff member (6.4), which becomes an alleged violation in
the HROs' triage queue. Pages, the API and commands call these."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from hrddp.accounts.access import can_edit_registry
from hrddp.registry.models import (
    Attribution,
    DatePrecision,
    Reliability,
    Source,
    SourceKind,
    VerificationStatus,
    Violation,
)

from .models import Perception


def save_perception(user, data, perception=None):
    """Record a new perception (``perception`` None) or correct one, on behalf of ``user`` (an HRO).

    ``data``: the perception's fields (date, area, method, population_group, institution, unit,
    trust_in_force, trust_in_mission, concerns); those absent keep their value. The model's rules
    decide (``Perception.clean``: not in the future, a unit of the institution named, an
    institution or a unit); a refusal raises ValidationError naming the field.
    """
    if not can_edit_registry(user):
        raise PermissionDenied
    if perception is None:
        perception = Perception(recorded_by=user)
    for name, value in data.items():
        setattr(perception, name, value)
    perception.full_clean()
    perception.save()
    return perception


def report_abuse(user, data):
    """Record what ``user`` witnessed as an alleged violation, all or nothing.

    ``data``: narrative, date, location, category, and optionally perpetrators (free text, as the
    reporter describes them) and unit (an attribution for the HRO to confirm or remove).
    """
    if data["date"] > timezone.localdate():
        raise ValidationError({"date": _("An abuse you witnessed cannot be dated in the future.")})
    narrative = data["narrative"].strip()
    perpetrators = (data.get("perpetrators") or "").strip()
    with transaction.atomic():
        violation = Violation(
            date=data["date"],
            date_precision=DatePrecision.DAY,
            location=data["location"].strip(),
            narrative=narrative,
            perpetrators_described=perpetrators,
            category=data["category"],
            verification_status=VerificationStatus.ALLEGED,
            source_reliability=Reliability.MODERATE,
            reported_by=user,
            staff_report=True,
        )
        violation.full_clean()
        violation.save()
        if data.get("unit"):
            Attribution.objects.create(violation=violation, unit=data["unit"])
        # The reporter is a witness: their name and email are a source's identity, which only
        # HROs see (domain.md 7), so the HRO who triages knows whom to ask.
        Source.objects.create(
            violation=violation,
            kind=SourceKind.WITNESS,
            identity=user.get_full_name() or user.username,
            contact=user.email,
            reliability=Reliability.MODERATE,
            description=_("UN staff member who witnessed the abuse (report an abuse)."),
        )
    return violation
