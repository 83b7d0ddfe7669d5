"""Creating and editing institutions, units, people and command assignments: good input saves and
lands on the detail page with a message; bad input says why and saves nothing."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from hrddp.registry.models import CommandAssignment, Institution, Person, Unit
from tests.factories import AssignmentFactory, InstitutionFactory, PersonFactory, UnitFactory

pytestmark = pytest.mark.django_db


def unit_data(unit, **changes):
    data = {
        "name": unit.name,
        "aliases": ",".join(unit.aliases),
        "institution": unit.institution_id,
        "parent": unit.parent_id or "",
        "location": unit.location,
        "active_from": "",
        "active_to": "",
    }
    return {**data, **changes}


def test_hro_creates_an_institution(client_for, hro):
    response = client_for(hro).post(
        reverse("registry:institution_create"),
        {"name": "Police nationale", "kind": "police", "country": "Country"},
        follow=True,
    )
    institution = Institution.objects.get(name="Police nationale")
    assert response.redirect_chain[-1][0] == reverse(
        "registry:institution_detail", args=[institution.pk]
    )
    assert "Institution saved." in response.content.decode()


def test_hro_creates_a_unit_with_comma_separated_aliases(client_for, hro):
    army = InstitutionFactory(name="Army")
    brigade = UnitFactory(name="Brigade", institution=army)
    response = client_for(hro).post(
        reverse("registry:unit_create"),
        {
            "name": "3rd Battalion",
            "aliases": "Les Tigres, Simba",
            "institution": army.pk,
            "parent": brigade.pk,
        },
        follow=True,
    )
    unit = Unit.objects.get(name="3rd Battalion")
    assert unit.aliases == ["Les Tigres", "Simba"]
    assert unit.parent == brigade
    assert response.redirect_chain[-1][0] == reverse("registry:unit_detail", args=[unit.pk])
    assert "Unit saved." in response.content.decode()


def test_unit_cannot_become_the_child_of_its_own_grandchild(client_for, hro):
    a = UnitFactory(name="A")
    b = UnitFactory(name="B", parent=a)
    c = UnitFactory(name="C", parent=b)
    response = client_for(hro).post(
        reverse("registry:unit_update", args=[a.pk]), unit_data(a, parent=c.pk)
    )
    assert response.status_code == 200
    assert response.context["form"].errors["parent"] == [
        "A unit cannot be placed under itself or one of its own sub-units."
    ]
    assert "cannot be placed under itself" in response.content.decode()
    a.refresh_from_db()
    assert a.parent is None


def test_unit_cannot_be_its_own_parent(client_for, hro):
    a = UnitFactory(name="A")
    response = client_for(hro).post(
        reverse("registry:unit_update", args=[a.pk]), unit_data(a, parent=a.pk)
    )
    assert "parent" in response.context["form"].errors
    a.refresh_from_db()
    assert a.parent is None


def test_unit_cannot_stop_being_active_before_it_starts(client_for, hro):
    institution = InstitutionFactory()
    response = client_for(hro).post(
        reverse("registry:unit_create"),
        {
            "name": "New",
            "institution": institution.pk,
            "active_from": "2020-05-01",
            "active_to": "2020-04-01",
        },
    )
    assert response.status_code == 200
    assert "active_to" in response.context["form"].errors
    assert not Unit.objects.filter(name="New").exists()


def test_unit_dates_before_1900_are_refused(client_for, hro):
    institution = InstitutionFactory()
    response = client_for(hro).post(
        reverse("registry:unit_create"),
        {"name": "New", "institution": institution.pk, "active_from": "0202-01-01"},
    )
    assert "active_from" in response.context["form"].errors
    assert not Unit.objects.filter(name="New").exists()


def test_unit_edit_form_shows_aliases_comma_separated(client_for, hro):
    unit = UnitFactory(aliases=["Les Tigres", "Simba"])
    response = client_for(hro).get(reverse("registry:unit_update", args=[unit.pk]))
    assert 'value="Les Tigres,Simba"' in response.content.decode()


def test_hro_creates_and_edits_a_person(client_for, hro):
    client = client_for(hro)
    response = client.post(
        reverse("registry:person_create"),
        {"name": "Jean Bosco", "aliases": "Le Lion", "rank": "Major", "identifiers": "SN-1"},
    )
    person = Person.objects.get(name="Jean Bosco")
    assert response.url == reverse("registry:person_detail", args=[person.pk])
    assert person.aliases == ["Le Lion"]
    client.post(
        reverse("registry:person_update", args=[person.pk]),
        {"name": "Jean Bosco", "aliases": "Le Lion", "rank": "Colonel", "identifiers": "SN-1"},
    )
    person.refresh_from_db()
    assert person.rank == "Colonel"


def test_hro_records_a_command_assignment(client_for, hro):
    unit, person = UnitFactory(), PersonFactory()
    response = client_for(hro).post(
        reverse("registry:assignment_create"),
        {
            "person": person.pk,
            "unit": unit.pk,
            "role": "commander",
            "start": "2024-01-15",
            "end": "",
        },
        follow=True,
    )
    assignment = CommandAssignment.objects.get(person=person, unit=unit)
    assert assignment.end is None
    assert response.redirect_chain[-1][0] == reverse("registry:unit_detail", args=[unit.pk])
    assert "Command assignment saved." in response.content.decode()


def test_assignment_cannot_end_before_it_starts(client_for, hro):
    unit, person = UnitFactory(), PersonFactory()
    response = client_for(hro).post(
        reverse("registry:assignment_create"),
        {
            "person": person.pk,
            "unit": unit.pk,
            "role": "commander",
            "start": "2024-01-15",
            "end": "2023-12-31",
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors["end"] == ["An assignment cannot end before it starts."]
    assert not CommandAssignment.objects.exists()


def test_editing_an_assignment_to_end_before_it_starts_changes_nothing(client_for, hro):
    assignment = AssignmentFactory(start=datetime.date(2022, 1, 1))
    response = client_for(hro).post(
        reverse("registry:assignment_update", args=[assignment.pk]),
        {
            "person": assignment.person_id,
            "unit": assignment.unit_id,
            "role": "commander",
            "start": "2022-01-01",
            "end": "2021-01-01",
        },
    )
    assert "end" in response.context["form"].errors
    assignment.refresh_from_db()
    assert assignment.end is None


def test_assignment_cannot_start_in_the_future(client_for, hro):
    unit, person = UnitFactory(), PersonFactory()
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    response = client_for(hro).post(
        reverse("registry:assignment_create"),
        {"person": person.pk, "unit": unit.pk, "role": "commander", "start": tomorrow.isoformat()},
    )
    assert "start" in response.context["form"].errors
    assert not CommandAssignment.objects.exists()


def test_assignment_form_is_prefilled_from_the_unit_page_link(client_for, hro):
    unit = UnitFactory()
    response = client_for(hro).get(reverse("registry:assignment_create"), {"unit": unit.pk})
    assert response.context["form"].initial["unit"] == str(unit.pk)


def test_empty_post_shows_required_errors_and_saves_nothing(client_for, hro):
    response = client_for(hro).post(reverse("registry:unit_create"), {})
    assert response.status_code == 200
    assert {"name", "institution"} <= set(response.context["form"].errors)
    assert not Unit.objects.exists()


def test_new_sub_unit_link_prefills_parent_and_institution(client_for, hro):
    brigade = UnitFactory(name="Brigade")
    response = client_for(hro).get(reverse("registry:unit_create"), {"parent": brigade.pk})
    form = response.context["form"]
    assert form["parent"].value() == brigade.pk
    assert form["institution"].value() == brigade.institution_id


def test_new_unit_link_ignores_unknown_ids(client_for, hro):
    response = client_for(hro).get(
        reverse("registry:unit_create"), {"parent": "999", "institution": "x"}
    )
    assert response.status_code == 200
    assert response.context["form"]["parent"].value() is None
