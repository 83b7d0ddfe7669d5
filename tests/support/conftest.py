import pytest
from django.utils import timezone

from hrddp.accounts.models import Role
from hrddp.support.models import Communication, CommunicationKind
from tests.factories import UnitFactory, UserFactory, make_request


@pytest.fixture
def unit(db):
    return UnitFactory(name="3rd Battalion")


@pytest.fixture
def draft_request(mission, ssr_advisor, unit):
    return make_request(mission, ssr_advisor, [unit], title="Fuel for patrols")


@pytest.fixture
def agency_manager(agency):
    return UserFactory(username="agency-manager", roles=[(agency, Role.MANAGER)])


@pytest.fixture
def policy_letter(ssr_advisor):
    def record(request):
        return Communication.objects.create(
            request=request,
            kind=CommunicationKind.POLICY_NOTIFICATION,
            date=timezone.localdate(),
            counterpart="Chief of Defence Staff",
            summary="HRDDP letter and conditions.",
            recorded_by=ssr_advisor,
        )

    return record
