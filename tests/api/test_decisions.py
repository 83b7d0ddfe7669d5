"""Decisions and the waiver report through the API, as on the pages: every member of the entity
reads the decisions on its requests (each request page's decisions table); the waiver report is
the managers' and auditors' of the entity, with the same rows as the waivers page."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from assessments import workflow
from assessments.models import Decision, MeasureStatus
from hrddp.accounts.models import Role
from tests.factories import UnitFactory, UserFactory, add_risk, complete_assessment, make_request

pytestmark = pytest.mark.django_db


def high_residual(assessment):
    add_risk(assessment, 5, 5, measures=[("screening", MeasureStatus.AGREED)])


@pytest.fixture
def waiver(draft_request, to_decision, manager):
    """An approval granted with a waiver (residual risk high, rule D2)."""
    to_decision(draft_request, high_residual)
    workflow.apply(
        draft_request.pk, "approve", manager, reason="Vital.", waiver_reason="Famine relief."
    )
    return Decision.objects.get(request=draft_request)


@pytest.fixture
def rejection(mission, ssr_advisor, unit, to_decision, manager):
    request = make_request(mission, ssr_advisor, [unit], title="Boots")
    to_decision(request)
    workflow.apply(request.pk, "reject", manager, reason="Not needed.")
    return Decision.objects.get(request=request)


@pytest.fixture
def agency_waiver(agency, hro, to_decision):
    """A waiver of another entity, decided by its own manager."""
    requester = UserFactory(roles=[(agency, Role.REQUESTER)])
    agency_hro = UserFactory(roles=[(agency, Role.HRO)])
    agency_manager = UserFactory(roles=[(agency, Role.MANAGER)])
    request = make_request(agency, requester, [UnitFactory()], title="Agency trucks")
    workflow.apply(request.pk, "submit", requester)
    workflow.apply(request.pk, "start_assessment", agency_hro)
    assessment = complete_assessment(workflow.current_assessment(request))
    high_residual(assessment)
    workflow.apply(request.pk, "submit_for_decision", agency_hro)
    workflow.apply(request.pk, "approve", agency_manager, reason="Vital.", waiver_reason="Agency.")
    return Decision.objects.get(request=request)


def test_decisions_ladder(api_for, personas, waiver, rejection, agency_waiver):
    expected = {
        "anonymous": 401,
        "no_role": 403,
        "outsider": 200,  # an SSR advisor of the agency: no decision of the mission
        "ssr_advisor": 200,
        "hro": 200,
        "manager": 200,
        "auditor": 200,
        "administrator": 200,
    }
    for persona, code in expected.items():
        response = api_for(personas[persona]).get("/api/v1/decisions/")
        assert response.status_code == code, persona
    outsider_ids = {
        row["id"]
        for row in api_for(personas["outsider"]).get("/api/v1/decisions/").json()["results"]
    }
    assert outsider_ids == {agency_waiver.pk}


def test_decisions_are_those_of_the_callers_entities_as_the_request_pages_show(
    api_for, ssr_advisor, waiver, rejection, agency_waiver
):
    body = api_for(ssr_advisor).get("/api/v1/decisions/").json()
    assert body["count"] == 2
    rows = {row["id"]: row for row in body["results"]}
    assert set(rows) == {waiver.pk, rejection.pk}
    # The request page shows the waiver reason to every member of the entity.
    assert rows[waiver.pk]["waiver_reason"] == "Famine relief." and rows[waiver.pk]["is_waiver"]
    assert rows[rejection.pk]["kind"] == "reject" and not rows[rejection.pk]["is_waiver"]
    assert rows[waiver.pk]["entity"] == "mission"
    assert rows[waiver.pk]["assessment_version"] == 1
    assert rows[waiver.pk]["decided_by"] == "manager"


def test_a_decision_of_another_entity_answers_404(api_for, outsider, ssr_advisor, waiver):
    assert api_for(outsider).get(f"/api/v1/decisions/{waiver.pk}/").status_code == 404
    assert api_for(ssr_advisor).get(f"/api/v1/decisions/{waiver.pk}/").status_code == 200


def test_decisions_filter_by_request_and_kind(api_for, hro, waiver, rejection):
    api = api_for(hro)
    body = api.get(f"/api/v1/decisions/?request={rejection.request_id}").json()
    assert [row["id"] for row in body["results"]] == [rejection.pk]
    body = api.get("/api/v1/decisions/?kind=approve").json()
    assert [row["id"] for row in body["results"]] == [waiver.pk]
    response = api.get("/api/v1/decisions/?kind=maybe")
    assert response.status_code == 400 and "kind" in response.json()
    assert api.get("/api/v1/decisions/?request=abc").status_code == 400


def test_waiver_report_ladder(api_for, personas, waiver, rejection):
    expected = {
        "anonymous": 401,
        "no_role": 403,
        "outsider": 403,
        "ssr_advisor": 403,
        "hro": 403,
        "administrator": 403,
        "manager": 200,
        "auditor": 200,
    }
    for persona, code in expected.items():
        response = api_for(personas[persona]).get("/api/v1/waivers/")
        assert response.status_code == code, persona


def test_waiver_report_has_the_rows_of_the_waivers_page(
    api_for, client_for, manager, auditor, waiver, rejection, agency_waiver
):
    for reader in (manager, auditor):
        body = api_for(reader).get("/api/v1/waivers/").json()
        assert [row["id"] for row in body["results"]] == [waiver.pk]
        assert body["results"][0]["waiver_reason"] == "Famine relief."
        page = client_for(reader).get(reverse("support:waivers")).content.decode()
        assert "Famine relief." in page and "Agency." not in page


def test_waiver_report_is_only_of_the_readers_own_entities(
    api_for, mission, agency, agency_waiver, waiver
):
    # Manager of the agency, HRO of the mission: the mission's waivers are not theirs to report.
    user = UserFactory(roles=[(agency, Role.MANAGER), (mission, Role.HRO)])
    body = api_for(user).get("/api/v1/waivers/").json()
    assert [row["id"] for row in body["results"]] == [agency_waiver.pk]


def test_decision_lists_run_a_constant_number_of_queries(
    api_for, manager, mission, ssr_advisor, hro, to_decision, django_assert_max_num_queries
):
    decider = UserFactory(roles=[(mission, Role.MANAGER)])

    def decide(times):
        for n in range(times):
            request = make_request(mission, ssr_advisor, [UnitFactory()], title=f"Request {n}")
            to_decision(request, high_residual)
            workflow.apply(
                request.pk, "approve", decider, reason="Vital.", waiver_reason=f"Waiver {n}."
            )

    api = api_for(manager)
    for url in ("/api/v1/decisions/?page_size=100", "/api/v1/waivers/?page_size=100"):
        api.get(url)  # the token's first use
    decide(2)
    few = {}
    for url in ("/api/v1/decisions/?page_size=100", "/api/v1/waivers/?page_size=100"):
        with CaptureQueriesContext(connection) as context:
            assert api.get(url).status_code == 200
        few[url] = len(context)
    decide(12)
    for url, count in few.items():
        with django_assert_max_num_queries(count):
            response = api.get(url)
        assert response.json()["count"] == 14
