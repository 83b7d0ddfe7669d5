"""Screening through the API (issue 15): the pages' services and rules. Whoever sees a request
reads its screening counts; its entity's HROs screen, see candidates and decide (403 for other
roles, 404 outside the entity); the records' state refusing answers 409 with its rule."""

import pytest
from django.utils import timezone

from assessments import workflow
from hrddp.registry import matching
from hrddp.screening import services_screening as screening
from hrddp.screening.models import Candidate, Decision, Outcome, ScreeningRun
from tests.factories import (
    ParticipantFactory,
    PersonFactory,
    UnitFactory,
    UserFactory,
    ViolationFactory,
    make_request,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def assessed(mission, ssr_advisor, hro):
    request = make_request(mission, ssr_advisor, [UnitFactory()])
    workflow.apply(request.pk, "submit", ssr_advisor)
    workflow.apply(request.pk, "start_assessment", hro)
    request.refresh_from_db()
    return request


@pytest.fixture
def person(db):
    person = PersonFactory(name="Jean-Baptiste Mbuyi")
    matching.index_people([person])
    ViolationFactory(people=[person], date=timezone.localdate())
    return person


def status_url(request):
    return f"/api/v1/support-requests/{request.pk}/screening/"


def test_screening_status_counts_and_starts(api_for, assessed, hro, ssr_advisor, person):
    ParticipantFactory(request=assessed, name="MBUYI Jean Baptiste")
    ParticipantFactory(request=assessed, name="Albertine Wamba")
    answer = api_for(ssr_advisor).get(status_url(assessed)).json()
    assert answer["counts"]["total"] == 2
    assert answer["counts"]["not_searched"] == 2
    assert answer["counts"]["unscreened"] == 2
    assert answer["run"] is None
    # Only the entity's HROs screen.
    assert api_for(ssr_advisor).post(status_url(assessed)).status_code == 403
    response = api_for(hro).post(status_url(assessed))
    assert response.status_code == 200
    assert response.json()["counts"]["not_searched"] == 0
    assert response.json()["counts"]["pending"] >= 1


def test_a_long_list_runs_in_the_background(
    api_for, assessed, hro, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(screening, "SYNC_LIMIT", 1)
    sent = []
    monkeypatch.setattr(screening, "enqueue", sent.append)
    ParticipantFactory(request=assessed)
    ParticipantFactory(request=assessed)
    with django_capture_on_commit_callbacks(execute=True):
        response = api_for(hro).post(status_url(assessed))
    assert response.status_code == 202
    run = ScreeningRun.objects.get()
    assert response.json()["run"]["id"] == run.pk
    assert response.json()["run"]["status"] == "running"
    assert sent == [run.pk]


def test_outsiders_get_404(api_for, assessed, agency):
    other_hro = UserFactory(username="undp-hro", roles=[(agency, "hro")])
    participant = ParticipantFactory(request=assessed)
    client = api_for(other_hro)
    assert client.get(status_url(assessed)).status_code == 404
    assert client.get(f"/api/v1/participants/{participant.pk}/candidates/").status_code == 404


def test_candidates_with_reasons_and_record_then_confirm(api_for, assessed, hro, manager, person):
    participant = ParticipantFactory(request=assessed, name="MBUYI Jean Baptiste")
    url = f"/api/v1/participants/{participant.pk}/candidates/"
    assert api_for(manager).get(url).status_code == 403
    searched = api_for(hro).post(url)
    assert searched.status_code == 200
    [found] = [c for c in searched.json() if c["person"] == person.pk]
    assert found["decision"] == "pending"
    assert found["reasons"] and {"code", "params", "text"} <= set(found["reasons"][0])
    assert len(found["record"]) == 1
    assert found["record"][0]["responsibility"] == "direct"
    decided = api_for(hro).post(
        f"/api/v1/candidates/{found['id']}/decision/", {"decision": "confirmed"}, format="json"
    )
    assert decided.status_code == 200
    participant.refresh_from_db()
    assert participant.person == person


def test_a_second_confirmation_is_refused_with_its_rule(api_for, assessed, hro, person):
    participant = ParticipantFactory(request=assessed)
    first = Candidate.objects.create(participant=participant, person=person, score=0.9)
    second = Candidate.objects.create(participant=participant, person=PersonFactory(), score=0.8)
    screening.decide(first, Decision.CONFIRMED, hro)
    response = api_for(hro).post(
        f"/api/v1/candidates/{second.pk}/decision/", {"decision": "confirmed"}, format="json"
    )
    assert response.status_code == 409
    assert response.json()["rule"] == "one_confirmed"


def test_outcome_rules(api_for, assessed, hro, person):
    participant = ParticipantFactory(request=assessed)
    Candidate.objects.create(participant=participant, person=person, score=0.9)
    url = f"/api/v1/participants/{participant.pk}/outcome/"
    client = api_for(hro)
    refused = client.post(url, {"outcome": "cleared"}, format="json")
    assert refused.status_code == 409 and refused.json()["rule"] == "pending"
    refused = client.post(url, {"outcome": "excluded", "reason": ""}, format="json")
    assert refused.status_code == 409 and refused.json()["rule"] == "reason"
    assert client.post(url, {"outcome": "nonsense"}, format="json").status_code == 400
    done = client.post(url, {"outcome": "excluded", "reason": "Commander."}, format="json")
    assert done.status_code == 200
    assert done.json()["outcome"] == Outcome.EXCLUDED


def test_clear_the_rest(api_for, assessed, hro):
    quiet = ParticipantFactory(request=assessed, matched_at=timezone.now())
    ParticipantFactory(request=assessed)  # never searched: stays
    response = api_for(hro).post(f"/api/v1/support-requests/{assessed.pk}/screening/clear/")
    assert response.status_code == 200
    assert response.json() == {"cleared": 1}
    quiet.refresh_from_db()
    assert quiet.outcome == Outcome.CLEARED


def test_screening_refused_on_a_draft(api_for, mission, ssr_advisor, hro):
    draft = make_request(mission, ssr_advisor, [UnitFactory()])
    ParticipantFactory(request=draft)
    response = api_for(hro).post(status_url(draft))
    assert response.status_code == 409
    assert response.json()["rule"] == "state"


def test_the_decision_lists_the_excluded_participants(
    api_for, mission, ssr_advisor, hro, manager, to_decision
):
    request = make_request(mission, ssr_advisor, [UnitFactory()])
    participant = ParticipantFactory(request=request, name="Joseph Ilunga", rank="Major")
    to_decision(request)
    screening.record_outcome(participant, Outcome.EXCLUDED, "Commanded at Kanda.", hro)
    workflow.apply(request.pk, "approve", manager, reason="Decided.")
    decision = request.decisions.get()
    answer = api_for(manager).get(f"/api/v1/decisions/{decision.pk}/").json()
    assert answer["excluded_participants"] == [
        {"id": participant.pk, "name": "Joseph Ilunga", "rank": "Major",
         "reason": "Commanded at Kanda."}
    ]  # fmt: skip
