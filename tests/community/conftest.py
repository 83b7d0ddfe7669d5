import datetime

import pytest
from django.utils import timezone

from assessments import workflow
from hrddp.community.models import Method, Perception
from tests.factories import InstitutionFactory, UnitFactory, make_request


@pytest.fixture
def army(db):
    return InstitutionFactory(name="National Army")


@pytest.fixture
def unit(army):
    return UnitFactory(name="3rd Battalion", institution=army, location="Kanda")


@pytest.fixture
def assessment(mission, ssr_advisor, hro, unit):
    """A draft assessment of a request for ``unit``, under assessment."""
    request = make_request(mission, ssr_advisor, [unit])
    workflow.apply(request.pk, "submit", ssr_advisor)
    workflow.apply(request.pk, "start_assessment", hro)
    return workflow.current_assessment(request)


@pytest.fixture
def make_perception(db):
    """``make_perception(institution=..., area=..., ...)``: a perception, valid unless told."""

    def make(**fields):
        values = {
            "date": timezone.localdate() - datetime.timedelta(days=10),
            "area": "Elsewhere",
            "method": Method.FOCUS_GROUP,
            "population_group": "Market traders",
            "trust_in_force": 2,
            "trust_in_mission": 3,
            "concerns": "Night searches.",
        }
        values.update(fields)
        if values.get("unit") is not None and values.get("institution") is None:
            values["institution"] = values["unit"].institution
        if values.get("institution") is None:
            values["institution"] = InstitutionFactory()
        return Perception.objects.create(**values)

    return make
