import pytest

from hrddp.accounts.models import Role
from tests.factories import UnitFactory, UserFactory, make_request


@pytest.fixture
def second_manager(mission):
    return UserFactory(username="manager2", roles=[(mission, Role.MANAGER)])


@pytest.fixture
def unit(db):
    return UnitFactory(name="3rd Battalion")


@pytest.fixture
def draft_request(mission, ssr_advisor, unit):
    return make_request(mission, ssr_advisor, [unit])

