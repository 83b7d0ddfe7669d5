"""The duplicate queue (issue 15): pairs of people the matcher finds likely the same person, for
HROs, each with "Merge" (either kept) and "Not the same person" (never proposed again); a page
looks at a bounded number of people, however large the registry."""

import pytest
from django.urls import reverse

from hrddp.registry import matching
from hrddp.registry.models import DuplicateDismissal
from hrddp.registry.queries import duplicate_pairs, duplicate_queue_people
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(db):
    a = PersonFactory(name="Jean-Baptiste Mbuyi")
    b = PersonFactory(name="MBUYI Jean Baptiste")
    c = PersonFactory(name="Amina Kabila")
    matching.index_people([a, b, c])
    return a, b, c


def pairs(client):
    response = client.get(reverse("registry:duplicate_list"))
    assert response.status_code == 200
    return {tuple(sorted((p.person.pk, p.other.pk))) for p in response.context["pairs"]}


def test_duplicate_queue_proposes_likely_pairs_once(client_for, hro, people):
    a, b, _c = people
    assert pairs(client_for(hro)) == {tuple(sorted((a.pk, b.pk)))}


def test_duplicate_queue_links_to_merge_keeping_either(client_for, hro, people):
    a, b, _c = people
    page = client_for(hro).get(reverse("registry:duplicate_list")).content.decode()
    assert f"{reverse('registry:person_merge', args=[a.pk])}?into={b.pk}" in page
    assert f"{reverse('registry:person_merge', args=[b.pk])}?into={a.pk}" in page


def test_duplicate_dismissed_is_never_proposed_again(client_for, hro, people):
    a, b, _c = people
    client = client_for(hro)
    response = client.post(
        reverse("registry:duplicate_dismiss"), {"first": b.pk, "second": a.pk, "page": "1"}
    )
    assert response.status_code == 302
    dismissal = DuplicateDismissal.objects.get()
    assert (dismissal.first_id, dismissal.second_id) == tuple(sorted((a.pk, b.pk)))
    assert dismissal.dismissed_by == hro
    assert pairs(client) == set()
    # Saying it twice changes nothing.
    client.post(reverse("registry:duplicate_dismiss"), {"first": a.pk, "second": b.pk})
    assert DuplicateDismissal.objects.count() == 1


def test_duplicate_queue_leaves_merged_people_out(client_for, hro, people):
    from hrddp.registry import merging

    a, b, _c = people
    merging.merge(a, b, hro, "Same.")
    assert pairs(client_for(hro)) == set()


def test_duplicate_queue_is_for_hros(client_for, manager, auditor, people):
    for user in (manager, auditor):
        assert client_for(user).get(reverse("registry:duplicate_list")).status_code == 403
    a, b, _c = people
    response = client_for(manager).post(
        reverse("registry:duplicate_dismiss"), {"first": a.pk, "second": b.pk}
    )
    assert response.status_code == 403
    assert not DuplicateDismissal.objects.exists()


def test_duplicate_queue_page_is_bounded(client_for, hro, people, django_assert_max_num_queries):
    """A page looks at 20 people (one search each), whatever the registry holds: the queries of a
    page do not grow with the number of people."""
    many = [PersonFactory(name=f"Soldier {n} Tshisekedi") for n in range(45)]
    matching.index_people(many)
    assert duplicate_queue_people().count() == 48
    client = client_for(hro)
    client.get(reverse("registry:duplicate_list"))  # the session's first queries
    with django_assert_max_num_queries(60) as first:
        client.get(reverse("registry:duplicate_list"))
    with django_assert_max_num_queries(len(first.captured_queries)):
        client.get(reverse("registry:duplicate_list"), {"page": 2})


def test_duplicate_pairs_are_best_first(people):
    a, b, c = people
    twin = PersonFactory(name="Amina Kabilla")
    matching.index_people([twin])
    found = duplicate_pairs(duplicate_queue_people())
    assert {tuple(sorted((p.person.pk, p.other.pk))) for p in found} == {
        tuple(sorted((a.pk, b.pk))),
        tuple(sorted((c.pk, twin.pk))),
    }
    assert [p.score for p in found] == sorted((p.score for p in found), reverse=True)
