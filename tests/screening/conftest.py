import pytest

from tests.factories import UnitFactory, make_request


@pytest.fixture
def unit(db):
    return UnitFactory(name="3rd Battalion", external_ref="U-3")


@pytest.fixture
def draft(mission, ssr_advisor, unit):
    return make_request(mission, ssr_advisor, [unit], title="IHL training")
