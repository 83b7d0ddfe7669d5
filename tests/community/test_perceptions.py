"""Community perceptions (domain.md 6.1): who reads and records them, trust 1 to 5, the list."""

import datetime

import pytest
from django.db import IntegrityError
from django.urls import reverse
from django.utils import timezone

from hrddp.community.models import Perception
from tests.factories import InstitutionFactory, UnitFactory

pytestmark = pytest.mark.django_db

LIST = reverse("community:perception_list")
CREATE = reverse("community:perception_create")


def edit_url(perception):
    return reverse("community:perception_update", args=[perception.pk])


def perception_post(**overrides):
    data = {
        "date": (timezone.localdate() - datetime.timedelta(days=3)).isoformat(),
        "area": "Kanda",
        "method": "focus_group",
        "population_group": "Displaced women",
        "institution": "",
        "unit": "",
        "trust_in_force": "2",
        "trust_in_mission": "4",
        "concerns": "Checkpoints at night.",
    }
    return data | overrides


# --- the permission ladder -----------------------------------------------------------------


@pytest.mark.parametrize("url_name", ["list", "create", "edit"])
def test_anonymous_is_sent_to_login(client, make_perception, url_name):
    url = {"list": LIST, "create": CREATE, "edit": edit_url(make_perception())}[url_name]
    response = client.get(url)
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


@pytest.mark.parametrize("url_name", ["list", "create"])
def test_a_user_with_no_role_sees_the_no_role_page(client_for, no_role_user, url_name):
    response = client_for(no_role_user).get({"list": LIST, "create": CREATE}[url_name])
    assert response.status_code == 403 and "You have no role yet" in response.content.decode()


def test_an_ssr_advisor_may_not_read_perceptions(client_for, ssr_advisor, make_perception):
    client = client_for(ssr_advisor)
    assert client.get(LIST).status_code == 403
    assert client.get(CREATE).status_code == 403
    assert client.get(edit_url(make_perception())).status_code == 403


@pytest.mark.parametrize("persona", ["hro", "manager", "auditor", "administrator"])
def test_registry_readers_read_perceptions(client_for, persona, request, make_perception):
    make_perception(population_group="Fishermen of the lake")
    response = client_for(request.getfixturevalue(persona)).get(LIST)
    assert response.status_code == 200 and "Fishermen of the lake" in response.content.decode()


@pytest.mark.parametrize("persona", ["manager", "auditor", "administrator"])
def test_only_an_hro_records_or_edits_a_perception(client_for, persona, request, make_perception):
    perception = make_perception()
    client = client_for(request.getfixturevalue(persona))
    assert client.get(CREATE).status_code == 403
    assert (
        client.post(CREATE, perception_post(institution=perception.institution_id)).status_code
        == 403
    )
    assert client.post(edit_url(perception), perception_post()).status_code == 403
    assert Perception.objects.count() == 1
    assert "Record a perception" not in client.get(LIST).content.decode()


def test_an_hro_records_a_perception(client_for, hro, army):
    response = client_for(hro).post(CREATE, perception_post(institution=army.pk))
    assert response.status_code == 302 and response.url == LIST
    perception = Perception.objects.get()
    assert (perception.area, perception.institution, perception.recorded_by) == ("Kanda", army, hro)
    assert (perception.trust_in_force, perception.trust_in_mission) == (2, 4)


def test_an_hro_edits_a_perception_and_the_recorder_stays(client_for, hro, make_perception):
    perception = make_perception(recorded_by=None)
    data = perception_post(institution=perception.institution_id, trust_in_mission="1")
    assert client_for(hro).post(edit_url(perception), data).status_code == 302
    perception.refresh_from_db()
    assert perception.trust_in_mission == 1 and perception.recorded_by is None


def test_a_perception_of_a_unit_belongs_to_its_institution(client_for, hro, unit):
    client_for(hro).post(CREATE, perception_post(unit=unit.pk))
    perception = Perception.objects.get()
    assert (perception.unit, perception.institution) == (unit, unit.institution)


def test_a_unit_of_another_institution_is_refused(client_for, hro, unit):
    other = InstitutionFactory()
    response = client_for(hro).post(CREATE, perception_post(unit=unit.pk, institution=other.pk))
    assert response.status_code == 200
    assert "This unit belongs to another institution." in response.content.decode()
    assert not Perception.objects.exists()


def test_a_perception_names_an_institution_or_a_unit(client_for, hro):
    response = client_for(hro).post(CREATE, perception_post())
    assert "Name the institution or the unit" in response.content.decode()
    assert not Perception.objects.exists()


def test_a_perception_cannot_be_dated_in_the_future(client_for, hro, army):
    tomorrow = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
    response = client_for(hro).post(CREATE, perception_post(institution=army.pk, date=tomorrow))
    assert "cannot be dated in the future" in response.content.decode()
    assert not Perception.objects.exists()


# --- trust from 1 to 5 ------------------------------------------------------------------------


@pytest.mark.parametrize("field", ["trust_in_force", "trust_in_mission"])
@pytest.mark.parametrize("value", ["0", "6", "-1", "three"])
def test_trust_outside_1_to_5_is_refused_with_a_clear_message(client_for, hro, army, field, value):
    response = client_for(hro).post(CREATE, perception_post(institution=army.pk, **{field: value}))
    assert response.status_code == 200
    assert "Enter a whole number from 1 to 5." in response.content.decode()
    assert not Perception.objects.exists()


@pytest.mark.parametrize("value", ["1", "5"])
def test_trust_of_1_and_5_is_accepted(client_for, hro, army, value):
    data = perception_post(institution=army.pk, trust_in_force=value, trust_in_mission=value)
    assert client_for(hro).post(CREATE, data).status_code == 302


@pytest.mark.parametrize("field", ["trust_in_force", "trust_in_mission"])
def test_the_database_refuses_trust_of_6(make_perception, field):
    perception = make_perception()
    with pytest.raises(IntegrityError):
        Perception.objects.filter(pk=perception.pk).update(**{field: 6})


# --- the list ---------------------------------------------------------------------------------


def test_the_list_filters_by_institution_unit_area_method_and_date(
    client_for, manager, make_perception, unit
):
    today = timezone.localdate()
    by_unit = make_perception(unit=unit, population_group="AAA-unit")
    by_area = make_perception(area="Upper Kanda", population_group="BBB-area")
    survey = make_perception(method="survey", population_group="CCC-survey")
    old = make_perception(date=today - datetime.timedelta(days=400), population_group="DDD-old")
    client = client_for(manager)

    def found(**params):
        return {p.pk for p in client.get(LIST, params).context["page_obj"]}

    assert found(institution=unit.institution_id) == {by_unit.pk}
    assert found(unit=unit.pk) == {by_unit.pk}
    assert found(area="kanda") == {by_area.pk}
    assert found(method="survey") == {survey.pk}
    assert old.pk not in found(date_from=(today - datetime.timedelta(days=100)).isoformat())
    assert found(date_to=(today - datetime.timedelta(days=100)).isoformat()) == {old.pk}


def test_the_list_is_paginated(client_for, manager, make_perception):
    institution = InstitutionFactory()
    for _ in range(30):
        make_perception(institution=institution)
    client = client_for(manager)
    assert len(client.get(LIST).context["page_obj"]) == 25
    assert len(client.get(LIST, {"page": 2}).context["page_obj"]) == 5


@pytest.mark.parametrize("rows", [5, 50])
def test_the_list_runs_a_constant_number_of_queries(
    client_for, hro, make_perception, rows, django_assert_max_num_queries
):
    for _ in range(rows):
        make_perception(unit=UnitFactory())
    client = client_for(hro)
    with django_assert_max_num_queries(8):
        response = client.get(LIST)
    assert len(response.context["page_obj"]) == min(rows, 25)
