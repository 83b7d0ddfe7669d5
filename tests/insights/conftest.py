import datetime

import pytest

from assessments.models import Assessment, Intervention, Risk, Trigger, TriggerKind
from hrddp.support.models import RequestStatus
from tests.factories import InstitutionFactory, UnitFactory, make_request

# The period most tests look at: the whole of 2025.
START, END = datetime.date(2025, 1, 1), datetime.date(2025, 12, 31)
INSIDE = datetime.date(2025, 6, 1)


@pytest.fixture
def army(db):
    return InstitutionFactory(name="Army")


@pytest.fixture
def police(db):
    return InstitutionFactory(name="Police")


@pytest.fixture
def supported(mission, ssr_advisor):
    """``supported(units, types, value=..., status=..., ...)``: a request of the mission, active
    by default, running from March to September 2025. ``supported.entity_ids``: the mission's."""

    def create(units, types=("logistics",), **fields):
        fields.setdefault("status", RequestStatus.ACTIVE)
        fields.setdefault("start", datetime.date(2025, 3, 1))
        fields.setdefault("end", datetime.date(2025, 9, 30))
        entity = fields.pop("entity", mission)
        return make_request(entity, ssr_advisor, units, support_types=types, **fields)

    create.entity_ids = {mission.pk}
    return create


@pytest.fixture
def assessed(hro):
    """``assessed(request, status, [(l, s, residual or None), ...])``: an assessment with risks."""

    def create(request, status, risks):
        version = request.assessments.count() + 1
        assessment = Assessment.objects.create(
            request=request, version=version, drafter=hro, status=status
        )
        for likelihood, severity, residual in risks:
            Risk.objects.create(
                assessment=assessment,
                description="A risk",
                factor="F4",
                likelihood=likelihood,
                severity=severity,
                residual_likelihood=residual[0] if residual else None,
                residual_severity=residual[1] if residual else None,
            )
        return assessment

    return create


@pytest.fixture
def intervention():
    """``intervention(request, status, response_due)``"""

    def create(request, status, response_due):
        unit = request.recipient_units.first() or UnitFactory()
        trigger = Trigger.objects.create(request=request, kind=TriggerKind.VIOLATION, unit=unit)
        return Intervention.objects.create(
            request=request,
            trigger=trigger,
            unit=unit,
            status=status,
            opened_on=response_due - datetime.timedelta(days=30),
            intercession_due=response_due - datetime.timedelta(days=23),
            response_due=response_due,
        )

    return create
