"""Named queries of the community app: who may see which perceptions and which abuse reports."""

from django.db.models import Exists, OuterRef, Q
from django.db.models.functions import Upper

from hrddp.accounts.access import can_read_registry
from hrddp.registry.models import Unit, Violation

from .models import Perception


def _recipients(assessment):
    return Unit.objects.filter(support_requests=assessment.request_id)


def _about_recipients(assessment):
    """Perceptions of a recipient's institution or of a recipient unit, or gathered in the area
    where a recipient is based (the area equals the unit's location, case aside)."""
    recipients = _recipients(assessment)
    locations = recipients.exclude(location="").annotate(upper=Upper("location")).values("upper")
    return (
        Q(institution__in=recipients.values("institution_id"))
        | Q(unit__in=recipients.values("pk"))
        | Q(area_upper__in=locations)
    )


def _perceptions():
    return Perception.objects.alias(area_upper=Upper("area")).select_related("institution", "unit")


def perceptions_for(assessment):
    """Perceptions of an assessment's recipients' institutions, units and areas (domain.md 6.1).
    One query, whatever the number of recipients."""
    return _perceptions().filter(_about_recipients(assessment))


def consultable_perceptions(assessment):
    """``perceptions_for`` and those already consulted, each with ``is_consulted``: a recipient
    or a perception's area may have changed since, and a consulted perception must not silently
    drop from the assessment."""
    consulted = assessment.perceptions_consulted.through.objects.filter(assessment=assessment)
    return (
        _perceptions()
        .annotate(is_consulted=Exists(consulted.filter(perception_id=OuterRef("pk"))))
        .filter(_about_recipients(assessment) | Q(is_consulted=True))
    )


def perceptions_of(user):
    """The perceptions ``user`` may read: all of them for whoever reads the registry (domain.md
    6.1), none for anyone else. With what a list row shows."""
    if not can_read_registry(user):
        return Perception.objects.none()
    return Perception.objects.select_related("institution", "unit")


def reports_of(user):
    """The abuses ``user`` reported (domain.md 6.4), newest first: only their own, and only what
    they need to follow them (no narrative, no sources, no attribution: domain.md 7)."""
    if not user.is_authenticated:
        return Violation.objects.none()
    return (
        Violation.objects.filter(reported_by=user, staff_report=True)
        .select_related("category")
        .only("date", "date_precision", "location", "category__name", "verification_status")
        .order_by("-created_at", "-id")
    )
