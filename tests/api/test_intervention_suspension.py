"""An intervention's suspension says which support requests it suspended: the monitored requests
of the manager's entities that benefit the unit concerned, and no other."""

import pytest
from django.utils import timezone

from assessments.monitoring import check_violation
from hrddp.support.models import RequestStatus
from tests.factories import UnitFactory, ViolationFactory, active_request

pytestmark = pytest.mark.django_db


@pytest.fixture
def requests(mission, ssr_advisor, hro, manager, unit):
    """Two active requests benefiting the unit, one benefiting another unit only."""
    first = active_request(mission, ssr_advisor, hro, manager, units=[unit], title="Fuel")
    second = active_request(mission, ssr_advisor, hro, manager, units=[unit], title="Tents")
    other = active_request(mission, ssr_advisor, hro, manager, units=[UnitFactory()], title="Boots")
    return first, second, other


@pytest.fixture
def intervention(requests, unit):
    check_violation(ViolationFactory(units=[unit], date=timezone.localdate()).pk)
    return requests[0].interventions.get()


def act(api, intervention, action, reason="Because."):
    return api.post(
        f"/api/v1/interventions/{intervention.pk}/actions/",
        {"action": action, "reason": reason},
        format="json",
    )


def test_suspension_lists_the_requests_it_suspended(api_for, manager, requests, intervention):
    first, second, other = requests
    response = act(api_for(manager), intervention, "suspend", reason="No response.")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "suspended"
    assert sorted(body["suspended_requests"]) == sorted([first.pk, second.pk])
    for request in (first, second):
        request.refresh_from_db()
        assert request.status == RequestStatus.SUSPENDED
    other.refresh_from_db()
    assert other.status == RequestStatus.ACTIVE


def test_other_actions_suspend_no_request(api_for, hro, intervention):
    body = act(api_for(hro), intervention, "escalate").json()
    assert body["status"] == "escalated" and body["suspended_requests"] == []
