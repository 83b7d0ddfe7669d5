"""The screening pages (issue 15): who sees what, the HRO's actions, constant queries."""

import pytest
from django.urls import reverse
from django.utils import timezone

from hrddp.screening.models import Candidate, Decision, Outcome
from tests.factories import ParticipantFactory, PersonFactory, UserFactory, ViolationFactory

pytestmark = pytest.mark.django_db


def page_url(request):
    return reverse("screening:request", args=[request.pk])


def test_the_request_page_lists_participants_with_outcome_and_pending(
    client_for, assessed, hro, registry_people
):
    searched = ParticipantFactory(request=assessed, name="Aline Kabila", matched_at=timezone.now())
    Candidate.objects.create(participant=searched, person=registry_people["mbuyi"], score=0.9)
    ParticipantFactory(
        request=assessed, name="Joseph Ilunga", outcome=Outcome.EXCLUDED, outcome_reason="Why."
    )
    text = client_for(hro).get(page_url(assessed)).content.decode()
    assert "Aline Kabila" in text and "Joseph Ilunga" in text
    assert 'data-status="excluded">Excluded</span>: Why.' in text
    assert "Screen all" in text and "Clear the rest" in text
    filtered = client_for(hro).get(page_url(assessed), {"filter": "excluded"}).content.decode()
    assert "Joseph Ilunga" in filtered and "Aline Kabila" not in filtered


def test_readers_of_the_request_see_outcomes_but_no_buttons_or_candidates(
    client_for, assessed, manager, registry_people
):
    participant = ParticipantFactory(request=assessed, name="Aline Kabila")
    response = client_for(manager).get(page_url(assessed))
    assert response.status_code == 200
    assert "Screen all" not in response.content.decode()
    detail = reverse("screening:participant", args=[participant.pk])
    assert client_for(manager).get(detail).status_code == 403


def test_outsiders_get_404(client_for, assessed, agency):
    outsider_hro = UserFactory(username="undp-hro", roles=[(agency, "hro")])
    participant = ParticipantFactory(request=assessed)
    assert client_for(outsider_hro).get(page_url(assessed)).status_code == 404
    detail = reverse("screening:participant", args=[participant.pk])
    assert client_for(outsider_hro).get(detail).status_code == 404


@pytest.mark.parametrize("count", [3, 30])
def test_the_request_page_runs_a_constant_number_of_queries(
    count, client_for, assessed, hro, registry_people, django_assert_max_num_queries
):
    for n in range(count):
        participant = ParticipantFactory(
            request=assessed, name=f"Trainee {n}", person=registry_people["ngoy"]
        )
        Candidate.objects.create(participant=participant, person=registry_people["mbuyi"], score=1)
    client = client_for(hro)
    with django_assert_max_num_queries(12):
        response = client.get(page_url(assessed))
    assert response.status_code == 200


@pytest.mark.parametrize("count", [1, 5])
def test_the_participant_page_runs_a_constant_number_of_queries(
    count, client_for, assessed, hro, django_assert_max_num_queries
):
    participant = ParticipantFactory(request=assessed, name="Aline Kabila")
    for n in range(count):
        person = PersonFactory(name=f"Aline Kabila {n}")
        ViolationFactory(people=[person], date=timezone.localdate())
        Candidate.objects.create(participant=participant, person=person, score=0.5)
    client = client_for(hro)
    with django_assert_max_num_queries(10):
        response = client.get(reverse("screening:participant", args=[participant.pk]))
    text = response.content.decode()
    assert text.count("1 countable grave violation attributed") == count
    assert "Torture" in text or "torture" in text


def test_the_hro_confirms_then_is_refused_a_second_confirmation(
    client_for, assessed, hro, registry_people
):
    participant = ParticipantFactory(request=assessed, name="Aline Kabila")
    first = Candidate.objects.create(
        participant=participant, person=registry_people["mbuyi"], score=0.9
    )
    second = Candidate.objects.create(
        participant=participant, person=registry_people["ngoy"], score=0.8
    )
    client = client_for(hro)
    decide = lambda c, d: client.post(  # noqa: E731
        reverse("screening:candidate_decide", args=[c.pk]), {"decision": d}, follow=True
    )
    decide(first, Decision.CONFIRMED)
    participant.refresh_from_db()
    assert participant.person == registry_people["mbuyi"]
    text = decide(second, Decision.CONFIRMED).content.decode()
    assert "already confirmed" in text
    second.refresh_from_db()
    assert second.decision == Decision.PENDING


def test_clearing_with_a_pending_candidate_is_refused_on_the_page(
    client_for, assessed, hro, registry_people
):
    participant = ParticipantFactory(request=assessed, name="Aline Kabila")
    Candidate.objects.create(participant=participant, person=registry_people["mbuyi"], score=0.9)
    response = client_for(hro).post(
        reverse("screening:participant_outcome", args=[participant.pk]), {"outcome": "cleared"}
    )
    assert response.status_code == 409
    assert "still to decide" in response.content.decode()


def test_screen_all_and_clear_the_rest_from_the_page(client_for, assessed, hro, registry_people):
    matched = ParticipantFactory(request=assessed, name="MBUYI Jean Baptiste")
    quiet = ParticipantFactory(request=assessed, name="Zzyzx Qwerty")
    client = client_for(hro)
    client.post(reverse("screening:screen", args=[assessed.pk]))
    matched.refresh_from_db()
    assert matched.matched_at and matched.candidates.exists()
    client.post(reverse("screening:clear", args=[assessed.pk]))
    quiet.refresh_from_db()
    matched.refresh_from_db()
    assert quiet.outcome == Outcome.CLEARED or quiet.candidates.exists()
    assert matched.outcome == ""
