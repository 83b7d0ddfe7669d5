"""A unit's record at any size (domain.md 3.2, issue 11): counts per route exact up to a cap, each
route a page at a time, the flags and floors exactly as for a small record, the SSR advisor's
summary bounded and labelled when it covers only the newest violations."""

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from assessments.models import Level
from assessments.risk import record_floor
from hrddp.policy.models import PolicySettings
from hrddp.registry import queries
from hrddp.registry.models import Unit, VerificationStatus
from hrddp.registry.queries import load_pages
from hrddp.support.models import RequestStatus
from tests.factories import (
    AssignmentFactory,
    PersonFactory,
    SupportRequestFactory,
    ViolationFactory,
    category,
    days_ago,
    unit_chain,
)

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


@pytest.fixture
def tree():
    return unit_chain("Brigade", "Battalion", "Company")


@pytest.fixture
def small_cap(monkeypatch):
    """Counts stop at 10, so that "more than the cap" needs a dozen violations, not a thousand."""
    monkeypatch.setattr(queries, "RECORD_CAP", 10)
    return 10


def test_each_route_is_paged_25_at_a_time_newest_first_with_its_own_page(tree):
    brigade, battalion, company = tree
    colonel = PersonFactory()
    AssignmentFactory(person=colonel, unit=battalion, start=days_ago(900))
    in_company = [ViolationFactory(units=[company], date=days_ago(n + 1)) for n in range(30)]
    by_colonel = [ViolationFactory(people=[colonel], date=days_ago(n + 1)) for n in range(3)]
    record = Unit.objects.record(battalion, as_of=TODAY)
    load_pages([record], {"subtree_page": "2"})

    subtree = record.pages["subtree"]
    assert subtree.number == 2 and subtree.has_previous and not subtree.has_next
    assert subtree.violations == in_company[25:]  # the oldest five, newest first
    current = record.pages["current_commanders"]
    assert current.number == 1 and current.violations == by_colonel
    assert "current_commanders_page=1" not in subtree.previous_query
    assert "subtree_page=1" in subtree.previous_query

    load_pages([record], {})
    assert record.pages["subtree"].violations == in_company[:25]
    assert record.pages["subtree"].has_next


def test_route_counts_are_exact_up_to_the_cap_then_say_more(tree, small_cap):
    brigade, battalion, company = tree
    for n in range(12):
        ViolationFactory(units=[company], date=days_ago(n + 1))
    for n in range(4):
        ViolationFactory(units=[brigade], date=days_ago(n + 1))
    record = Unit.objects.record(battalion, as_of=TODAY)
    assert record.counts["subtree"].more and str(record.counts["subtree"]) == "10+"
    assert record.counts["record"].more
    assert record.counts["ancestors"] == 4 and str(record.counts["ancestors"]) == "4"
    assert record.counts["commanded_at_time"] == 0 and not record.counts["commanded_at_time"]


def test_record_count_takes_a_violation_reached_by_two_routes_once(tree):
    brigade, battalion, company = tree
    colonel = PersonFactory()
    AssignmentFactory(person=colonel, unit=battalion, start=days_ago(900))
    for n in range(3):
        ViolationFactory(units=[company], people=[colonel], date=days_ago(n + 1))
    record = Unit.objects.record(battalion, as_of=TODAY)
    assert record.counts["subtree"] == record.counts["current_commanders"] == 3
    assert record.counts["record"] == 3
    assert record.recent_countable_grave_count == 3 and record.has_pattern


def test_flags_and_floor_of_a_record_larger_than_the_cap_are_those_of_the_whole_record(
    tree, small_cap
):
    """Counts stop at the cap; the rules do not: a pattern, a recent countable grave violation
    and a commander's record are found however many violations come before them."""
    brigade, battalion, company = tree
    for n in range(40):  # more than a page and than the cap, none of them counting
        ViolationFactory(
            units=[company], verification_status=VerificationStatus.ALLEGED, date=days_ago(n + 1)
        )
    record = Unit.objects.record(battalion, as_of=TODAY)
    assert not record.has_recent_countable_grave and not record.has_pattern
    assert record_floor({battalion: record}) == (None, [])

    ViolationFactory(units=[company], date=days_ago(300))
    record = Unit.objects.record(battalion, as_of=TODAY)
    assert record.has_recent_countable_grave and not record.has_pattern
    assert record_floor({battalion: record})[0] == Level.MEDIUM

    for n in range(14):
        ViolationFactory(units=[company], date=days_ago(100 + n))
    record = Unit.objects.record(battalion, as_of=TODAY)
    assert record.has_pattern and record.recent_countable_grave_count.more
    floor, reasons = record_floor({battalion: record})
    assert floor == Level.HIGH and "10+ recent countable grave violations" in reasons[0]


def test_pattern_threshold_above_the_cap_is_still_found(tree, small_cap):
    brigade, battalion, company = tree
    policy = PolicySettings.get_solo()
    policy.pattern_threshold = 12
    policy.save()
    for n in range(11):
        ViolationFactory(units=[company], date=days_ago(n + 1))
    assert not Unit.objects.record(battalion, as_of=TODAY).has_pattern
    ViolationFactory(units=[company], date=days_ago(20))
    assert Unit.objects.record(battalion, as_of=TODAY).has_pattern


def test_commander_with_a_countable_grave_violation_behind_many_others_raises_the_floor(tree):
    brigade, battalion, company = tree
    colonel = PersonFactory()
    AssignmentFactory(person=colonel, unit=battalion, start=days_ago(10))
    for n in range(30):
        ViolationFactory(people=[colonel], category=category("looting"), date=days_ago(n + 1))
    record = Unit.objects.record(battalion, as_of=TODAY)
    assert not record.current_commander_has_countable_grave
    ViolationFactory(people=[colonel], date=days_ago(3000))
    record = Unit.objects.record(battalion, as_of=TODAY)
    assert record.current_commander_has_countable_grave
    assert record_floor({battalion: record})[0] == Level.HIGH


def test_ssr_summary_counts_by_category_and_status(tree):
    brigade, battalion, company = tree
    for status in (VerificationStatus.VERIFIED, VerificationStatus.VERIFIED, "alleged"):
        ViolationFactory(units=[company], verification_status=status, date=days_ago(5))
    ViolationFactory(units=[brigade], date=days_ago(5))  # context: not in the summary
    summary = Unit.objects.record(battalion, as_of=TODAY).summary
    assert not summary.partial
    assert [(row["verification_status"], row["count"]) for row in summary] == [
        ("alleged", 1),
        ("verified", 2),
    ]


def test_ssr_summary_of_a_record_over_the_cap_counts_the_newest_and_says_so(
    tree, small_cap, client_for, ssr_advisor, mission
):
    brigade, battalion, company = tree
    for n in range(15):
        ViolationFactory(units=[company], date=days_ago(n + 1))
    summary = Unit.objects.record(battalion, as_of=TODAY).summary
    assert summary.partial and sum(row["count"] for row in summary) == 10
    assert (summary.oldest, summary.newest) == (days_ago(10), days_ago(1))

    SupportRequestFactory(
        entity=mission,
        created_by=ssr_advisor,
        recipient_units=[battalion],
        status=RequestStatus.SUBMITTED,  # a draft unlocks no summary (issue 12, hole 10)
    )
    response = client_for(ssr_advisor).get(reverse("registry:unit_detail", args=[battalion.pk]))
    content = response.content.decode()
    assert "This record holds more than 10 violations" in content
    assert date_format(days_ago(10), "DATE_FORMAT") in content


def test_unit_page_pages_each_route_on_its_own(tree, client_for, hro):
    brigade, battalion, company = tree
    oldest = ViolationFactory(units=[company], location="Oldest", date=days_ago(400))
    for n in range(25):
        ViolationFactory(units=[company], location="Newer", date=days_ago(n + 1))
    url = reverse("registry:unit_detail", args=[battalion.pk])
    first = client_for(hro).get(url).content.decode()
    assert "Oldest" not in first and "subtree_page=2" in first
    second = client_for(hro).get(url, {"subtree_page": 2}).content.decode()
    assert "Oldest" in second and f"/registry/violations/{oldest.pk}/" in second
