"""Unit lists sort names as people read them (issue 16): "1st" before "2nd" before "10th", case
and accents aside, whoever wrote the unit (page, import, bulk insert, raw update)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from hrddp.registry.models import Institution, Unit
from tests.factories import InstitutionFactory, UnitFactory, api_client

pytestmark = pytest.mark.django_db

READING_ORDER = ["1st Brigade", "2nd Brigade", "10th Brigade", "alpha Company", "École", "Zulu"]


@pytest.fixture
def brigades(db):
    institution = InstitutionFactory(name="Army")
    for name in ["Zulu", "10th Brigade", "École", "2nd Brigade", "alpha Company", "1st Brigade"]:
        UnitFactory(name=name, institution=institution)
    return institution


def page_names(response):
    assert response.status_code == 200
    return [unit.name for unit in response.context["page_obj"]]


def test_unit_list_sorts_1st_before_10th(client_for, hro, brigades):
    names = page_names(client_for(hro).get(reverse("registry:unit_list")))
    assert names == READING_ORDER


def test_units_sort_by_number_case_and_accents_aside():
    institution = InstitutionFactory()
    names = ["Battalion 12", "battalion 3", "Bataillon 100", "Écho", "echo 2"]
    for name in names:
        UnitFactory(name=name, institution=institution)
    assert list(Unit.objects.filter(institution=institution).values_list("name", flat=True)) == [
        "Bataillon 100",
        "battalion 3",
        "Battalion 12",
        "Écho",
        "echo 2",
    ]


def test_the_sort_key_is_kept_by_bulk_inserts_and_raw_updates():
    """PostgreSQL computes the key, so writers that skip ``save()`` keep it too."""
    institution = Institution.objects.create(name="Police", kind="police")
    Unit.objects.bulk_create(
        [
            Unit(name="10th Company", institution=institution),
            Unit(name="9th", institution=institution),
        ]
    )
    Unit.objects.filter(name="9th").update(name="9th Company")
    with connection.cursor() as cursor:
        cursor.execute("UPDATE registry_unit SET name = '11th Company' WHERE name = '10th Company'")
    names = list(Unit.objects.filter(institution=institution).values_list("name", flat=True))
    assert names == ["9th Company", "11th Company"]


def test_sub_units_and_an_institutions_units_sort_the_same_way(client_for, hro, brigades):
    parent = UnitFactory(name="Division", institution=brigades)
    for name in ["10th Battalion", "1st Battalion", "2nd Battalion"]:
        UnitFactory(name=name, parent=parent, institution=brigades)
    page = client_for(hro).get(reverse("registry:unit_detail", args=[parent.pk])).content.decode()
    assert page.index("1st Battalion") < page.index("2nd Battalion") < page.index("10th Battalion")
    page = client_for(hro).get(reverse("registry:institution_detail", args=[brigades.pk]))
    page = page.content.decode()
    assert page.index("1st Brigade") < page.index("2nd Brigade") < page.index("10th Brigade")


def test_the_unit_picker_and_the_api_sort_the_same_way(client_for, hro, brigades):
    found = client_for(hro).get(reverse("pickers:units"), {"q": "brigade"}).json()["results"]
    assert [row["text"].split(" — ")[0] for row in found] == READING_ORDER[:3]
    answer = api_client(hro).get(reverse("api:unit-list")).json()
    assert [unit["name"] for unit in answer["results"]] == READING_ORDER


def test_the_unit_list_reads_the_same_queries_for_few_and_many_units(client_for, hro, brigades):
    client = client_for(hro)
    client.get(reverse("registry:unit_list"))
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("registry:unit_list"))
    for n in range(40):
        UnitFactory(name=f"{n}th Company", institution=brigades)
    with CaptureQueriesContext(connection) as many:
        names = page_names(client.get(reverse("registry:unit_list")))
    assert len(many) == len(few)
    assert names[:3] == ["0th Company", "1st Brigade", "1th Company"]
