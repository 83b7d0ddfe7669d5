"""The participant pages (issue 15): the list with its add form, edit and delete, the request
page's section. Whoever sees the request reads the list (404 otherwise); its SSR advisors change
it (403 for the others) until the request goes for decision; the list runs a constant number of
queries."""

import datetime

import pytest
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from hrddp.screening.models import Candidate, Outcome, Participant
from tests.conftest import force_sign_in
from tests.factories import ParticipantFactory, PersonFactory, UnitFactory

pytestmark = pytest.mark.django_db


def list_url(support_request):
    return reverse("screening:participants", kwargs={"request_pk": support_request.pk})


def edit_url(participant):
    return reverse("screening:participant_edit", args=[participant.pk])


def delete_url(participant):
    return reverse("screening:participant_delete", args=[participant.pk])


def signed_in(user):
    return force_sign_in(Client(), user)


def messages_of(response):
    return [str(message) for message in get_messages(response.wsgi_request)]


def test_anonymous_goes_to_the_login_page(draft):
    response = Client().get(list_url(draft))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_another_entity_gets_404_everywhere(draft, outsider):
    participant = ParticipantFactory(request=draft)
    client = signed_in(outsider)
    assert client.get(list_url(draft)).status_code == 404
    assert client.post(list_url(draft), {"name": "X"}).status_code == 404
    assert client.get(edit_url(participant)).status_code == 404
    assert client.post(delete_url(participant)).status_code == 404
    assert Participant.objects.count() == 1


def test_hro_reads_the_list_but_may_not_change_it(draft, hro):
    participant = ParticipantFactory(request=draft, name="Amani Bahati")
    client = signed_in(hro)
    response = client.get(list_url(draft))
    assert response.status_code == 200
    assert "Amani Bahati" in response.content.decode()
    assert "Add a participant" not in response.content.decode()
    assert client.post(list_url(draft), {"name": "X"}).status_code == 403
    assert client.get(edit_url(participant)).status_code == 403
    assert client.post(delete_url(participant)).status_code == 403
    assert list(Participant.objects.values_list("name", flat=True)) == ["Amani Bahati"]


def test_ssr_advisor_adds_a_participant_with_the_unit_picker(draft, ssr_advisor, unit):
    client = signed_in(ssr_advisor)
    page = client.get(list_url(draft)).content.decode()
    # The project's unit picker: a text input that searches, never a list of every unit.
    assert 'data-picker-url="/pickers/units/"' in page or "data-picker-url" in page
    assert "<option" not in page.split('name="unit"')[1].split("</div>")[0]
    response = client.post(
        list_url(draft),
        {
            "name": "Jean-Baptiste Mbuyi",
            "rank": "Captain",
            "service_number": "FARDC-1",
            "birth_date": "1985-03-01",
            "birth_place": "Kananga",
            "unit": str(unit.pk),
            "role": "trainee",
        },
    )
    assert response.status_code == 302
    participant = Participant.objects.get()
    assert (participant.name, participant.unit, participant.birth_date) == (
        "Jean-Baptiste Mbuyi",
        unit,
        datetime.date(1985, 3, 1),
    )
    assert participant.created_by == ssr_advisor
    # The unit typed by its reference, as a person without JavaScript would.
    client.post(list_url(draft), {"name": "Amani Bahati", "unit": "U-3", "role": "trainee"})
    assert Participant.objects.get(name="Amani Bahati").unit == unit


def test_a_participant_without_a_name_is_refused_on_the_field(draft, ssr_advisor):
    response = signed_in(ssr_advisor).post(list_url(draft), {"name": "", "role": "trainee"})
    assert response.status_code == 400
    assert "name" in response.context["form"].errors
    assert not Participant.objects.exists()


def test_ssr_advisor_edits_and_the_screening_is_cleared(draft, ssr_advisor, hro):
    participant = ParticipantFactory(request=draft, name="Ngoy", outcome=Outcome.CLEARED)
    Candidate.objects.create(participant=participant, person=PersonFactory(), score=0.9)
    client = signed_in(ssr_advisor)
    assert client.get(edit_url(participant)).status_code == 200
    response = client.post(
        edit_url(participant), {"name": "N'Goy Kasongo", "rank": "Major", "role": "trainer"}
    )
    assert response.status_code == 302
    participant.refresh_from_db()
    assert (participant.name, participant.rank, participant.role) == (
        "N'Goy Kasongo",
        "Major",
        "trainer",
    )
    assert participant.outcome == ""
    assert not participant.candidates.exists()


def test_ssr_advisor_deletes_after_confirming(draft, ssr_advisor):
    participant = ParticipantFactory(request=draft, name="Amani Bahati")
    client = signed_in(ssr_advisor)
    page = client.get(delete_url(participant))
    assert page.status_code == 200
    assert "Remove Amani Bahati" in page.content.decode()
    assert Participant.objects.filter(pk=participant.pk).exists()  # a GET deletes nothing
    assert client.post(delete_url(participant)).status_code == 302
    assert not Participant.objects.filter(pk=participant.pk).exists()


def test_no_change_once_the_request_went_for_decision(draft, ssr_advisor, to_decision):
    participant = ParticipantFactory(request=draft, name="Amani Bahati")
    to_decision(draft)
    client = signed_in(ssr_advisor)
    page = client.get(list_url(draft)).content.decode()
    assert "Add a participant" not in page
    assert edit_url(participant) not in page
    for response in (
        client.post(list_url(draft), {"name": "Late Comer", "role": "trainee"}),
        client.get(edit_url(participant)),
        client.post(edit_url(participant), {"name": "Other", "role": "trainee"}),
        client.post(delete_url(participant)),
    ):
        assert response.status_code == 302
        assert response["Location"] == list_url(draft)
        message = messages_of(response)[-1]
        assert "until the request goes for decision" in message
        assert "Awaiting decision" in message
    assert list(Participant.objects.values_list("name", flat=True)) == ["Amani Bahati"]


def test_the_list_filters_by_name_and_outcome(draft, manager):
    ParticipantFactory(request=draft, name="Mohammed Abdel-Rahman")
    ParticipantFactory(request=draft, name="Amani Bahati", outcome=Outcome.EXCLUDED)
    client = signed_in(manager)
    page = client.get(list_url(draft), {"name": "abdel"}).content.decode()
    assert "Mohammed Abdel-Rahman" in page and "Amani Bahati" not in page
    page = client.get(list_url(draft), {"outcome": "excluded"}).content.decode()
    assert "Amani Bahati" in page and "Mohammed Abdel-Rahman" not in page
    page = client.get(list_url(draft), {"outcome": "unscreened"}).content.decode()
    assert "Mohammed Abdel-Rahman" in page and "Amani Bahati" not in page


def test_the_list_is_paginated(draft, ssr_advisor):
    ParticipantFactory.create_batch(30, request=draft)
    client = signed_in(ssr_advisor)
    first = client.get(list_url(draft))
    assert len(first.context["page_obj"]) == 25
    assert len(client.get(list_url(draft), {"page": 2}).context["page_obj"]) == 5


def count_queries(client, url):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


@pytest.mark.parametrize("persona", ["ssr_advisor", "hro"])
def test_the_list_runs_the_same_queries_for_any_size(
    persona, request, draft, django_assert_max_num_queries
):
    client = signed_in(request.getfixturevalue(persona))
    units = UnitFactory.create_batch(3)
    ParticipantFactory.create_batch(3, request=draft, unit=units[0])
    small = count_queries(client, list_url(draft))
    for n in range(40):
        ParticipantFactory(
            request=draft,
            unit=units[n % 3],
            outcome=Outcome.CLEARED,
            screened_at=timezone.now(),
        )
    with django_assert_max_num_queries(small):
        client.get(list_url(draft))
    assert small <= 12


def test_the_request_page_shows_the_participants_section(draft, ssr_advisor, hro, manager):
    ParticipantFactory.create_batch(2, request=draft)
    ParticipantFactory(request=draft, outcome=Outcome.EXCLUDED)
    detail = reverse("support:detail", args=[draft.pk])
    screening_url = reverse("screening:request", kwargs={"request_pk": draft.pk})
    screening = f'href="{screening_url}"'
    page = signed_in(ssr_advisor).get(detail).content.decode()
    assert 'id="participants-heading"' in page
    assert list_url(draft) in page
    assert screening not in page  # SSR advisors do not screen
    page = signed_in(hro).get(detail).content.decode()
    assert screening in page
    participants = page.split('id="participants-heading"')[1].split("</section>")[0]
    assert '<dd class="col-sm-8">3</dd>' in participants  # total
    assert '<dd class="col-sm-8">1</dd>' in participants  # excluded
    page = signed_in(manager).get(detail).content.decode()
    assert list_url(draft) in page and screening not in page
