"""The API gives where a request stands as the request page's stepper does (assessments.stages):
the steps, the current one, and the roles that act next."""

import pytest

from assessments import workflow

pytestmark = pytest.mark.django_db


def stage(api, request):
    return api.get(f"/api/v1/support-requests/{request.pk}/").json()["stage"]


def test_the_detail_gives_the_current_step_and_who_acts_next(
    api_for, draft_request, to_decision, manager
):
    to_decision(draft_request)
    body = stage(api_for(manager), draft_request)
    assert [s["state"] for s in body["steps"]] == ["done"] * 3 + ["current"] + ["todo"] * 2
    assert body["steps"][3]["label"] == "Awaiting decision"
    assert body["next_actors"] == ["manager"]


def test_a_withdrawn_request_stands_where_it_was_withdrawn(
    api_for, draft_request, to_decision, manager
):
    to_decision(draft_request)
    workflow.apply(draft_request.pk, "withdraw", manager, reason="Unit disbanded.")
    body = stage(api_for(manager), draft_request)
    current = [s for s in body["steps"] if s["state"] == "current"]
    assert current == [{"label": "Withdrawn", "state": "current", "ended": True}]
    assert body["steps"].index(current[0]) == 3
    assert body["next_actors"] == []
