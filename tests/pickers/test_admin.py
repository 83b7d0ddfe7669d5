"""The admin chooses large tables' rows by search (issue 11): a typed filter instead of a link per
institution, and autocompletes that find units by alias and users by name."""

import pytest
from django.urls import reverse

from hrddp.accounts.models import Role
from tests.factories import EntityFactory, InstitutionFactory, UnitFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser():
    mission = EntityFactory(code="mission")
    return UserFactory(
        username="root", is_staff=True, is_superuser=True, roles=[(mission, Role.ADMINISTRATOR)]
    )


def test_units_are_filtered_by_a_typed_institution_name_keeping_the_search(client_for, superuser):
    police = InstitutionFactory(name="National Police")
    army = InstitutionFactory(name="National Army")
    UnitFactory(name="Kanda Battalion", institution=police)
    UnitFactory(name="Kanda Brigade", institution=army)
    UnitFactory(name="Other Battalion", institution=police)
    client = client_for(superuser)
    page = client.get(
        reverse("admin:registry_unit_changelist"), {"institution": "police", "q": "kanda"}
    )
    text = page.content.decode()
    assert "Kanda Battalion" in text
    assert "Kanda Brigade" not in text and "Other Battalion" not in text
    assert '<input type="hidden" name="q" value="kanda">' in text
    assert 'name="institution" value="police"' in text


def autocomplete(client, model, field, term):
    response = client.get(
        reverse("admin:autocomplete"),
        {"app_label": model[0], "model_name": model[1], "field_name": field, "term": term},
    )
    assert response.status_code == 200
    return [row["text"] for row in response.json()["results"]]


def test_a_unit_s_parent_and_institution_are_found_by_typing(client_for, superuser):
    UnitFactory(name="2nd Brigade", aliases=["Tigers"], institution=InstitutionFactory(name="Army"))
    client = client_for(superuser)
    assert autocomplete(client, ("registry", "unit"), "parent", "tigers") == ["2nd Brigade"]
    assert autocomplete(client, ("registry", "unit"), "institution", "arm") == ["Army"]


def test_a_membership_s_user_is_found_by_typing(client_for, superuser):
    UserFactory(username="amina.hro")
    client = client_for(superuser)
    assert autocomplete(client, ("accounts", "membership"), "user", "amina") == ["amina.hro"]
