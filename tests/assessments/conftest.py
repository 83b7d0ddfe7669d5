import datetime

import pytest
import time_machine

from assessments import workflow
from hrddp.accounts.models import Role
from hrddp.support.models import Communication, CommunicationKind
from tests.factories import UnitFactory, UserFactory, make_request

# When the monitoring tests approve and activate their request (the ``activate`` fixture).
START = datetime.datetime(2026, 3, 1, 9, 0, tzinfo=datetime.UTC)


def day(n):
    """The date ``n`` days after the approval."""
    return START.date() + datetime.timedelta(days=n)


@pytest.fixture
def second_manager(mission):
    return UserFactory(username="manager2", roles=[(mission, Role.MANAGER)])


@pytest.fixture
def unit(db):
    return UnitFactory(name="3rd Battalion")


@pytest.fixture
def draft_request(mission, ssr_advisor, unit):
    return make_request(mission, ssr_advisor, [unit])


@pytest.fixture
def activate(to_decision, manager, ssr_advisor):
    """Approve and activate a request at START; ``prepare(assessment)`` fills its assessment."""

    def go(request, prepare=None):
        with time_machine.travel(START, tick=False):
            to_decision(request, prepare)
            workflow.apply(request.pk, "approve", manager, reason="Low risk.")
            Communication.objects.create(
                request=request,
                kind=CommunicationKind.POLICY_NOTIFICATION,
                date=START.date(),
                counterpart="Chief of Staff",
                summary="Letter.",
                recorded_by=ssr_advisor,
            )
            workflow.apply(request.pk, "activate", ssr_advisor)
        request.refresh_from_db()
        return request

    return go
