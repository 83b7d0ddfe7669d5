"""A new assessment version and an assessment's transition history through the API, as on the
assessment page: the entity's HROs start a version once a decision froze the latest one, while the
support is active, under review or suspended; the steps taken on a version are its log."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from assessments import workflow
from assessments.models import Assessment, AssessmentStatus
from tests.factories import active_request

pytestmark = pytest.mark.django_db


@pytest.fixture
def active(mission, ssr_advisor, hro, manager, unit):
    return active_request(mission, ssr_advisor, hro, manager, units=[unit])


@pytest.fixture
def decided(active):
    """The approved version: frozen by its decision."""
    return workflow.current_assessment(active)


def new_version(api, assessment):
    return api.post(f"/api/v1/assessments/{assessment.pk}/new-version/", format="json")


def test_new_version_ladder(api_for, personas, decided):
    expected = {
        "anonymous": 401,
        "no_role": 403,
        "outsider": 404,
        "ssr_advisor": 403,
        "manager": 403,
        "auditor": 403,
        "administrator": 403,
        "hro": 201,
    }
    for persona, code in expected.items():
        response = new_version(api_for(personas[persona]), decided)
        assert response.status_code == code, (persona, response.content)
    assert Assessment.objects.filter(request=decided.request).count() == 2


def test_new_version_is_a_draft_copy_and_the_decided_version_stays(api_for, hro, decided):
    response = new_version(api_for(hro), decided)
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["version"] == decided.version + 1 and body["status"] == AssessmentStatus.DRAFT
    assert body["recommendation"] == decided.recommendation
    decided.refresh_from_db()
    assert decided.is_frozen and decided.decisions.exists()


def test_new_version_refused_while_the_latest_is_not_frozen_names_the_state_rule(
    api_for, hro, decided
):
    assert new_version(api_for(hro), decided).status_code == 201
    response = new_version(api_for(hro), decided)  # the new draft is not frozen
    assert response.status_code == 409
    assert response.json()["rule"] == "state"
    assert "not frozen" in response.json()["detail"]
    assert Assessment.objects.filter(request=decided.request).count() == 2


def test_new_version_refused_once_the_support_lapsed_names_the_state_rule(
    api_for, hro, active, decided
):
    workflow.apply(active.pk, "lapse", None, reason="Not renewed.")
    response = new_version(api_for(hro), decided)
    assert response.status_code == 409
    assert response.json()["rule"] == "state"
    assert Assessment.objects.filter(request=active).count() == 1


def test_new_version_of_an_unknown_assessment_answers_404(api_for, hro):
    assert api_for(hro).post("/api/v1/assessments/999999/new-version/").status_code == 404


def test_assessment_transitions_list_the_steps_taken_on_the_version(api_for, ssr_advisor, decided):
    body = api_for(ssr_advisor).get(f"/api/v1/assessments/{decided.pk}/transitions/").json()
    actions = [row["action"] for row in body["results"]]
    # start_assessment opened the version before it existed: the log links it from then on.
    assert actions[:3] == ["activate", "approve", "submit_for_decision"]
    assert body["results"][0]["allowed"] is True
    assert "submit" not in actions


def test_assessment_transitions_include_refused_attempts_with_their_rule(
    api_for, manager, active, decided
):
    with pytest.raises(workflow.TransitionBlocked):
        workflow.apply(active.pk, "suspend", manager, reason="")
    body = api_for(manager).get(f"/api/v1/assessments/{decided.pk}/transitions/").json()
    assert body["results"][0]["action"] == "suspend"
    assert body["results"][0]["allowed"] is False and body["results"][0]["rules"] == ["reason"]


def test_assessment_transitions_are_hidden_outside_the_entity(api_for, outsider, decided):
    url = f"/api/v1/assessments/{decided.pk}/transitions/"
    assert api_for(outsider).get(url).status_code == 404
    assert api_for(None).get(url).status_code == 401


def test_assessment_transitions_run_a_constant_number_of_queries(
    api_for, hro, manager, active, decided, django_assert_max_num_queries
):
    def refuse(times):
        for _n in range(times):
            with pytest.raises(workflow.TransitionBlocked):
                workflow.apply(active.pk, "suspend", manager, reason="")

    api = api_for(hro)
    url = f"/api/v1/assessments/{decided.pk}/transitions/?page_size=100"
    api.get(url)  # the token's first use
    refuse(2)
    with CaptureQueriesContext(connection) as few:
        assert api.get(url).status_code == 200
    refuse(30)
    with django_assert_max_num_queries(len(few)):
        response = api.get(url)
    assert len(response.json()["results"]) > 30
