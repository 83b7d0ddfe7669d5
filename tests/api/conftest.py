"""API personas: each test says who calls, with a token as a programme tool would."""

import pytest
from rest_framework.test import APIClient

from tests.factories import UnitFactory, api_client, make_request


@pytest.fixture
def anonymous_api():
    return APIClient()


@pytest.fixture
def api_for(db):
    """``api_for(user)``: a client sending a token of ``user`` (None: anonymous), issued as after
    a sign-in with the second factor, which managers and administrators need."""

    return api_client


@pytest.fixture
def personas(hro, ssr_advisor, manager, auditor, administrator, outsider, no_role_user):
    return {
        "anonymous": None,
        "no_role": no_role_user,
        "ssr_advisor": ssr_advisor,
        "outsider": outsider,
        "hro": hro,
        "manager": manager,
        "auditor": auditor,
        "administrator": administrator,
    }


@pytest.fixture
def unit(db):
    return UnitFactory(name="3rd Battalion")


@pytest.fixture
def draft_request(mission, ssr_advisor, unit):
    return make_request(mission, ssr_advisor, [unit], title="Fuel for patrols")
