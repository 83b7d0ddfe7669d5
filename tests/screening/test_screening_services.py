"""Screening's rules (domain.md 4.5 D8, 4.6): candidates, the HRO's decisions, outcomes, the
background run and its sweep, expiry with the assessment."""

import datetime

import pytest
from django.apps import apps
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from hrddp.screening import services_screening as screening
from hrddp.screening.models import Candidate, Decision, Outcome, RunStatus, ScreeningRun
from tests.factories import ParticipantFactory

pytestmark = pytest.mark.django_db


def last_event(participant):
    events = apps.get_model("screening.ParticipantEvent").objects.select_related("pgh_context")
    return events.filter(pgh_obj_id=participant.pk).order_by("-pgh_id").first()


def participant_of(request, name, **fields):
    return ParticipantFactory(request=request, name=name, **fields)


def test_screening_finds_a_person_under_another_spelling(assessed, registry_people):
    participant = participant_of(assessed, "MBUYI Jean Baptiste")
    screening.screen([participant])
    participant.refresh_from_db()
    assert participant.matched_at is not None
    people = list(participant.candidates.values_list("person_id", flat=True))
    assert registry_people["mbuyi"].pk in people
    candidate = participant.candidates.get(person=registry_people["mbuyi"])
    assert candidate.decision == Decision.PENDING
    assert candidate.score > 0


def test_screening_again_replaces_pending_candidates_and_keeps_decided_ones(
    assessed, registry_people, hro
):
    participant = participant_of(assessed, "MBUYI Jean Baptiste")
    screening.screen([participant])
    candidate = participant.candidates.get(person=registry_people["mbuyi"])
    screening.decide(candidate, Decision.REJECTED, hro)
    screening.screen([participant])
    kept = participant.candidates.get(person=registry_people["mbuyi"])
    assert kept.pk == candidate.pk
    assert kept.decision == Decision.REJECTED


def test_screening_one_batch_calls_the_matcher_once(assessed, registry_people, monkeypatch):
    calls = []
    real = screening.matching.screen_many

    def counting(queries, **kwargs):
        calls.append(len(queries))
        return real(queries, **kwargs)

    monkeypatch.setattr(screening.matching, "screen_many", counting)
    participants = [participant_of(assessed, f"Trainee {n}") for n in range(7)]
    screening.screen(participants)
    assert calls == [7]


def test_confirming_links_the_participant_to_the_person(assessed, registry_people, hro):
    participant = participant_of(assessed, "MBUYI Jean Baptiste")
    screening.screen([participant])
    candidate = participant.candidates.get(person=registry_people["mbuyi"])
    screening.decide(candidate, Decision.CONFIRMED, hro)
    participant.refresh_from_db()
    assert participant.person == registry_people["mbuyi"]
    # Un-confirming unlinks.
    screening.decide(candidate, Decision.PENDING, hro)
    participant.refresh_from_db()
    assert participant.person is None


def test_one_confirmed_candidate_per_participant(assessed, registry_people, hro):
    participant = participant_of(assessed, "Somebody")
    first = Candidate.objects.create(
        participant=participant, person=registry_people["mbuyi"], score=0.9
    )
    second = Candidate.objects.create(
        participant=participant, person=registry_people["ngoy"], score=0.8
    )
    screening.decide(first, Decision.CONFIRMED, hro)
    with pytest.raises(screening.ScreeningRefused) as refused:
        screening.decide(second, Decision.CONFIRMED, hro)
    assert refused.value.rule == "one_confirmed"
    assert "Jean-Baptiste Mbuyi" in refused.value.message
    second.refresh_from_db()
    assert second.decision == Decision.PENDING
    # Rejecting the first frees the participant for the second.
    screening.decide(first, Decision.REJECTED, hro)
    screening.decide(second, Decision.CONFIRMED, hro)
    participant.refresh_from_db()
    assert participant.person == registry_people["ngoy"]


def test_only_the_entitys_hro_decides(assessed, registry_people, manager, ssr_advisor):
    participant = participant_of(assessed, "Somebody")
    candidate = Candidate.objects.create(
        participant=participant, person=registry_people["mbuyi"], score=0.9
    )
    for user in (manager, ssr_advisor):
        with pytest.raises(PermissionDenied):
            screening.decide(candidate, Decision.CONFIRMED, user)


def test_excluded_needs_a_reason(assessed, hro):
    participant = participant_of(assessed, "Somebody")
    with pytest.raises(screening.ScreeningRefused) as refused:
        screening.record_outcome(participant, Outcome.EXCLUDED, "  ", hro)
    assert refused.value.rule == "reason"
    screening.record_outcome(participant, Outcome.EXCLUDED, "Commanded at Kanda.", hro)
    participant.refresh_from_db()
    assert participant.outcome == Outcome.EXCLUDED
    assert participant.outcome_reason == "Commanded at Kanda."
    assert participant.screened_by == hro


def test_clearing_is_refused_while_a_candidate_is_pending(assessed, registry_people, hro):
    participant = participant_of(assessed, "Somebody")
    candidate = Candidate.objects.create(
        participant=participant, person=registry_people["mbuyi"], score=0.9
    )
    with pytest.raises(screening.ScreeningRefused) as refused:
        screening.record_outcome(participant, Outcome.CLEARED, "", hro)
    assert refused.value.rule == "pending"
    assert "1 candidate" in refused.value.message
    screening.decide(candidate, Decision.REJECTED, hro)
    screening.record_outcome(participant, Outcome.CLEARED, "", hro)
    participant.refresh_from_db()
    assert participant.outcome == Outcome.CLEARED


def test_clear_the_rest_clears_only_searched_participants_with_nothing_to_decide(
    assessed, registry_people, hro
):
    now = timezone.now()
    quiet = participant_of(assessed, "Quiet One", matched_at=now)
    unsearched = participant_of(assessed, "Not Searched")
    pending = participant_of(assessed, "Pending One", matched_at=now)
    Candidate.objects.create(participant=pending, person=registry_people["mbuyi"], score=0.9)
    matched = participant_of(
        assessed, "Matched One", matched_at=now, person=registry_people["ngoy"]
    )
    excluded = participant_of(
        assessed, "Excluded One", matched_at=now, outcome=Outcome.EXCLUDED, outcome_reason="x"
    )
    assert screening.clear_remaining(assessed, hro) == 1
    outcomes = {p.pk: p.outcome for p in type(quiet).objects.filter(request=assessed)}
    assert outcomes == {
        quiet.pk: Outcome.CLEARED,
        unsearched.pk: "",
        pending.pk: "",
        matched.pk: "",
        excluded.pk: Outcome.EXCLUDED,
    }
    # The history says who cleared it and why.
    event = last_event(quiet)
    assert event.outcome == Outcome.CLEARED
    assert event.screened_by_id == hro.pk
    assert event.pgh_context.metadata["reason"] == screening.CLEARED_IN_BULK


def test_a_new_candidate_unclears_a_cleared_participant(assessed, registry_people, hro):
    participant = participant_of(assessed, "MBUYI Jean Baptiste", matched_at=timezone.now())
    screening.record_outcome(participant, Outcome.CLEARED, "", hro)
    screening.screen([participant])
    participant.refresh_from_db()
    assert participant.candidates.filter(decision=Decision.PENDING).exists()
    assert participant.outcome == ""


def test_small_list_is_screened_at_once(assessed, registry_people, hro):
    participant = participant_of(assessed, "MBUYI Jean Baptiste")
    assert screening.start_run(assessed, hro) is None
    participant.refresh_from_db()
    assert participant.matched_at is not None
    assert not ScreeningRun.objects.exists()


def test_screening_is_refused_outside_assessment(mission, ssr_advisor, hro, unit):
    from tests.factories import make_request

    draft = make_request(mission, ssr_advisor, [unit])
    participant_of(draft, "Somebody")
    with pytest.raises(screening.ScreeningRefused):
        screening.start_run(draft, hro)


@pytest.fixture
def large_list(assessed, registry_people, monkeypatch):
    monkeypatch.setattr(screening, "SYNC_LIMIT", 3)
    monkeypatch.setattr(screening, "BATCH", 2)
    return [participant_of(assessed, f"Trainee {n}") for n in range(5)]


def test_large_list_runs_in_background_sent_after_commit(
    assessed, large_list, hro, django_capture_on_commit_callbacks, monkeypatch
):
    sent = []
    monkeypatch.setattr(screening, "enqueue", sent.append)
    with django_capture_on_commit_callbacks(execute=True):
        run = screening.start_run(assessed, hro)
    assert run.status == RunStatus.RUNNING
    assert run.total_rows == 5
    assert sent == [run.pk]
    # Asking again while it runs returns the same run.
    assert screening.start_run(assessed, hro).pk == run.pk


def test_task_screens_in_batches_with_progress(assessed, large_list, hro, monkeypatch):
    monkeypatch.setattr(screening, "enqueue", lambda pk: None)
    run = screening.start_run(assessed, hro)
    progress = []
    real = screening.screen

    def watching(batch):
        progress.append(ScreeningRun.objects.get(pk=run.pk).processed_rows)
        return real(batch)

    monkeypatch.setattr(screening, "screen", watching)
    from hrddp.screening.tasks import run_screening

    result = run_screening(run.pk)
    assert result == {"status": RunStatus.DONE, "processed": 5}
    assert progress == [0, 2, 4]
    run.refresh_from_db()
    assert run.finished_at is not None
    assert all(p.matched_at for p in type(large_list[0]).objects.filter(request=assessed))


def test_a_rerun_carries_on_where_the_last_stopped(assessed, large_list, hro, monkeypatch):
    monkeypatch.setattr(screening, "enqueue", lambda pk: None)
    run = screening.start_run(assessed, hro)
    screened = []
    real = screening.screen

    def dies_after_first_batch(batch):
        if screened:
            raise RuntimeError("worker lost")
        screened.extend(batch)
        return real(batch)

    monkeypatch.setattr(screening, "screen", dies_after_first_batch)
    with pytest.raises(RuntimeError):
        screening.run(run.pk)
    run.refresh_from_db()
    assert run.status == RunStatus.RUNNING
    assert run.processed_rows == 2
    again = []
    monkeypatch.setattr(screening, "screen", lambda batch: (again.extend(batch), real(batch)))
    screening.run(run.pk)
    assert {p.pk for p in again}.isdisjoint({p.pk for p in screened})
    run.refresh_from_db()
    assert run.status == RunStatus.DONE
    assert run.attempts == 2


def test_sweep_restarts_a_stale_run_and_fails_one_out_of_attempts(
    assessed, large_list, hro, monkeypatch, settings, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(screening, "enqueue", lambda pk: None)
    run = screening.start_run(assessed, hro)
    sent = []
    monkeypatch.setattr(screening, "enqueue", sent.append)
    # Still beating: left alone.
    with django_capture_on_commit_callbacks(execute=True):
        assert screening.sweep() == []
    later = timezone.now() + datetime.timedelta(minutes=settings.SCREENING_STALE_MINUTES + 1)
    with django_capture_on_commit_callbacks(execute=True):
        assert screening.sweep(now=later) == [run.pk]
    assert sent == [run.pk]
    ScreeningRun.objects.filter(pk=run.pk).update(attempts=screening.MAX_ATTEMPTS)
    much_later = later + datetime.timedelta(minutes=settings.SCREENING_STALE_MINUTES + 1)
    assert screening.sweep(now=much_later) == []
    run.refresh_from_db()
    assert run.status == RunStatus.FAILED


def test_beat_runs_the_screening_sweep(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["screening-sweep"]
    assert entry["task"] == "hrddp.screening.tasks.sweep_screening"


def test_outcomes_expire_with_the_assessment_on_renewal(
    mission, ssr_advisor, hro, manager, unit, registry_people
):
    from assessments import workflow
    from tests.factories import active_request

    request = active_request(mission, ssr_advisor, hro, manager, units=[unit])
    cleared = participant_of(request, "Quiet One", matched_at=timezone.now())
    screening.record_outcome(cleared, Outcome.CLEARED, "", hro)
    matched = participant_of(request, "MBUYI Jean Baptiste")
    screening.screen([matched])
    confirmed = matched.candidates.get(person=registry_people["mbuyi"])
    screening.decide(confirmed, Decision.CONFIRMED, hro)
    pending = participant_of(request, "Pending One", matched_at=timezone.now())
    Candidate.objects.create(participant=pending, person=registry_people["ngoy"], score=0.9)

    workflow.new_version(request.pk, hro)

    cleared.refresh_from_db()
    assert cleared.outcome == ""
    assert cleared.matched_at is None
    assert last_event(cleared).pgh_context.metadata["reason"] == screening.EXPIRED_WITH_ASSESSMENT
    assert not Candidate.objects.filter(participant=pending).exists()
    # Who the participant is stays known: the confirmed match is kept.
    matched.refresh_from_db()
    assert matched.person == registry_people["mbuyi"]
    assert Candidate.objects.filter(pk=confirmed.pk, decision=Decision.CONFIRMED).exists()


def test_the_first_assessment_leaves_outcomes_alone(mission, ssr_advisor, hro, unit):
    from assessments import workflow
    from tests.factories import make_request

    request = make_request(mission, ssr_advisor, [unit])
    participant = participant_of(request, "Early One", outcome=Outcome.CLEARED)
    workflow.apply(request.pk, "submit", ssr_advisor)
    workflow.apply(request.pk, "start_assessment", hro)
    participant.refresh_from_db()
    assert participant.outcome == Outcome.CLEARED
