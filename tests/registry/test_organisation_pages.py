"""Registry pages for institutions, units, people and command assignments: who may open what,
what the lists show, their filters and their query counts (domain.md 2, 3, 7)."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from hrddp.registry.models import Institution
from tests.factories import (
    AssignmentFactory,
    InstitutionFactory,
    PersonFactory,
    UnitFactory,
    ViolationFactory,
)

pytestmark = pytest.mark.django_db

READERS = ["hro", "manager", "auditor", "administrator"]
EVERYONE_WITH_A_ROLE = READERS + ["ssr_advisor"]
NOT_EDITORS = ["ssr_advisor", "manager", "auditor", "administrator"]


@pytest.fixture
def registry():
    unit = UnitFactory(name="3rd Battalion", institution=InstitutionFactory(name="National Army"))
    assignment = AssignmentFactory(unit=unit, person=PersonFactory(name="Jean Bosco"))
    return {
        "institution": unit.institution,
        "unit": unit,
        "person": assignment.person,
        "assignment": assignment,
    }


def url_for(name, registry):
    kind = name.split("_")[0]
    if name.endswith(("_detail", "_update")):
        return reverse(f"registry:{name}", args=[registry[kind].pk])
    return reverse(f"registry:{name}")


BROWSE_PAGES = ["institution_list", "institution_detail", "unit_list", "unit_detail"]
READER_LISTS = ["person_list", "assignment_list"]
EDIT_PAGES = [
    "institution_create",
    "institution_update",
    "unit_create",
    "unit_update",
    "person_create",
    "person_update",
    "assignment_create",
    "assignment_update",
]
ALL_PAGES = BROWSE_PAGES + READER_LISTS + ["person_detail"] + EDIT_PAGES


# The permission ladder


@pytest.mark.parametrize("name", ALL_PAGES)
def test_anonymous_visitor_is_sent_to_login(client, registry, name):
    url = url_for(name, registry)
    response = client.get(url)
    assert response.status_code == 302
    assert response.url == f"{reverse('login')}?next={url}"


@pytest.mark.parametrize("name", ALL_PAGES)
def test_user_without_a_role_gets_403_with_an_explanation(client_for, no_role_user, registry, name):
    response = client_for(no_role_user).get(url_for(name, registry))
    assert response.status_code == 403
    assert "You have no role yet" in response.content.decode()


@pytest.mark.parametrize("persona", EVERYONE_WITH_A_ROLE)
@pytest.mark.parametrize("name", BROWSE_PAGES)
def test_institutions_and_units_are_open_to_every_role(
    request, client_for, registry, persona, name
):
    response = client_for(request.getfixturevalue(persona)).get(url_for(name, registry))
    assert response.status_code == 200
    expected = registry["unit"].name if name.startswith("unit") else "National Army"
    assert expected in response.content.decode()


@pytest.mark.parametrize("persona", READERS)
@pytest.mark.parametrize("name", READER_LISTS + ["person_detail"])
def test_registry_readers_see_people_and_assignments(request, client_for, registry, persona, name):
    response = client_for(request.getfixturevalue(persona)).get(url_for(name, registry))
    assert response.status_code == 200
    assert "Jean Bosco" in response.content.decode()


@pytest.mark.parametrize("name", READER_LISTS)
def test_ssr_advisor_may_not_list_people_or_assignments(client_for, ssr_advisor, registry, name):
    assert client_for(ssr_advisor).get(url_for(name, registry)).status_code == 403


def test_ssr_advisor_gets_404_on_a_person(client_for, ssr_advisor, registry):
    response = client_for(ssr_advisor).get(url_for("person_detail", registry))
    assert response.status_code == 404
    assert "Jean Bosco" not in response.content.decode()


@pytest.mark.parametrize("persona", NOT_EDITORS)
@pytest.mark.parametrize("name", EDIT_PAGES)
def test_only_hro_may_open_registry_forms(request, client_for, registry, persona, name):
    assert (
        client_for(request.getfixturevalue(persona)).get(url_for(name, registry)).status_code == 403
    )


@pytest.mark.parametrize("name", EDIT_PAGES)
def test_hro_opens_registry_forms(client_for, hro, registry, name):
    response = client_for(hro).get(url_for(name, registry))
    assert response.status_code == 200
    assert 'method="post"' in response.content.decode()


@pytest.mark.parametrize("persona", NOT_EDITORS)
def test_only_hro_may_save_registry_changes(request, client_for, registry, persona):
    client = client_for(request.getfixturevalue(persona))
    institution = registry["institution"]
    response = client.post(
        reverse("registry:institution_create"), {"name": "Police", "kind": "police"}
    )
    assert response.status_code == 403
    response = client.post(
        reverse("registry:institution_update", args=[institution.pk]),
        {"name": "Renamed", "kind": "army"},
    )
    assert response.status_code == 403
    assert not Institution.objects.filter(name__in=["Police", "Renamed"]).exists()


def test_hro_sees_edit_links_and_a_manager_does_not(client_for, hro, manager, registry):
    edit_url = reverse("registry:unit_update", args=[registry["unit"].pk])
    unit_url = url_for("unit_detail", registry)
    assert edit_url in client_for(hro).get(unit_url).content.decode()
    assert edit_url not in client_for(manager).get(unit_url).content.decode()


# Details


def test_institution_page_shows_root_units_and_unit_count(client_for, manager):
    army = InstitutionFactory(name="Army")
    region = UnitFactory(name="1st Military Region", institution=army)
    UnitFactory(name="11th Brigade", parent=region)
    UnitFactory(name="Presidential Guard", institution=army)
    page = client_for(manager).get(reverse("registry:institution_detail", args=[army.pk]))
    content = page.content.decode()
    assert [u.name for u in page.context["root_units"]] == [
        "1st Military Region",
        "Presidential Guard",
    ]
    assert "3 units" in content
    assert "11th Brigade" not in content


def test_person_page_shows_aliases_rank_identifiers_assignments_and_violations(client_for, auditor):
    person = PersonFactory(
        name="Jean Bosco", aliases=["Le Lion"], rank="Major", identifiers="SN-4471"
    )
    unit = UnitFactory(name="Kanda Battalion")
    AssignmentFactory(person=person, unit=unit, start=datetime.date(2021, 3, 1))
    violation = ViolationFactory(
        people=[person], location="Mbuji", narrative="Secret narrative text"
    )
    content = (
        client_for(auditor)
        .get(reverse("registry:person_detail", args=[person.pk]))
        .content.decode()
    )
    # The assignment's start, 2021-03-01, in the English date format (hrddp/formats/en).
    for text in ("Le Lion", "Major", "SN-4471", "Kanda Battalion", "1 Mar 2021", "Mbuji"):
        assert text in content
    assert reverse("registry:violation_detail", args=[violation.pk]) in content
    assert "Secret narrative text" not in content


# Lists: filters and search


def list_names(client, name, **params):
    response = client.get(reverse(f"registry:{name}"), params)
    assert response.status_code == 200
    return [str(getattr(row, "name", row)) for row in response.context["page_obj"]]


def test_unit_search_finds_a_unit_by_alias(client_for, ssr_advisor):
    UnitFactory(name="3rd Battalion", aliases=["Les Tigres", "Bataillon Simba"])
    UnitFactory(name="Other Unit", aliases=["Eagles"])
    client = client_for(ssr_advisor)
    assert list_names(client, "unit_list", q="simba") == ["3rd Battalion"]
    assert list_names(client, "unit_list", q="3RD") == ["3rd Battalion"]
    # The array's text form ({"Les Tigres","Bataillon Simba"}) must not leak into the search.
    assert list_names(client, "unit_list", q=",") == []
    # Words, as the pickers find them (one word index): each word typed begins a word of the
    # name or an alias; the middle of a word finds nothing.
    assert list_names(client, "unit_list", q="bat sim") == ["3rd Battalion"]
    assert list_names(client, "unit_list", q="igres") == []


def test_unit_list_filters_by_institution_parent_and_location(client_for, hro):
    army, police = InstitutionFactory(name="Army"), InstitutionFactory(name="Police")
    brigade = UnitFactory(name="Brigade", institution=army, location="Goma")
    UnitFactory(name="Battalion", parent=brigade, location="Sake")
    UnitFactory(name="Police Station", institution=police, location="Goma")
    client = client_for(hro)
    assert list_names(client, "unit_list", institution=army.pk) == ["Battalion", "Brigade"]
    assert list_names(client, "unit_list", parent=brigade.pk) == ["Battalion"]
    assert list_names(client, "unit_list", location="goma") == ["Brigade", "Police Station"]


def test_person_list_searches_aliases_and_filters_rank_and_current_command(client_for, hro):
    today = timezone.localdate()
    unit = UnitFactory(name="Kanda Battalion")
    bosco = PersonFactory(name="Jean Bosco", aliases=["Le Lion"], rank="Major")
    former = PersonFactory(name="Paul Former", rank="Colonel")
    PersonFactory(name="Someone Else", rank="Captain")
    AssignmentFactory(person=bosco, unit=unit, start=today - datetime.timedelta(days=10))
    AssignmentFactory(
        person=former,
        unit=unit,
        start=datetime.date(2020, 1, 1),
        end=today - datetime.timedelta(days=11),
    )
    client = client_for(hro)
    assert list_names(client, "person_list", q="lion") == ["Jean Bosco"]
    assert list_names(client, "person_list", rank="colo") == ["Paul Former"]
    assert list_names(client, "person_list", commands=unit.pk) == ["Jean Bosco"]


def test_assignment_list_filters_by_unit_person_and_current(client_for, manager):
    today = timezone.localdate()
    unit, other = UnitFactory(name="Kanda Battalion"), UnitFactory(name="Other")
    bosco = PersonFactory(name="Jean Bosco")
    current = AssignmentFactory(person=bosco, unit=unit, start=today - datetime.timedelta(days=5))
    past = AssignmentFactory(
        person=bosco, unit=other, start=datetime.date(2019, 1, 1), end=datetime.date(2020, 1, 1)
    )
    elsewhere = AssignmentFactory(unit=other)
    client = client_for(manager)

    def ids(**params):
        response = client.get(reverse("registry:assignment_list"), params)
        return {a.pk for a in response.context["page_obj"]}

    assert ids(unit=unit.pk) == {current.pk}
    assert ids(person=bosco.pk) == {current.pk, past.pk}
    assert ids(current="on") == {current.pk, elsewhere.pk}
    assert ids() == {current.pk, past.pk, elsewhere.pk}


def test_institution_list_filters_by_kind_and_name(client_for, ssr_advisor):
    InstitutionFactory(name="National Army", kind="army")
    InstitutionFactory(name="National Police", kind="police")
    client = client_for(ssr_advisor)
    assert list_names(client, "institution_list", kind="police") == ["National Police"]
    assert list_names(client, "institution_list", q="army") == ["National Army"]


def test_lists_show_25_rows_a_page(client_for, hro):
    institution = InstitutionFactory()
    UnitFactory.create_batch(30, institution=institution)
    client = client_for(hro)
    assert len(list_names(client, "unit_list")) == 25
    assert len(list_names(client, "unit_list", page=2)) == 5


# Lists run a constant number of queries


def make_units(n):
    institution = InstitutionFactory()
    parent = UnitFactory(institution=institution)
    for _ in range(n):
        child = UnitFactory(parent=parent, aliases=["x", "y"], location="Goma")
        UnitFactory(parent=child)


def make_people(n):
    unit = UnitFactory()
    for _ in range(n):
        person = PersonFactory(aliases=["alias"])
        AssignmentFactory(person=person, unit=unit, start=datetime.date(2024, 1, 1))
        AssignmentFactory(person=person, unit=UnitFactory(), start=datetime.date(2021, 1, 1))
        ViolationFactory(people=[person])


def make_assignments(n):
    for _ in range(n):
        AssignmentFactory()


def make_institutions(n):
    for _ in range(n):
        UnitFactory()


@pytest.mark.parametrize(
    ("name", "make", "params"),
    [
        ("institution_list", make_institutions, {}),
        ("unit_list", make_units, {}),
        ("unit_list", make_units, {"q": "unit", "location": "gom"}),
        ("person_list", make_people, {}),
        ("person_list", make_people, {"q": "person"}),
        ("assignment_list", make_assignments, {"current": "on"}),
    ],
)
@pytest.mark.parametrize("rows", [5, 50])
def test_lists_run_a_constant_number_of_queries(
    client_for, hro, django_assert_max_num_queries, name, make, params, rows
):
    make(rows)
    client = client_for(hro)
    with django_assert_max_num_queries(8):
        response = client.get(reverse(f"registry:{name}"), params)
    assert response.status_code == 200
    assert len(response.context["page_obj"]) >= min(rows, 25)
