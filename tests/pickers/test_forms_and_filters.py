"""The pages' forms and filters with pickers (issue 11): ids work as before (links, tests, the API),
typed text works without JavaScript, a refusal keeps what was typed, a request's named individuals
stay among the candidates (domain.md 7), and a form page reads as many rows with a registry of
thousands as with a handful."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from hrddp.registry.models import Attribution, CommandAssignment, Person, Unit
from tests.factories import (
    AssignmentFactory,
    InstitutionFactory,
    PersonFactory,
    UnitFactory,
    ViolationFactory,
    make_request,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def brigade():
    return UnitFactory(
        name="2nd Brigade", aliases=["Tigers"], institution=InstitutionFactory(name="Army")
    )


def listed(response, marker):
    assert response.status_code == 200
    return marker in response.content.decode()


# Filters


def test_a_list_filter_takes_an_id_as_links_do(client_for, hro, brigade):
    child = UnitFactory(name="Kanda Company", parent=brigade, institution=brigade.institution)
    UnitFactory(name="Lonely Company")
    page = client_for(hro).get(reverse("registry:unit_list"), {"parent": brigade.pk})
    assert listed(page, child.name) and not listed(page, "Lonely Company")
    assert f'value="2nd Brigade — Army (#{brigade.pk})"' in page.content.decode()


def test_a_list_filter_takes_a_name_or_alias_as_typed(client_for, hro, brigade):
    violation = ViolationFactory(units=[brigade], location="Kanda market")
    ViolationFactory(location="Elsewhere entirely")
    client = client_for(hro)
    for typed in ("tigers", "2nd Brigade", f"2nd Brigade — Army (#{brigade.pk})"):
        page = client.get(reverse("registry:violation_list"), {"unit": typed})
        assert listed(page, violation.location) and not listed(page, "Elsewhere entirely")


def test_an_ambiguous_filter_names_the_candidates(client_for, hro, brigade):
    twin = UnitFactory(name="2nd Brigade", institution=InstitutionFactory(name="Police"))
    page = client_for(hro).get(reverse("registry:person_list"), {"commands": "2nd brigade"})
    text = page.content.decode()
    assert f"(#{brigade.pk})" in text and f"(#{twin.pk})" in text
    assert "names several records" in text


def test_the_assignment_list_filters_by_person_typed_or_by_id(client_for, hro, brigade):
    bosco = AssignmentFactory(unit=brigade, person=PersonFactory(name="Jean Bosco")).person
    AssignmentFactory(unit=brigade, person=PersonFactory(name="Other Officer"))
    client = client_for(hro)
    for value in (bosco.pk, "jean bosco"):
        page = client.get(reverse("registry:assignment_list"), {"person": value})
        assert listed(page, "Jean Bosco") and not listed(page, "Other Officer")


# Forms, without JavaScript


def test_an_assignment_is_recorded_with_names_typed(client_for, hro, brigade):
    bosco = PersonFactory(name="Jean Bosco")
    response = client_for(hro).post(
        reverse("registry:assignment_create"),
        {
            "person": "Jean Bosco",
            "unit": "Tigers",
            "role": "commander",
            "start": "2024-01-01",
            "end": "",
        },
    )
    assert response.status_code == 302
    assert CommandAssignment.objects.get().person == bosco
    assert CommandAssignment.objects.get().unit == brigade


def test_a_refused_name_keeps_everything_typed(client_for, hro, brigade):
    response = client_for(hro).post(
        reverse("registry:unit_create"),
        {"name": "Kanda Company", "institution": "Army", "parent": "Navy Seals", "location": ""},
    )
    page = response.content.decode()
    assert response.status_code == 200 and not Unit.objects.filter(name="Kanda Company").exists()
    assert "Nothing that can be chosen here is named “Navy Seals”." in page
    assert 'value="Navy Seals"' in page and 'value="Kanda Company"' in page
    assert f'value="Army (#{brigade.institution_id})"' in page


def test_attributions_are_typed_and_existing_ones_shown_with_their_ids(client_for, hro, brigade):
    bosco = PersonFactory(name="Jean Bosco", rank="Major")
    violation = ViolationFactory(units=[brigade])
    client = client_for(hro)
    page = client.get(reverse("registry:violation_update", args=[violation.pk]))
    assert f'value="2nd Brigade — Army (#{brigade.pk})"' in page.content.decode()
    form = page.context["form"]
    data = {
        name: value
        for name, value in (
            (field.html_name, field.value()) for field in form if field.value() is not None
        )
    }
    data.update(
        {
            "verification_status": violation.verification_status,
            "initial-verification_status": violation.verification_status,
            "date": violation.date.isoformat(),
            "attributions-TOTAL_FORMS": "2",
            "attributions-INITIAL_FORMS": "1",
            "attributions-0-id": violation.attributions.get().pk,
            "attributions-0-unit": f"2nd Brigade — Army (#{brigade.pk})",
            "attributions-0-responsibility": "direct",
            "attributions-1-person": "Major Jean Bosco",
            "attributions-1-responsibility": "command",
            "actions-TOTAL_FORMS": "0",
            "actions-INITIAL_FORMS": "0",
            "sources-TOTAL_FORMS": "0",
            "sources-INITIAL_FORMS": "0",
        }
    )
    response = client.post(reverse("registry:violation_update", args=[violation.pk]), data)
    assert response.status_code == 302, response.context and response.context["formsets"]
    attributed = {(a.unit_id, a.person_id) for a in Attribution.objects.filter(violation=violation)}
    assert attributed == {(brigade.pk, None), (None, bosco.pk)}


def request_data(mission, units, **extra):
    return {
        "entity": mission.pk,
        "title": "Fuel",
        "policy_types": ["logistics"],
        "description": "Fuel.",
        "recipient_units": units,
        "location": "",
        "start": "2030-01-01",
        "end": "2030-03-31",
        "value": "1000",
        "currency": "USD",
        "funding_source": "Budget",
        "respond_by": "",
        "urgency": "routine",
        **extra,
    }


def test_recipient_units_typed_one_per_line_or_sent_as_ids(client_for, ssr_advisor, mission):
    first = UnitFactory(name="3rd Battalion")
    second = UnitFactory(name="5th Battalion", aliases=["Five"])
    client = client_for(ssr_advisor)
    client.post(reverse("support:create"), request_data(mission, "3rd battalion\nFive"))
    client.post(reverse("support:create"), request_data(mission, [first.pk, second.pk]))
    from hrddp.support.models import SupportRequest

    for created in SupportRequest.objects.all():
        assert set(created.recipient_units.all()) == {first, second}


def test_named_individuals_stay_among_the_candidates_however_typed(
    client_for, ssr_advisor, mission
):
    unit = UnitFactory(name="3rd Battalion")
    commander = AssignmentFactory(unit=unit, person=PersonFactory(name="Jean Bosco")).person
    stranger = PersonFactory(name="Unrelated Colonel", external_ref="P-1")
    draft = make_request(mission, ssr_advisor, [unit])
    client = client_for(ssr_advisor)
    url = reverse("support:update", args=[draft.pk])
    page = client.get(url).content.decode()
    # Few candidates: the form names them, so that they can be typed without JavaScript.
    assert f"Choices: Colonel Jean Bosco (#{commander.pk})." in page
    assert "Unrelated Colonel" not in page
    for typed in (str(stranger.pk), "Unrelated Colonel", "P-1"):
        response = client.post(url, request_data(mission, unit.pk, named_individuals=typed))
        assert response.status_code == 200  # refused, with the text as typed
        assert f"(#{stranger.pk})" not in response.content.decode()
        assert not draft.named_individuals.exists()
    client.post(url, request_data(mission, unit.pk, named_individuals="jean bosco"))
    assert list(draft.named_individuals.all()) == [commander]


# Query counts


def queries_of(client, url):
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def grow_the_registry(institution, n=300):
    units = Unit.objects.bulk_create(
        Unit(name=f"Bulk unit {i}", institution=institution) for i in range(n)
    )
    people = Person.objects.bulk_create(Person(name=f"Bulk person {i}") for i in range(n))
    CommandAssignment.objects.bulk_create(
        CommandAssignment(person=p, unit=u, start=datetime.date(2020, 1, 1))
        for p, u in zip(people, units, strict=True)
    )


def test_form_pages_read_as_much_with_a_large_registry_as_with_a_small_one(
    client_for, hro, brigade, django_assert_max_num_queries
):
    violation = ViolationFactory(units=[brigade], people=[PersonFactory()])
    assignment = AssignmentFactory(unit=brigade)
    client = client_for(hro)
    urls = [
        reverse("registry:violation_create"),
        reverse("registry:violation_update", args=[violation.pk]),
        reverse("registry:unit_update", args=[brigade.pk]),
        reverse("registry:assignment_update", args=[assignment.pk]),
        reverse("community:perception_create"),
        reverse("registry:violation_list") + f"?unit={brigade.pk}&person=1",
        reverse("registry:unit_list") + f"?parent={brigade.pk}&institution=Army",
    ]
    for url in urls:
        client.get(url)  # caches warmed (session, roles, vocabularies)
    small = {url: queries_of(client, url) for url in urls}
    grow_the_registry(brigade.institution)
    for url in urls:
        with django_assert_max_num_queries(small[url]):
            client.get(url)


def test_the_request_form_reads_as_much_with_many_units_and_people(
    client_for, ssr_advisor, mission, brigade
):
    draft = make_request(mission, ssr_advisor, [brigade, UnitFactory()])
    AssignmentFactory(unit=brigade)
    client = client_for(ssr_advisor)
    urls = [reverse("support:create"), reverse("support:update", args=[draft.pk])]
    for url in urls:
        client.get(url)
    small = {url: queries_of(client, url) for url in urls}
    grow_the_registry(brigade.institution)
    assert {url: queries_of(client, url) for url in urls} == small


# The script


def test_the_pickers_script_comes_with_the_pages_that_have_a_picker_only(client_for, hro, brigade):
    violation = ViolationFactory(units=[brigade])
    client = client_for(hro)
    with_pickers = [
        reverse("registry:unit_list"),
        reverse("registry:violation_update", args=[violation.pk]),
        reverse("community:report"),
    ]
    for url in with_pickers:
        page = client.get(url).content.decode()
        assert "js/pickers.js" in page and "tom-select.complete.min.js" in page, url
    for url in (reverse("registry:unit_detail", args=[brigade.pk]), reverse("home")):
        # No script but the site menu's (static/js/nav.js, on every page).
        page = client.get(url).content.decode()
        assert "<script" not in page.replace('<script src="/static/js/nav.js"></script>', ""), url
