"""The pickers' searches (issue 11): who may ask what (as the pages that use them), what they find
(name, alias, id, external reference), and that they answer a page of 20 at most, saying whether
there is more."""

import pytest
from django.urls import reverse

from hrddp.accounts.models import Role
from hrddp.registry.models import Unit
from tests.factories import (
    AssignmentFactory,
    InstitutionFactory,
    PersonFactory,
    UnitFactory,
    UserFactory,
    ViolationFactory,
    make_request,
)

pytestmark = pytest.mark.django_db


def search(client, name, q="", **params):
    return client.get(reverse(f"pickers:{name}"), {"q": q, **params})


def texts(response):
    assert response.status_code == 200
    return [row["text"] for row in response.json()["results"]]


# Who may search what


def test_anonymous_visitors_are_sent_to_sign_in(client):
    for name in ("units", "institutions", "people", "violations"):
        response = search(client, name)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_any_signed_in_staff_member_finds_units_for_a_report_of_abuse(client_for, no_role_user):
    UnitFactory(name="3rd Battalion")
    client = client_for(no_role_user)
    assert texts(search(client, "units", "3rd"))[0].startswith("3rd Battalion")
    assert search(client, "institutions").status_code == 403
    assert search(client, "people").status_code == 403


def test_ssr_advisors_find_units_and_institutions_but_not_people_or_violations(
    client_for, ssr_advisor
):
    client = client_for(ssr_advisor)
    assert search(client, "units").status_code == 200
    assert search(client, "institutions").status_code == 200
    assert search(client, "people").status_code == 403
    assert search(client, "violations").status_code == 403


@pytest.mark.parametrize("persona", ["hro", "manager", "auditor", "administrator"])
def test_registry_readers_find_people_and_violations(client_for, persona, request):
    bosco = PersonFactory(name="Jean Bosco")
    violation = ViolationFactory(location="Kanda")
    client = client_for(request.getfixturevalue(persona))
    assert texts(search(client, "people", "bosco")) == [f"Colonel Jean Bosco (#{bosco.pk})"]
    assert texts(search(client, "violations", str(violation.pk))) == [
        f"{violation} (#{violation.pk})"
    ]


# A request's named-individual candidates


@pytest.fixture
def candidates(mission, ssr_advisor):
    unit = UnitFactory(name="3rd Battalion")
    commander = AssignmentFactory(unit=unit, person=PersonFactory(name="Jean Bosco")).person
    PersonFactory(name="Jean Bosco Outsider")  # in command of nothing named
    draft = make_request(mission, ssr_advisor, [unit])
    return draft, commander


def test_the_ssr_advisor_finds_only_the_candidates_of_their_own_request(
    client_for, ssr_advisor, candidates
):
    draft, commander = candidates
    url = reverse("pickers:named_individuals", args=[draft.pk])
    response = client_for(ssr_advisor).get(url, {"q": "bosco"})
    assert response.json() == {
        "results": [{"id": commander.pk, "text": f"Colonel Jean Bosco (#{commander.pk})"}],
        "more": False,
    }


def test_a_request_of_another_entity_does_not_exist_for_its_candidates(
    client_for, outsider, candidates
):
    draft, _ = candidates
    url = reverse("pickers:named_individuals", args=[draft.pk])
    assert client_for(outsider).get(url).status_code == 404


@pytest.mark.parametrize("persona", ["hro", "manager", "no_role_user"])
def test_only_ssr_advisors_search_a_request_s_candidates(client_for, persona, request, candidates):
    draft, _ = candidates
    url = reverse("pickers:named_individuals", args=[draft.pk])
    assert client_for(request.getfixturevalue(persona)).get(url).status_code == 403


def test_an_hro_of_the_entity_who_is_no_ssr_advisor_there_is_refused(
    client_for, mission, agency, candidates
):
    # An SSR advisor elsewhere, HRO here: advisors draft only their own entity's requests.
    user = UserFactory(roles=[(agency, Role.REQUESTER), (mission, Role.HRO)])
    draft, _ = candidates
    url = reverse("pickers:named_individuals", args=[draft.pk])
    assert client_for(user).get(url).status_code == 403


# What a search finds


def test_units_are_found_by_the_beginning_of_a_word_of_a_name_or_alias(client_for, hro):
    tigers = UnitFactory(name="2nd Brigade", aliases=["Les Tigres"])
    UnitFactory(name="3rd Battalion")
    client = client_for(hro)
    for term in ("BRIG", "tigr"):
        assert [row["id"] for row in search(client, "units", term).json()["results"]] == [tigers.pk]


def test_people_are_found_by_rank_and_name_words_in_any_order(client_for, hro):
    bosco = PersonFactory(name="Jean-Pierre Bosco", rank="Colonel", aliases=["Le Vieux"])
    PersonFactory(name="Jean Kabila", rank="Major")
    client = client_for(hro)
    for term in ("col bos", "bosco jean", "pierre", "vieux", "COLONEL"):
        assert [row["id"] for row in search(client, "people", term).json()["results"]] == [
            bosco.pk
        ], term


def test_any_text_can_be_searched_for(client_for, hro):
    person = PersonFactory(name="Seán O'Brien")
    client = client_for(hro)
    assert texts(search(client, "people", "o'bri")) == [f"Colonel Seán O'Brien (#{person.pk})"]
    assert texts(search(client, "people", "SEÁN")) == [f"Colonel Seán O'Brien (#{person.pk})"]
    for odd in ("a\\b", "x:y", "&|!()", "' OR 1=1 --", "—", "*"):
        assert search(client, "people", odd).status_code == 200, odd


def test_a_search_finds_an_id_or_an_external_reference(client_for, hro):
    unit = UnitFactory(name="2nd Brigade", external_ref="EXT-7")
    client = client_for(hro)
    for term in (str(unit.pk), f"#{unit.pk}", "EXT-7"):
        assert unit.pk in [row["id"] for row in search(client, "units", term).json()["results"]]


def test_an_alias_search_does_not_span_two_aliases(client_for, hro):
    UnitFactory(name="2nd Brigade", aliases=["North", "West"])
    assert texts(search(client_for(hro), "units", "northwest")) == []


def test_a_search_answers_twenty_at_a_time_and_says_when_there_is_more(client_for, hro):
    army = InstitutionFactory(name="Army")
    Unit.objects.bulk_create(Unit(name=f"Battalion {n:02}", institution=army) for n in range(25))
    client = client_for(hro)
    first = search(client, "units", "battalion").json()
    assert len(first["results"]) == 20 and first["more"] is True
    assert first["results"][0]["text"] == f"Battalion 00 — Army (#{first['results'][0]['id']})"
    second = search(client, "units", "battalion", page=2).json()
    assert [row["text"][:12] for row in second["results"]] == [
        f"Battalion {n:02}" for n in range(20, 25)
    ]
    assert second["more"] is False


def test_a_search_reads_one_page_whatever_the_registry(client_for, hro, django_assert_num_queries):
    army = InstitutionFactory(name="Army")
    client = client_for(hro)
    search(client, "units", "battalion")  # the session and roles are read once, then cached

    def queries_for_a_search():
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as captured:
            assert search(client, "units", "battalion").status_code == 200
        return len(captured)

    Unit.objects.bulk_create(Unit(name=f"Battalion {n}", institution=army) for n in range(5))
    few = queries_for_a_search()
    Unit.objects.bulk_create(Unit(name=f"Battalion {n}", institution=army) for n in range(300))
    assert queries_for_a_search() == few
