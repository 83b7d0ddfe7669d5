import pytest

from assessments import workflow
from hrddp.registry import matching
from tests.factories import PersonFactory, UnitFactory, make_request


@pytest.fixture
def unit(db):
    return UnitFactory(name="3rd Battalion", external_ref="U-3")


@pytest.fixture
def draft(mission, ssr_advisor, unit):
    return make_request(mission, ssr_advisor, [unit], title="IHL training")


@pytest.fixture
def assessed(mission, ssr_advisor, hro, unit):
    """A request under assessment: its participants may be screened."""
    request = make_request(mission, ssr_advisor, [unit])
    workflow.apply(request.pk, "submit", ssr_advisor)
    workflow.apply(request.pk, "start_assessment", hro)
    request.refresh_from_db()
    return request


@pytest.fixture
def registry_people(db):
    """People of the registry, filed under their names' keys so that the matcher finds them."""
    people = {
        "mbuyi": PersonFactory(name="Jean-Baptiste Mbuyi"),
        "ngoy": PersonFactory(name="Patrice N'Goy Kasongo"),
        "other": PersonFactory(name="Albertine Wamba Dia"),
    }
    matching.index_people(people.values())
    return people
