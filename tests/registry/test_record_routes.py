"""A unit's record at its edges (domain.md 3.2), written from the rule: the three routes on the
first and last day of a command, the record as of a date, "recent" as the lookback window that
ends on that date (365 days by default: 364 days ago is recent, 365 is not), and the counts and
flags the rules read."""

import datetime

import pytest

from hrddp.policy.models import PolicySettings
from hrddp.registry.models import Unit, VerificationStatus, Violation
from hrddp.registry.queries import records_of, units_whose_record_holds
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


def counts(record):
    return {route: int(n) for route, n in record.counts.items()}


# --- Route 2: "a person who commanded U on the date of the violation" -------------------------


@pytest.mark.parametrize(
    ("start", "end", "held"),
    [
        (100, 100, True),  # a command of one day, the violation's
        (100, None, True),
        (300, 100, True),  # the command ends on the violation's date
        (300, 101, False),  # ...the day before it
        (99, None, False),  # starts the day after it
    ],
)
def test_route_2_holds_the_violation_on_the_first_and_last_day_of_the_command(
    tree, start, end, held
):
    brigade, battalion, company, sibling = tree
    colonel = PersonFactory()
    AssignmentFactory(
        person=colonel, unit=battalion, start=days_ago(start), end=days_ago(end) if end else None
    )
    violation = ViolationFactory(people=[colonel], date=days_ago(100))
    record = Unit.objects.record(battalion, as_of=TODAY)
    assert (violation in record.commanded_at_time) is held
    assert counts(record)["commanded_at_time"] == int(held)


# --- Route 3: "a person who commands U now", their violations at any date ---------------------


@pytest.mark.parametrize(
    ("start", "end", "current"),
    [
        (0, None, True),  # starts today
        (50, 0, True),  # ends today
        (50, 1, False),  # ended yesterday
        (-1, None, False),  # starts tomorrow
    ],
)
def test_route_3_a_command_is_current_from_its_first_to_its_last_day(tree, start, end, current):
    brigade, battalion, company, sibling = tree
    colonel = PersonFactory()
    AssignmentFactory(
        person=colonel,
        unit=battalion,
        start=days_ago(start),
        end=days_ago(end) if end is not None else None,
    )
    old = ViolationFactory(people=[colonel], date=days_ago(2000))
    record = Unit.objects.record(battalion, as_of=TODAY)
    assert (list(record.current_commanders) == [old]) is current
    assert (list(record.violations) == [old]) is current
    assert record.current_commander_has_countable_grave is current
    assert counts(record)["current_commanders"] == (1 if current else 0)
    assert (battalion.pk in units_whose_record_holds(old, as_of=TODAY)) is current


@pytest.mark.parametrize(
    ("status", "code", "flag"),
    [
        (VerificationStatus.VERIFIED, "torture", True),
        (VerificationStatus.CREDIBLE, "torture", True),
        (VerificationStatus.ALLEGED, "torture", False),
        (VerificationStatus.DISCOUNTED, "torture", False),
        (VerificationStatus.VERIFIED, "arbitrary_detention", False),
    ],
)
def test_current_commander_flag_needs_a_countable_grave_violation(tree, status, code, flag):
    brigade, battalion, company, sibling = tree
    colonel = PersonFactory()
    AssignmentFactory(person=colonel, unit=battalion, start=days_ago(10))
    ViolationFactory(
        people=[colonel], date=days_ago(3000), verification_status=status, category=category(code)
    )
    assert Unit.objects.record(battalion, as_of=TODAY).current_commander_has_countable_grave is flag


def test_a_commanders_violation_after_the_record_date_is_not_in_it(tree):
    brigade, battalion, company, sibling = tree
    colonel = PersonFactory()
    AssignmentFactory(person=colonel, unit=battalion, start=days_ago(10))
    ViolationFactory(people=[colonel], date=TODAY + datetime.timedelta(days=1))
    record = Unit.objects.record(battalion, as_of=TODAY)
    assert not record.current_commander_has_countable_grave
    assert counts(record)["current_commanders"] == 0


# --- The record as of a date, and "recent" -----------------------------------------------------


@pytest.mark.parametrize(
    ("age", "in_record", "recent"),
    [
        (-1, False, False),
        (0, True, True),
        (364, True, True),
        (365, True, False),
        (366, True, False),
    ],
)
def test_recent_is_the_lookback_window_ending_on_the_record_date(tree, age, in_record, recent):
    brigade, battalion, company, sibling = tree
    violation = ViolationFactory(units=[company], date=days_ago(age))
    record = Unit.objects.record(battalion, as_of=TODAY)
    assert (violation in record.violations) is in_record
    assert (violation in record.subtree) is in_record
    assert counts(record)["record"] == counts(record)["subtree"] == int(in_record)
    assert record.has_recent_countable_grave is recent
    assert int(record.recent_countable_grave_count) == int(recent)
    assert list(record.recent_countable_grave) == ([violation] if recent else [])
    assert record.is_recent(violation) is recent
    assert record.is_recent_countable_grave(violation) is recent
    assert (violation in Violation.objects.recent(as_of=TODAY, lookback_days=365)) is recent


def test_recent_reads_the_policy_lookback_by_default(tree):
    brigade, battalion, company, sibling = tree
    violation = ViolationFactory(units=[company], date=days_ago(100))
    policy = PolicySettings.get_solo()
    policy.lookback_days = 101
    policy.save()
    assert violation in Violation.objects.recent(as_of=TODAY)
    policy.lookback_days = 100
    policy.save()
    assert violation not in Violation.objects.recent(as_of=TODAY)
    record = Unit.objects.record(battalion, as_of=TODAY)
    assert record.lookback_days == 100 and not record.has_recent_countable_grave


def test_is_recent_countable_grave_needs_a_countable_grave_violation(tree):
    brigade, battalion, company, sibling = tree
    record = Unit.objects.record(battalion, as_of=TODAY)
    alleged = ViolationFactory(
        units=[battalion], date=days_ago(1), verification_status=VerificationStatus.ALLEGED
    )
    looting = ViolationFactory(units=[battalion], date=days_ago(1), category=category("looting"))
    credible = ViolationFactory(
        units=[battalion], date=days_ago(1), verification_status=VerificationStatus.CREDIBLE
    )
    assert not record.is_recent_countable_grave(alleged)
    assert not record.is_recent_countable_grave(looting)
    assert record.is_recent_countable_grave(credible)
    assert list(
        Violation.objects.countable_grave().filter(pk__in=[alleged.pk, looting.pk, credible.pk])
    ) == [credible]


# --- Counts and the pattern ---------------------------------------------------------------------


def test_each_route_counts_its_own_violations_and_the_record_counts_each_once(tree):
    brigade, battalion, company, sibling = tree
    colonel, major = PersonFactory(), PersonFactory()
    AssignmentFactory(person=colonel, unit=battalion, start=days_ago(500), end=days_ago(200))
    AssignmentFactory(person=major, unit=battalion, start=days_ago(50))
    ViolationFactory(units=[company], date=days_ago(10))
    ViolationFactory(units=[battalion], people=[colonel], date=days_ago(300))  # routes 1 and 2
    ViolationFactory(people=[colonel], date=days_ago(100))  # after the command: none
    ViolationFactory(people=[major], date=days_ago(900))  # route 3
    ViolationFactory(units=[brigade], date=days_ago(5))  # context
    ViolationFactory(units=[brigade, company], date=days_ago(6))  # route 1, so not context
    ViolationFactory(units=[sibling], date=days_ago(5))  # elsewhere
    record = Unit.objects.record(battalion, as_of=TODAY)
    assert counts(record) == {
        "subtree": 3,
        "commanded_at_time": 1,
        "current_commanders": 1,
        "ancestors": 1,
        "record": 4,
    }
    # Days 10, 6 and 300 ago (once each, whatever the routes); 900 days ago is not recent.
    assert int(record.recent_countable_grave_count) == 3
    assert record.has_pattern
    assert [v.date for v in record.ancestors] == [days_ago(5)]


@pytest.mark.parametrize(("count", "pattern"), [(2, False), (3, True), (4, True)])
def test_a_pattern_is_three_recent_countable_grave_violations_across_the_routes(
    tree, count, pattern
):
    brigade, battalion, company, sibling = tree
    colonel = PersonFactory()
    AssignmentFactory(person=colonel, unit=battalion, start=days_ago(50))
    dates = [days_ago(10 + n) for n in range(count)]
    ViolationFactory(units=[company], date=dates[0])
    for date in dates[1:]:
        ViolationFactory(people=[colonel], date=date)  # route 3 (and route 2)
    record = Unit.objects.record(battalion, as_of=TODAY)
    assert int(record.recent_countable_grave_count) == count
    assert record.has_pattern is pattern


def test_records_of_many_units_each_their_own(tree):
    brigade, battalion, company, sibling = tree
    for n in range(3):
        ViolationFactory(units=[company], date=days_ago(10 + n))
    ViolationFactory(units=[sibling], date=days_ago(10))
    records = records_of([company, sibling, battalion], as_of=TODAY)
    assert set(records) == {company.pk, sibling.pk, battalion.pk}
    assert records[company.pk].has_pattern and records[battalion.pk].has_pattern
    assert records[sibling.pk].has_recent_countable_grave and not records[sibling.pk].has_pattern
    assert records[sibling.pk].as_of == TODAY and records[sibling.pk].unit == sibling
    assert records_of([], as_of=TODAY) == {}


# --- Which units' records hold a violation (the triggers read this) ---------------------------


def test_units_whose_record_holds_a_unit_violation_are_the_unit_and_its_ancestors(tree):
    brigade, battalion, company, sibling = tree
    violation = ViolationFactory(units=[company], date=days_ago(10))
    assert units_whose_record_holds(violation, as_of=TODAY) == {
        company.pk,
        battalion.pk,
        brigade.pk,
    }


def test_units_whose_record_holds_a_persons_violation(tree):
    brigade, battalion, company, sibling = tree
    colonel = PersonFactory()
    AssignmentFactory(person=colonel, unit=sibling, start=days_ago(400), end=days_ago(300))
    AssignmentFactory(person=colonel, unit=brigade, start=days_ago(300), end=days_ago(250))
    AssignmentFactory(person=colonel, unit=company, start=days_ago(299), end=days_ago(1))
    AssignmentFactory(person=colonel, unit=battalion, start=days_ago(20), end=TODAY)
    mess = UnitFactory(name="Mess")
    AssignmentFactory(person=colonel, unit=mess, start=days_ago(500), end=days_ago(301))
    AssignmentFactory(person=PersonFactory(), unit=UnitFactory(name="Elsewhere"), start=days_ago(9))
    violation = ViolationFactory(people=[colonel], date=days_ago(300))
    # Commanded the sibling (its last day) and the brigade (its first) on the violation's date;
    # commands the battalion on the day asked about (its last); the company neither then nor now.
    assert units_whose_record_holds(violation, as_of=TODAY) == {
        sibling.pk,
        brigade.pk,
        battalion.pk,
    }
    assert units_whose_record_holds(violation, as_of=TODAY + datetime.timedelta(days=1)) == {
        sibling.pk,
        brigade.pk,
    }


def test_an_ancestors_violation_that_a_current_commander_brings_is_in_the_record_not_context(
    tree,
):
    brigade, battalion, company, sibling = tree
    major = PersonFactory()
    AssignmentFactory(person=major, unit=battalion, start=days_ago(50))
    shared = ViolationFactory(units=[brigade], people=[major], date=days_ago(700))
    context = ViolationFactory(units=[brigade], date=days_ago(5))
    record = Unit.objects.record(battalion, as_of=TODAY)
    assert list(record.current_commanders) == [shared]
    assert list(record.ancestors) == [context]
    assert counts(record)["ancestors"] == 1 and counts(record)["current_commanders"] == 1
