"""Lists that do not count the world (issue 11): every list page and API list counts its rows up
to a cap, says "more" past it, and still serves the pages beyond, one after the other."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from hrddp import pagination
from hrddp.pagination import CappedPaginator, count_up_to
from hrddp.registry.models import Unit
from tests.factories import PersonFactory, UnitFactory, ViolationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def cap(monkeypatch):
    """A cap of 3 rows and pages of 2, so that a handful of rows is past the cap."""
    monkeypatch.setattr(CappedPaginator, "cap", 3)
    monkeypatch.setattr(pagination, "PAGE_SIZE", 2)
    return 3


@pytest.fixture
def seven_units():
    return [UnitFactory(name=f"Unit {n}") for n in range(1, 8)]


def test_a_list_counts_up_to_the_cap_and_no_further(cap, seven_units):
    paginator = CappedPaginator(Unit.objects.order_by("name"), 2)
    with CaptureQueriesContext(connection) as queries:
        assert paginator.count == 3
    assert paginator.capped
    assert paginator.shown == "3+"
    (count,) = [query["sql"] for query in queries]
    # Reads cap + 1 rows, unsorted: no sort of the whole set to count it.
    assert "LIMIT 4" in count
    assert "ORDER BY" not in count


def test_a_list_under_the_cap_is_counted_exactly(cap):
    UnitFactory.create_batch(3)
    paginator = CappedPaginator(Unit.objects.order_by("name"), 2)
    assert (paginator.count, paginator.capped, paginator.shown) == (3, False, "3")
    assert paginator.num_pages == 2
    assert not paginator.page(2).has_next()


def test_count_up_to_says_whether_there_are_more(seven_units):
    assert count_up_to(Unit.objects.all(), 7) == (7, False)
    assert count_up_to(Unit.objects.all(), 6) == (6, True)


def test_pages_past_the_cap_stay_reachable_one_after_another(cap, seven_units):
    paginator = CappedPaginator(Unit.objects.order_by("name"), 2)
    names = []
    number = 1
    while True:
        page = paginator.page(number)
        names += [unit.name for unit in page]
        if not page.has_next():
            break
        number = page.next_page_number()
    assert names == [f"Unit {n}" for n in range(1, 8)]
    assert number == 4
    assert (page.start_index(), page.end_index()) == (7, 7)
    # Past the last row: the last page counted, as for any list asked for a page it does not have.
    assert paginator.get_page(9).number == paginator.num_pages == 2


def test_a_capped_list_page_says_more_and_links_to_the_next_page(cap, seven_units, client_for, hro):
    client = client_for(hro)
    response = client.get(reverse("registry:unit_list"), {"page": 3})
    assert [unit.name for unit in response.context["page_obj"]] == ["Unit 5", "Unit 6"]
    content = response.content.decode()
    assert "3+ units" in content
    assert "Page 3<" in content
    assert "Page 3 of" not in content
    assert "page=4" in content and "page=2" in content


def test_an_api_list_says_when_its_count_is_capped(cap, seven_units, api_for, hro):
    body = api_for(hro).get("/api/v1/units/", {"page": 3, "page_size": 2}).json()
    assert (body["count"], body["count_capped"]) == (3, True)
    assert [row["name"] for row in body["results"]] == ["Unit 5", "Unit 6"]
    assert "page=4" in body["next"]
    last = api_for(hro).get("/api/v1/units/", {"page": 4, "page_size": 2}).json()
    assert last["next"] is None and [row["name"] for row in last["results"]] == ["Unit 7"]
    assert api_for(hro).get("/api/v1/units/", {"page": 5, "page_size": 2}).status_code == 404


def test_an_api_list_under_the_cap_counts_exactly(api_for, hro):
    UnitFactory.create_batch(2)
    body = api_for(hro).get("/api/v1/units/").json()
    assert (body["count"], body["count_capped"]) == (2, False)


@pytest.mark.parametrize(
    ("list_name", "api_url"),
    [
        ("registry:institution_list", "/api/v1/institutions/"),
        ("registry:unit_list", "/api/v1/units/"),
        ("registry:person_list", "/api/v1/people/"),
    ],
)
def test_unit_and_people_lists_count_per_row_not_by_grouping_the_table(
    list_name, api_url, client_for, api_for, hro
):
    """Units, sub-units and violations per row are counted for the rows shown: a GROUP BY over the
    whole table would sort a hundred thousand rows before the page could be cut from it."""
    unit = UnitFactory(name="Brigade")
    UnitFactory.create_batch(2, parent=unit)
    person = PersonFactory()
    ViolationFactory.create_batch(2, people=[person])
    for get in (
        lambda: client_for(hro).get(reverse(list_name)),
        lambda: api_for(hro).get(api_url),
    ):
        with CaptureQueriesContext(connection) as queries:
            assert get().status_code == 200
        assert not [q["sql"] for q in queries if "GROUP BY" in q["sql"]]
    rows = {row["name"]: row for row in api_for(hro).get("/api/v1/units/").json()["results"]}
    assert rows["Brigade"]["child_count"] == 2
    institutions = api_for(hro).get("/api/v1/institutions/").json()["results"]
    assert {row["id"]: row["unit_count"] for row in institutions}[unit.institution_id] == 3
    people = api_for(hro).get("/api/v1/people/").json()["results"]
    assert {row["id"]: row["violation_count"] for row in people}[person.pk] == 2


def test_violation_search_finds_words_of_location_and_narrative(client_for, hro):
    in_location = ViolationFactory(location="Bunia market", narrative="Shots fired.")
    in_narrative = ViolationFactory(location="Goma", narrative="Arrests near the checkpoint.")
    ViolationFactory(location="Beni", narrative="Nothing to see.")
    client = client_for(hro)

    def found(q):
        response = client.get(reverse("registry:violation_list"), {"q": q})
        return {violation.pk for violation in response.context["page_obj"]}

    assert found("bunia") == {in_location.pk}
    assert found("CHECK") == {in_narrative.pk}
    assert found("goma arrest") == {in_narrative.pk}
    assert found("heckpoint") == set()
    assert found("%") == set()
