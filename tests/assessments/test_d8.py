"""Rule D8 (domain.md 4.5, 4.6): no approval while a participant is unscreened; the excluded are
listed in the decision and the policy letter's annex and receive nothing; a confirmed
participant's record counts in the assessment and later violations reach the request."""

import pytest
from django.urls import reverse
from django.utils import timezone

from assessments import monitoring, workflow
from assessments.models import Decision, TriggerKind
from hrddp.screening import services_screening as screening
from hrddp.screening.models import Candidate, Outcome
from hrddp.support.models import RequestStatus
from tests.factories import (
    ParticipantFactory,
    PersonFactory,
    UnitFactory,
    ViolationFactory,
    active_request,
    make_request,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def unit(db):
    return UnitFactory(name="3rd Battalion")


@pytest.fixture
def trained(mission, ssr_advisor, unit):
    """An IHL training request with two participants."""
    request = make_request(mission, ssr_advisor, [unit], support_types=("training",))
    ParticipantFactory(request=request, name="Aline Kabila", rank="Captain")
    ParticipantFactory(request=request, name="Joseph Ilunga", rank="Major")
    return request


def blockers(request, user):
    with pytest.raises(workflow.TransitionBlocked) as error:
        workflow.apply(request.pk, "approve", user, reason="Decided.")
    return error.value.blockers


def screen_all(request, hro, excluded=()):
    for participant in request.participants.all():
        participant.matched_at = timezone.now()
        participant.save()
        if participant.name in excluded:
            screening.record_outcome(participant, Outcome.EXCLUDED, "Commanded at Kanda.", hro)
        else:
            screening.record_outcome(participant, Outcome.CLEARED, "", hro)


def test_d8_blocks_approval_while_a_participant_is_unscreened_then_allows_it(
    trained, to_decision, hro, manager
):
    to_decision(trained)
    [d8] = [b for b in blockers(trained, manager) if b.rule == "D8"]
    assert "2 participants are not screened" in d8.message
    assert d8.url == reverse("screening:request", args=[trained.pk])
    screen_all(trained, hro)
    workflow.apply(trained.pk, "approve", manager, reason="Decided.")
    trained.refresh_from_db()
    assert trained.status == RequestStatus.APPROVED


def test_d8_counts_needs_more_information_as_unscreened(trained, to_decision, hro, manager):
    to_decision(trained)
    screen_all(trained, hro)
    participant = trained.participants.first()
    screening.record_outcome(participant, Outcome.NEEDS_INFORMATION, "", hro)
    [d8] = [b for b in blockers(trained, manager) if b.rule == "D8"]
    assert "1 participant is not screened" in d8.message


def test_d8_leaves_a_request_without_participants_alone(
    mission, ssr_advisor, unit, to_decision, manager
):
    request = make_request(mission, ssr_advisor, [unit])
    to_decision(request)
    workflow.apply(request.pk, "approve", manager, reason="Decided.")


def test_d8_blocker_shows_on_the_request_page_with_its_link(
    trained, to_decision, manager, client_for
):
    to_decision(trained)
    page = client_for(manager).get(reverse("support:detail", args=[trained.pk])).content.decode()
    assert "<strong>D8</strong>" in page
    assert reverse("screening:request", args=[trained.pk]) in page


def test_excluded_participants_are_listed_in_the_decision_frozen(
    trained, to_decision, hro, manager
):
    to_decision(trained)
    screen_all(trained, hro, excluded=("Joseph Ilunga",))
    workflow.apply(trained.pk, "approve", manager, reason="Decided.")
    decision = Decision.objects.get(request=trained)
    [excluded] = decision.excluded_participants
    assert excluded["name"] == "Joseph Ilunga"
    assert excluded["rank"] == "Major"
    assert excluded["reason"] == "Commanded at Kanda."
    # Frozen: a later change to the participant leaves the decision as it was.
    trained.participants.filter(name="Joseph Ilunga").update(outcome_reason="Changed.")
    decision.refresh_from_db()
    assert decision.excluded_participants[0]["reason"] == "Commanded at Kanda."


def test_excluded_participants_in_the_decision_page_and_the_letters_annex(
    trained, to_decision, hro, manager, client_for
):
    assessment = to_decision(trained)
    screen_all(trained, hro, excluded=("Joseph Ilunga",))
    workflow.apply(trained.pk, "approve", manager, reason="Decided.")
    client = client_for(manager)
    page = client.get(reverse("support:detail", args=[trained.pk])).content.decode()
    assert "Excluded participants (rule D8)" in page
    assert "Joseph Ilunga" in page and "Commanded at Kanda." in page
    assert "receive no part of the support" in page
    annex = client.get(reverse("assessments:print", args=[assessment.pk])).content.decode()
    assert "Annex to the policy letter" in annex
    assert "Joseph Ilunga" in annex and "Commanded at Kanda." in annex
    assert "Aline Kabila" not in annex.split("Annex to the policy letter")[1]


def test_confirmed_participants_record_shows_beside_f1_f2(
    trained, to_decision, hro, manager, client_for
):
    assessment = to_decision(trained)
    person = PersonFactory(name="Joseph Ilunga Mwamba")
    ViolationFactory(people=[person], date=timezone.localdate())
    participant = trained.participants.get(name="Joseph Ilunga")
    candidate = Candidate.objects.create(participant=participant, person=person, score=0.9)
    screening.decide(candidate, "confirmed", hro)
    page = client_for(manager).get(reverse("assessments:detail", args=[assessment.pk]))
    text = page.content.decode()
    assert "Participants matched to people of the registry" in text
    assert "Joseph Ilunga Mwamba" in text
    assert "Direct responsibility" in text or "direct responsibility" in text.lower()


def test_a_violation_of_a_confirmed_participant_reaches_the_active_request(
    mission, ssr_advisor, hro, manager, unit
):
    request = active_request(mission, ssr_advisor, hro, manager, units=[unit])
    person = PersonFactory(name="Joseph Ilunga")
    participant = ParticipantFactory(request=request, name="Joseph Ilunga", person=person)
    # Attributed to the person only: no unit's record holds it.
    violation = ViolationFactory(people=[person], date=timezone.localdate())
    [trigger] = monitoring.check_violation(violation.pk)
    assert trigger.kind == TriggerKind.PARTICIPANT
    assert trigger.request == request
    request.refresh_from_db()
    assert request.status == RequestStatus.UNDER_REVIEW
    assert request.interventions.exists()
    # Once per request and violation.
    assert monitoring.check_violation(violation.pk) == []
    assert participant.request_id == request.pk


def test_an_unconfirmed_candidate_triggers_nothing(mission, ssr_advisor, hro, manager, unit):
    request = active_request(mission, ssr_advisor, hro, manager, units=[unit])
    person = PersonFactory(name="Joseph Ilunga")
    participant = ParticipantFactory(request=request, name="Joseph Ilunga")
    Candidate.objects.create(participant=participant, person=person, score=0.9)
    violation = ViolationFactory(people=[person], date=timezone.localdate())
    assert monitoring.check_violation(violation.pk) == []


def test_attributing_a_violation_to_a_confirmed_participant_reaches_the_request_by_the_outbox(
    mission, ssr_advisor, hro, manager, unit
):
    from assessments import outbox
    from assessments.models import Trigger

    request = active_request(mission, ssr_advisor, hro, manager, units=[unit])
    person = PersonFactory(name="Joseph Ilunga")
    ParticipantFactory(request=request, name="Joseph Ilunga", person=person)
    # Saving the attribution owes a check (assessments/signals.py); the sweep runs it.
    ViolationFactory(people=[person], date=timezone.localdate())
    outbox.run_pending()
    trigger = Trigger.objects.get(request=request)
    assert trigger.kind == TriggerKind.PARTICIPANT
