"""A unit's record (domain.md 3.2) and its flags."""

import datetime

import pytest

from hrddp.policy.models import PolicySettings
from hrddp.registry.models import Unit, VerificationStatus
from tests.factories import (
    AssignmentFactory,
    PersonFactory,
    UnitFactory,
    ViolationFactory,
    category,
)

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 6, 1)


def days_ago(n):
    return TODAY - datetime.timedelta(days=n)


@pytest.fixture
def tree():
    """brigade > battalion > company, and a sibling battalion."""
    brigade = UnitFactory(name="Brigade")
    battalion = UnitFactory(name="Battalion", parent=brigade)
    company = UnitFactory(name="Company", parent=battalion)
    sibling = UnitFactory(name="Sibling", parent=brigade)
    return brigade, battalion, company, sibling


def test_subtree_and_ancestors_follow_the_tree_at_any_depth(tree, django_assert_num_queries):
    brigade, battalion, company, sibling = tree
    deep = company
    for depth in range(6):
        deep = UnitFactory(name=f"Deep {depth}", parent=deep)
    assert Unit.objects.subtree_ids(battalion) >= {battalion.pk, company.pk, deep.pk}
    assert sibling.pk not in Unit.objects.subtree_ids(battalion)
    assert Unit.objects.ancestors(brigade) == []
    with django_assert_num_queries(1):
        chain = Unit.objects.ancestors(deep)
    assert [u.name for u in chain[:3]] == ["Brigade", "Battalion", "Company"]
    assert chain[-1].name == "Deep 4"


def test_record_route_1_violations_of_the_subtree(tree):
    brigade, battalion, company, sibling = tree
    in_company = ViolationFactory(units=[company], date=days_ago(10))
    in_sibling = ViolationFactory(units=[sibling], date=days_ago(10))
    record = Unit.objects.record(battalion, as_of=TODAY)
    assert list(record.subtree) == [in_company]
    assert in_sibling not in record.violations


def test_record_route_2_commander_at_the_time_of_the_violation(tree):
    brigade, battalion, company, sibling = tree
    colonel = PersonFactory()
    AssignmentFactory(person=colonel, unit=battalion, start=days_ago(300), end=days_ago(100))
    during = ViolationFactory(people=[colonel], date=days_ago(200))
    before = ViolationFactory(people=[colonel], date=days_ago(400))
    record = Unit.objects.record(battalion, as_of=TODAY)
    assert list(record.commanded_at_time) == [during]
    assert before not in record.violations


def test_record_route_3_current_commander_brings_their_whole_record(tree):
    brigade, battalion, company, sibling = tree
    colonel = PersonFactory()
    AssignmentFactory(person=colonel, unit=sibling, start=days_ago(900), end=days_ago(500))
    AssignmentFactory(person=colonel, unit=battalion, start=days_ago(50), end=None)
    old = ViolationFactory(people=[colonel], date=days_ago(700))
    record = Unit.objects.record(battalion, as_of=TODAY)
    assert list(record.current_commanders) == [old]
    assert record.current_commander_has_countable_grave


def test_record_commander_who_moved_after_the_violation(tree):
    """A commander's violation in unit A stays on A's record (route 2) after they move to B,
    and joins B's record (route 3) while they command B."""
    brigade, battalion, company, sibling = tree
    colonel = PersonFactory()
    AssignmentFactory(person=colonel, unit=sibling, start=days_ago(400), end=days_ago(60))
    AssignmentFactory(person=colonel, unit=battalion, start=days_ago(59), end=None)
    violation = ViolationFactory(people=[colonel], date=days_ago(100))

    old_unit = Unit.objects.record(sibling, as_of=TODAY)
    new_unit = Unit.objects.record(battalion, as_of=TODAY)
    assert (
        list(old_unit.commanded_at_time) == [violation] and list(old_unit.current_commanders) == []
    )
    assert (
        list(new_unit.current_commanders) == [violation] and list(new_unit.commanded_at_time) == []
    )
    assert new_unit.has_recent_countable_grave


def test_record_shows_ancestors_violations_as_context_only(tree):
    brigade, battalion, company, sibling = tree
    at_brigade = [ViolationFactory(units=[brigade], date=days_ago(d)) for d in (5, 6, 7)]
    record = Unit.objects.record(battalion, as_of=TODAY)
    assert set(record.ancestors) == set(at_brigade)
    assert list(record.violations) == []
    assert not record.has_recent_countable_grave and not record.has_pattern


def test_countable_grave_needs_grave_category_and_credible_or_verified(tree):
    brigade, battalion, company, sibling = tree
    for status in VerificationStatus.values:
        ViolationFactory(units=[battalion], verification_status=status, date=days_ago(10))
    ViolationFactory(units=[battalion], category=category("looting"), date=days_ago(10))
    record = Unit.objects.record(battalion, as_of=TODAY)
    assert len(record.violations) == 5
    assert sorted(v.verification_status for v in record.recent_countable_grave) == [
        "credible",
        "verified",
    ]


def test_refoulement_is_a_grave_category_and_counts(tree):
    """domain.md 3.1: refoulement is grave even though some missions' lists omit it."""
    brigade, battalion, company, sibling = tree
    assert category("refoulement").is_grave
    refoulement = ViolationFactory(
        units=[battalion], category=category("refoulement"), date=days_ago(10)
    )
    record = Unit.objects.record(battalion, as_of=TODAY)
    assert list(record.recent_countable_grave) == [refoulement]


def test_alleged_killing_shows_on_record_but_raises_no_flag(tree):
    """Acceptance scenario 3."""
    brigade, battalion, company, sibling = tree
    killing = ViolationFactory(
        units=[battalion],
        category=category("unlawful_killing"),
        verification_status=VerificationStatus.ALLEGED,
        date=days_ago(10),
    )
    record = Unit.objects.record(battalion, as_of=TODAY)
    assert list(record.violations) == [killing]
    assert not record.has_recent_countable_grave


def test_discounted_violation_does_not_count(tree):
    brigade, battalion, company, sibling = tree
    ViolationFactory(
        units=[battalion], verification_status=VerificationStatus.DISCOUNTED, date=days_ago(1)
    )
    assert not Unit.objects.record(battalion, as_of=TODAY).has_recent_countable_grave


@pytest.mark.parametrize(("age", "recent"), [(364, True), (365, False)])
def test_recent_flag_at_the_lookback_boundary(tree, age, recent):
    brigade, battalion, company, sibling = tree
    ViolationFactory(units=[battalion], date=days_ago(age))
    assert Unit.objects.record(battalion, as_of=TODAY).has_recent_countable_grave is recent


def test_recent_flag_follows_the_policy_lookback(tree):
    brigade, battalion, company, sibling = tree
    ViolationFactory(units=[battalion], date=days_ago(100))
    policy = PolicySettings.get_solo()
    policy.lookback_days = 90
    policy.save()
    assert not Unit.objects.record(battalion, as_of=TODAY).has_recent_countable_grave


@pytest.mark.parametrize(("count", "pattern"), [(2, False), (3, True)])
def test_pattern_flag_at_the_threshold(tree, count, pattern):
    brigade, battalion, company, sibling = tree
    for n in range(count):
        ViolationFactory(units=[company], date=days_ago(10 + n))
    ViolationFactory(units=[company], date=days_ago(400))  # outside the window: never counts
    assert Unit.objects.record(battalion, as_of=TODAY).has_pattern is pattern


def test_pattern_threshold_is_a_policy_setting(tree):
    brigade, battalion, company, sibling = tree
    for n in range(2):
        ViolationFactory(units=[company], date=days_ago(10 + n))
    policy = PolicySettings.get_solo()
    policy.pattern_threshold = 2
    policy.save()
    assert Unit.objects.record(battalion, as_of=TODAY).has_pattern


def test_violation_reached_by_two_routes_counts_once(tree):
    brigade, battalion, company, sibling = tree
    colonel = PersonFactory()
    AssignmentFactory(person=colonel, unit=battalion, start=days_ago(300), end=None)
    for n in range(2):
        ViolationFactory(units=[company], people=[colonel], date=days_ago(10 + n))
    record = Unit.objects.record(battalion, as_of=TODAY)
    assert (
        len(record.subtree) == len(record.commanded_at_time) == len(record.current_commanders) == 2
    )
    assert len(record.recent_countable_grave) == 2 and not record.has_pattern


def test_record_takes_constant_queries(tree, django_assert_max_num_queries):
    """Counts, flags and a page of each route with its attributions: a fixed number of queries."""
    from hrddp.registry.queries import load_pages

    brigade, battalion, company, sibling = tree
    colonel = PersonFactory()
    AssignmentFactory(person=colonel, unit=battalion, start=days_ago(300))
    for n in range(30):
        ViolationFactory(units=[company], people=[colonel], date=days_ago(n + 1))
    with django_assert_max_num_queries(5):
        record = Unit.objects.record(battalion, as_of=TODAY)
        load_pages([record])
        for page in record.pages.values():
            for violation in page.violations:
                [str(a) for a in violation.attributions.all()]
    assert len(record.pages["subtree"].violations) == 25


def test_units_whose_record_holds_a_violation_match_the_records(tree):
    """The reverse of the record: every route, checked against ``Unit.objects.record``."""
    from hrddp.registry.queries import units_whose_record_holds

    brigade, battalion, company, sibling = tree
    past, current = PersonFactory(), PersonFactory()
    AssignmentFactory(person=past, unit=sibling, start=days_ago(300), end=days_ago(100))
    AssignmentFactory(person=current, unit=brigade, start=days_ago(10), end=None)
    violation = ViolationFactory(units=[company], people=[past, current], date=days_ago(200))
    holders = units_whose_record_holds(violation, as_of=TODAY)
    assert holders == {company.pk, battalion.pk, brigade.pk, sibling.pk}
    for unit in Unit.objects.all():
        assert (violation in Unit.objects.record(unit, as_of=TODAY).violations) == (
            unit.pk in holders
        )


def test_units_whose_record_holds_costs_the_same_for_any_number_of_units(
    tree, django_assert_num_queries
):
    from hrddp.registry.queries import units_whose_record_holds

    brigade, battalion, company, sibling = tree
    person = PersonFactory()
    violation = ViolationFactory(units=[company, sibling], people=[person], date=days_ago(20))
    with django_assert_num_queries(3):
        holders = units_whose_record_holds(violation, as_of=TODAY)
    assert holders == {company.pk, battalion.pk, brigade.pk, sibling.pk}
