"""The report of an abuse by any staff member (domain.md 6.4): it becomes an alleged violation in
the HROs' triage queue. Views, commands and any future API call ``report_abuse``."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from hrddp.registry.models import (
    Attribution,
    DatePrecision,
    Reliability,
    Source,
    SourceKind,
    VerificationStatus,
    Violation,
)


def report_abuse(user, data):
    """Record what ``user`` witnessed as an alleged violation, all or nothing.

    ``data``: narrative, date, location, category, and optionally perpetrators (free text, as the
    reporter describes them) and unit (an attribution for the HRO to confirm or remove).
    """
    if data["date"] > timezone.localdate():
        raise ValidationError({"date": _("An abuse you witnessed cannot be dated in the future.")})
    narrative = data["narrative"].strip()
    perpetrators = (data.get("perpetrators") or "").strip()
    if perpetrators:
        narrative += "\n\n" + _("Perpetrators as described by the reporter: %(who)s") % {
            "who": perpetrators
        }
    with transaction.atomic():
        violation = Violation(
            date=data["date"],
            date_precision=DatePrecision.DAY,
            location=data["location"].strip(),
            narrative=narrative,
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
