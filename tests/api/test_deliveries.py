"""Deliveries through the API, as on the request page: recorded by the entity's SSR advisors and
managers, only while the support is active (a lapsed or suspended request is refused, naming the
rule), and listed to every member of the entity."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from assessments import workflow
from hrddp.accounts.models import Role
from hrddp.support.models import Delivery
from hrddp.support.rules import DELIVERY_WHILE_ACTIVE
from tests.factories import UserFactory, active_request

pytestmark = pytest.mark.django_db


@pytest.fixture
def active(mission, ssr_advisor, hro, manager, unit):
    return active_request(mission, ssr_advisor, hro, manager, units=[unit])


def deliver(api, request, **body):
    payload = {"date": timezone.localdate().isoformat(), "description": "2,000 litres of fuel."}
    return api.post(
        f"/api/v1/support-requests/{request.pk}/deliveries/", {**payload, **body}, format="json"
    )


def test_delivery_recording_ladder(api_for, personas, active):
    expected = {
        "anonymous": 401,
        "no_role": 403,
        "outsider": 404,  # another entity's request does not exist for them
        "hro": 403,
        "auditor": 403,
        "administrator": 403,
        "ssr_advisor": 201,
        "manager": 201,
    }
    for persona, code in expected.items():
        response = deliver(api_for(personas[persona]), active)
        assert response.status_code == code, (persona, response.content)
    assert Delivery.objects.filter(request=active).count() == 2


def test_delivery_recording_role_counts_only_in_the_requests_entity(api_for, active, agency):
    # A manager of another entity who also reads the mission's requests as an HRO.
    user = UserFactory(roles=[(agency, Role.MANAGER), (active.entity, Role.HRO)])
    assert deliver(api_for(user), active).status_code == 403
    assert not Delivery.objects.exists()


def test_delivery_is_recorded_with_who_and_what(api_for, active, ssr_advisor):
    response = deliver(api_for(ssr_advisor), active, value="1250.50")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["request"] == active.pk and body["recorded_by"] == "ssr"
    assert body["value"] == "1250.50" and body["description"] == "2,000 litres of fuel."
    delivery = Delivery.objects.get()
    assert delivery.recorded_by == ssr_advisor and delivery.request == active


def test_delivery_while_active_refuses_a_lapsed_request(api_for, active, ssr_advisor):
    workflow.apply(active.pk, "lapse", None, reason="Not renewed.")
    response = deliver(api_for(ssr_advisor), active)
    assert response.status_code == 409
    assert response.json()["rule"] == DELIVERY_WHILE_ACTIVE == "delivery_while_active"
    assert "Lapsed" in response.json()["detail"]
    assert not Delivery.objects.exists()


def test_delivery_while_active_refuses_a_suspended_request(api_for, active, manager):
    workflow.apply(active.pk, "suspend", manager, reason="Grave violation.")
    response = deliver(api_for(manager), active)
    assert response.status_code == 409
    assert response.json()["rule"] == "delivery_while_active"
    assert "Suspended" in response.json()["detail"]
    assert not Delivery.objects.exists()


def test_delivery_while_active_refuses_a_draft(api_for, draft_request, ssr_advisor):
    response = deliver(api_for(ssr_advisor), draft_request)
    assert response.status_code == 409
    assert response.json()["rule"] == "delivery_while_active"


def test_the_page_refuses_a_delivery_on_a_suspended_request_with_the_same_rule(
    client_for, active, manager
):
    workflow.apply(active.pk, "suspend", manager, reason="Grave violation.")
    client = client_for(manager)
    response = client.post(
        f"/requests/{active.pk}/deliveries/",
        {"delivery-date": timezone.localdate().isoformat(), "delivery-description": "Fuel."},
        follow=True,
    )
    assert "only while the support is active" in response.content.decode()
    assert not Delivery.objects.exists()


@pytest.mark.parametrize(
    "body, field",
    [
        ({"date": ""}, "date"),
        ({"date": "1850-01-01"}, "date"),
        ({"date": "not a date"}, "date"),
        ({"description": ""}, "description"),
        ({"value": "-5"}, "value"),
        ({"value": "1" * 20}, "value"),
        ({"value": "abc"}, "value"),
    ],
)
def test_bad_delivery_input_answers_400_on_the_field(api_for, active, ssr_advisor, body, field):
    response = deliver(api_for(ssr_advisor), active, **body)
    assert response.status_code == 400
    assert field in response.json()
    assert not Delivery.objects.exists()


def test_delivery_log_is_listed_to_the_entity_and_hidden_from_others(
    api_for, active, ssr_advisor, hro, outsider
):
    deliver(api_for(ssr_advisor), active)
    url = f"/api/v1/support-requests/{active.pk}/deliveries/"
    body = api_for(hro).get(url).json()
    assert body["count"] == 1 and body["results"][0]["description"] == "2,000 litres of fuel."
    assert api_for(outsider).get(url).status_code == 404
    assert api_for(None).get(url).status_code == 401


def test_delivery_log_runs_a_constant_number_of_queries(
    api_for, active, ssr_advisor, django_assert_max_num_queries
):
    def record(times):
        for n in range(times):
            Delivery.objects.create(
                request=active,
                date=timezone.localdate(),
                description=f"Lot {n}",
                recorded_by=UserFactory(),
            )

    api = api_for(ssr_advisor)
    url = f"/api/v1/support-requests/{active.pk}/deliveries/?page_size=100"
    api.get(url)  # the token's first use
    record(2)
    with CaptureQueriesContext(connection) as few:
        assert api.get(url).status_code == 200
    record(30)
    with django_assert_max_num_queries(len(few)):
        response = api.get(url)
    assert response.json()["count"] == 32
