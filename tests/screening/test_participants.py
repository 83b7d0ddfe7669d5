"""The participant list's rules (domain.md 4.6, issue 15): services and queries.

A request lists its participants; the SSR advisors keep the list until the request goes for
decision; editing what the matcher reads drops the screening, so the participant is screened
again; every change leaves a history row; counts are one query."""

import datetime

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.utils import timezone

from assessments import workflow
from hrddp.screening import services
from hrddp.screening.access import PARTICIPANT_EDITABLE_STATUSES
from hrddp.screening.models import Candidate, Outcome, Participant
from hrddp.screening.queries import UNSCREENED_FILTER, participant_counts, participants_of
from hrddp.support.models import RequestStatus
from tests.factories import ParticipantFactory, PersonFactory, UnitFactory

pytestmark = pytest.mark.django_db


def screened(participant, hro, outcome=Outcome.CLEARED):
    """A participant as the screening leaves it: a candidate confirmed, an outcome recorded."""
    person = PersonFactory()
    Candidate.objects.create(participant=participant, person=person, score=0.9, reasons=[])
    Participant.objects.filter(pk=participant.pk).update(
        person=person,
        matched_at=timezone.now(),
        outcome=outcome,
        outcome_reason="Checked.",
        screened_by=hro,
        screened_at=timezone.now(),
    )
    participant.refresh_from_db()
    return participant


def history(participant_pk):
    events = apps.get_model("screening", "ParticipantEvent").objects
    return list(events.filter(pgh_obj_id=participant_pk).values_list("pgh_label", flat=True))


def test_ssr_advisor_adds_a_participant_with_history(draft, ssr_advisor, unit):
    participant = services.add_participant(
        draft,
        ssr_advisor,
        name="Jean-Baptiste Mbuyi",
        rank="Captain",
        service_number="FARDC-123",
        birth_date=datetime.date(1985, 3, 1),
        birth_place="Kananga",
        unit=unit,
        role="trainee",
    )
    assert participant.request == draft
    assert participant.created_by == ssr_advisor
    assert participant.outcome == ""
    assert history(participant.pk) == ["insert"]


def test_a_participant_needs_a_name_on_one_line(draft, ssr_advisor):
    with pytest.raises(ValidationError) as error:
        services.add_participant(draft, ssr_advisor, name="")
    assert "name" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        services.add_participant(draft, ssr_advisor, name="Two\nlines")
    assert "name" in error.value.message_dict
    assert not Participant.objects.exists()


@pytest.mark.parametrize("field", ["name", "birth_date", "service_number", "unit"])
def test_editing_a_matched_field_clears_the_outcome_and_candidates(field, draft, ssr_advisor, hro):
    participant = screened(ParticipantFactory(request=draft, name="Ngoy"), hro)
    new = {
        "name": "N'Goy Kasongo",
        "birth_date": datetime.date(1990, 1, 1),
        "service_number": "X-9",
        "unit": UnitFactory(),
    }[field]
    participant = services.update_participant(participant, ssr_advisor, **{field: new})
    participant.refresh_from_db()
    assert participant.outcome == ""
    assert participant.person is None
    assert participant.screened_at is None and participant.matched_at is None
    assert not Candidate.objects.filter(participant=participant).exists()
    assert Participant.objects.unscreened().filter(pk=participant.pk).exists()
    assert history(participant.pk)[-1] == "update"


@pytest.mark.parametrize("field", ["rank", "birth_place", "role"])
def test_editing_other_fields_keeps_the_screening(field, draft, ssr_advisor, hro):
    participant = screened(ParticipantFactory(request=draft), hro)
    new = {"rank": "Major", "birth_place": "Goma", "role": "trainer"}[field]
    services.update_participant(participant, ssr_advisor, **{field: new})
    participant.refresh_from_db()
    assert getattr(participant, field) == new
    assert participant.outcome == Outcome.CLEARED
    assert participant.person is not None
    assert Candidate.objects.filter(participant=participant).count() == 1


def test_saving_the_same_values_keeps_the_screening(draft, ssr_advisor, hro):
    participant = screened(ParticipantFactory(request=draft, name="Ngoy"), hro)
    services.update_participant(participant, ssr_advisor, name="Ngoy")
    participant.refresh_from_db()
    assert participant.outcome == Outcome.CLEARED


def test_ssr_advisor_deletes_a_participant_with_history(draft, ssr_advisor):
    participant = ParticipantFactory(request=draft)
    services.delete_participant(participant, ssr_advisor)
    assert not Participant.objects.filter(pk=participant.pk).exists()
    assert history(participant.pk) == ["insert", "delete"]


def test_the_list_is_editable_until_the_request_goes_for_decision():
    assert set(PARTICIPANT_EDITABLE_STATUSES) == {
        RequestStatus.DRAFT,
        RequestStatus.RETURNED,
        RequestStatus.SUBMITTED,
        RequestStatus.UNDER_ASSESSMENT,
    }


def test_no_change_once_the_request_went_for_decision(draft, ssr_advisor, hro, to_decision):
    participant = ParticipantFactory(request=draft)
    to_decision(draft)
    draft.refresh_from_db()
    assert draft.status == RequestStatus.AWAITING_DECISION
    for change in (
        lambda: services.add_participant(draft, ssr_advisor, name="Late Comer"),
        lambda: services.update_participant(participant, ssr_advisor, name="Other"),
        lambda: services.delete_participant(participant, ssr_advisor),
    ):
        with pytest.raises(services.ParticipantsFrozen) as refused:
            change()
        assert refused.value.rule == "participants_editable"
        assert "Awaiting decision" in str(refused.value)
        assert "until the request goes for decision" in str(refused.value)
    participant.refresh_from_db()
    assert participant.name != "Other"
    assert Participant.objects.filter(request=draft).count() == 1


def test_the_list_stays_open_while_the_request_is_assessed(draft, ssr_advisor, hro):
    workflow.apply(draft.pk, "submit", ssr_advisor)
    workflow.apply(draft.pk, "start_assessment", hro)
    draft.refresh_from_db()
    assert services.add_participant(draft, ssr_advisor, name="Amani Bahati").pk


def test_counts_in_one_query(draft, hro, django_assert_num_queries):
    ParticipantFactory.create_batch(3, request=draft)
    screened(ParticipantFactory(request=draft), hro, Outcome.CLEARED)
    screened(ParticipantFactory(request=draft), hro, Outcome.EXCLUDED)
    screened(ParticipantFactory(request=draft), hro, Outcome.NEEDS_INFORMATION)
    ParticipantFactory()  # another request's
    with django_assert_num_queries(1):
        counts = participant_counts(draft)
    assert counts == {
        "total": 6,
        "unscreened": 4,  # none yet, or more information needed (D8)
        "excluded": 1,
        "cleared": 1,
        "needs_information": 1,
        # The screening page's states: three never searched; the three screened each have a
        # matched person and (as ``screened`` leaves it) a candidate still to decide.
        "not_searched": 3,
        "pending": 3,
        "matched": 3,
    }


def test_list_filters_by_name_and_outcome(draft, hro):
    ParticipantFactory(request=draft, name="Mohammed Abdel-Rahman")
    cleared = screened(ParticipantFactory(request=draft, name="Amani Bahati"), hro)
    ParticipantFactory(name="Mohammed Other")  # another request's
    assert [p.name for p in participants_of(draft, name="abdel")] == ["Mohammed Abdel-Rahman"]
    assert list(participants_of(draft, outcome=Outcome.CLEARED)) == [cleared]
    assert [p.name for p in participants_of(draft, outcome=UNSCREENED_FILTER)] == [
        "Mohammed Abdel-Rahman"
    ]
    assert participants_of(draft).count() == 2


@pytest.mark.parametrize(
    "birth_date", [datetime.date(1899, 12, 31), timezone.localdate() + datetime.timedelta(1)]
)
def test_a_date_of_birth_before_1900_or_in_the_future_is_refused(draft, ssr_advisor, birth_date):
    with pytest.raises(ValidationError) as error:
        services.add_participant(draft, ssr_advisor, name="Amani", birth_date=birth_date)
    assert "birth_date" in error.value.message_dict
