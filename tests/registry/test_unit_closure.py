"""The unit tree's closure table follows every change to the tree, however it is made: the ORM,
a bulk insert with parents and children in one statement, raw SQL, a move, a deletion."""

import pytest
from django.db import connection

from hrddp.registry.models import Institution, Unit, UnitClosure
from tests.factories import InstitutionFactory, UnitFactory

pytestmark = pytest.mark.django_db


def closure():
    return set(UnitClosure.objects.values_list("ancestor_id", "descendant_id", "depth"))


def walked():
    """The closure computed from the parent links, the slow way."""
    parents = dict(Unit.objects.values_list("id", "parent_id"))
    pairs = set()
    for unit in parents:
        ancestor, depth = unit, 0
        while ancestor is not None:
            pairs.add((ancestor, unit, depth))
            ancestor, depth = parents[ancestor], depth + 1
    return pairs


@pytest.fixture
def tree():
    brigade = UnitFactory(name="Brigade")
    battalion = UnitFactory(name="Battalion", parent=brigade)
    company = UnitFactory(name="Company", parent=battalion)
    other = UnitFactory(name="Other brigade")
    return brigade, battalion, company, other


def test_closure_holds_each_unit_with_all_its_ancestors(tree):
    brigade, battalion, company, other = tree
    assert (brigade.pk, company.pk, 2) in closure()
    assert (company.pk, company.pk, 0) in closure()
    assert closure() == walked()


def test_a_moved_unit_takes_its_subtree_along(tree):
    brigade, battalion, company, other = tree
    battalion.parent = other
    battalion.save()
    assert (brigade.pk, company.pk, 2) not in closure()
    assert (other.pk, company.pk, 2) in closure()
    assert closure() == walked()
    assert Unit.objects.subtree_ids(other) == {other.pk, battalion.pk, company.pk}


def test_a_unit_made_a_root_keeps_only_its_own_subtree(tree):
    brigade, battalion, company, other = tree
    Unit.objects.filter(pk=battalion.pk).update(parent=None)
    assert closure() == walked()
    assert Unit.objects.ancestors(Unit.objects.get(pk=company.pk)) == [battalion]


def test_a_deleted_unit_leaves_no_pair(tree):
    brigade, battalion, company, other = tree
    company.delete()
    assert closure() == walked()
    assert not UnitClosure.objects.filter(descendant_id=company.pk).exists()


def test_one_insert_of_parents_and_children_in_any_order_is_closed_in_one_statement(tree):
    """An import or a seed may send a unit before its parent in the same statement."""
    institution = InstitutionFactory()
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO registry_unit (id, name, aliases, institution_id, parent_id, location,
                                       external_ref)
            OVERRIDING SYSTEM VALUE
            VALUES (900003, 'Platoon', '{}', %(i)s, 900002, '', ''),
                   (900002, 'Company B', '{}', %(i)s, 900001, '', ''),
                   (900001, 'Battalion B', '{}', %(i)s, %(brigade)s, '', '')
            """,
            {"i": institution.pk, "brigade": tree[0].pk},
        )
    assert (tree[0].pk, 900003, 3) in closure()
    assert closure() == walked()


def test_bulk_create_keeps_the_closure(tree):
    brigade = tree[0]
    institution = Institution.objects.first()
    children = Unit.objects.bulk_create(
        [Unit(name=f"Company {n}", institution=institution, parent=brigade) for n in range(5)]
    )
    assert Unit.objects.subtree_ids(brigade) >= {child.pk for child in children}
    assert closure() == walked()
