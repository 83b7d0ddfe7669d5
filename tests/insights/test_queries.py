"""The computations behind the insights dashboard (domain.md 6.2, 6.3, 4.4, 4.5, 5), each on
known data, each in a fixed number of queries."""

import datetime
from decimal import Decimal

import pytest

from assessments.models import AssessmentStatus, InterventionStatus
from hrddp.insights import queries
from hrddp.insights.services import refresh_summaries
from hrddp.registry.models import VerificationStatus
from hrddp.support.models import RequestStatus
from tests.factories import (
    AssignmentFactory,
    PersonFactory,
    UnitFactory,
    ViolationFactory,
    category,
)

from .conftest import END, INSIDE, START

pytestmark = pytest.mark.django_db


def by_name(rows):
    return {row.name: row for row in rows}


# Portfolio balance (6.2)


def test_institution_with_capacity_and_no_governance_support_is_flagged(supported, army, police):
    supported([UnitFactory(institution=army)], ["logistics"], value=100)
    supported([UnitFactory(institution=police)], ["logistics"], value=30)
    supported([UnitFactory(institution=police)], ["hr_ihl_training"], value=50)

    balance = by_name(queries.portfolio_balance(supported.entity_ids, START, END))

    assert balance["Army"].capacity_without_governance
    assert (balance["Army"].capacity_requests, balance["Army"].governance_requests) == (1, 0)
    assert not balance["Police"].capacity_without_governance
    assert (balance["Police"].capacity_requests, balance["Police"].governance_requests) == (1, 1)


def test_governance_support_alone_is_not_flagged(supported, army):
    supported([UnitFactory(institution=army)], ["vetting_support"], value=10)

    (row,) = queries.portfolio_balance(supported.entity_ids, START, END)

    assert (row.capacity_requests, row.governance_requests) == (0, 1)
    assert not row.capacity_without_governance


def test_values_are_summed_per_kind_and_per_currency(supported, army):
    unit = UnitFactory(institution=army)
    supported([unit], ["logistics"], value=100, currency="USD")
    supported([unit], ["financial"], value=Decimal("250.50"), currency="USD")
    supported([unit], ["logistics"], value=40, currency="EUR")
    supported([unit], ["standard_setting"], value=7, currency="USD")
    supported([unit], ["logistics"], value=None)

    (row,) = queries.portfolio_balance(supported.entity_ids, START, END)

    assert row.capacity_requests == 4
    assert row.capacity_value == {"USD": Decimal("350.50"), "EUR": Decimal("40")}
    assert row.governance_requests == 1
    assert row.governance_value == {"USD": Decimal("7")}
    assert row.requests == 5
    assert row.value == {"USD": Decimal("357.50"), "EUR": Decimal("40")}


def test_request_with_both_kinds_counts_in_both_with_its_whole_value(supported, army):
    supported([UnitFactory(institution=army)], ["oversight_accountability", "logistics"], value=60)

    (row,) = queries.portfolio_balance(supported.entity_ids, START, END)

    assert (row.capacity_requests, row.capacity_value) == (1, {"USD": Decimal("60")})
    assert (row.governance_requests, row.governance_value) == (1, {"USD": Decimal("60")})
    assert (row.requests, row.value) == (1, {"USD": Decimal("60")})


def test_request_counts_once_per_institution_of_its_recipients(supported, army, police):
    battalion = UnitFactory(institution=army)
    supported(
        [battalion, UnitFactory(parent=battalion), UnitFactory(institution=police)],
        ["logistics"],
        value=90,
    )

    balance = by_name(queries.portfolio_balance(supported.entity_ids, START, END))

    assert (balance["Army"].capacity_requests, balance["Army"].capacity_value) == (1, {"USD": 90})
    assert (balance["Police"].capacity_requests, balance["Police"].capacity_value) == (
        1,
        {"USD": 90},
    )


@pytest.mark.parametrize(
    "fields, counted",
    [
        ({"status": RequestStatus.APPROVED}, True),
        ({"status": RequestStatus.APPROVED_WITH_CONDITIONS}, True),
        ({"status": RequestStatus.UNDER_REVIEW}, True),
        ({"status": RequestStatus.SUSPENDED}, True),
        ({"status": RequestStatus.LAPSED}, True),
        ({"status": RequestStatus.CLOSED}, True),
        ({"status": RequestStatus.DRAFT}, False),
        ({"status": RequestStatus.AWAITING_DECISION}, False),
        ({"status": RequestStatus.REJECTED}, False),
        ({"status": RequestStatus.WITHDRAWN}, False),
        ({"start": datetime.date(2024, 1, 1), "end": datetime.date(2024, 12, 31)}, False),
        ({"start": datetime.date(2024, 1, 1), "end": START}, True),
        ({"start": END, "end": datetime.date(2026, 6, 30)}, True),
        ({"start": datetime.date(2026, 1, 1), "end": datetime.date(2026, 6, 30)}, False),
        ({"start": None, "end": None}, True),
        ({"start": datetime.date(2024, 1, 1), "end": None}, True),
    ],
)
def test_only_approved_support_overlapping_the_period_counts(supported, army, fields, counted):
    supported([UnitFactory(institution=army)], ["logistics"], value=5, **fields)

    rows = queries.portfolio_balance(supported.entity_ids, START, END)

    assert len(rows) == (1 if counted else 0)


def test_another_entitys_support_is_left_out(supported, agency, army, police):
    supported([UnitFactory(institution=army)], ["logistics"], value=5)
    supported([UnitFactory(institution=police)], ["logistics"], value=5, entity=agency)

    assert [row.name for row in queries.portfolio_balance(supported.entity_ids, START, END)] == [
        "Army"
    ]


# Impartiality (6.3)


@pytest.fixture
def record(army, police):
    """Army: a unit and its sub-unit, a person assigned to the sub-unit through 2025, another
    who left the unit at the end of 2024 for a police station. Police: two countable grave
    violations, one by its station, one by the person who moved there."""
    battalion = UnitFactory(institution=army, name="1st Battalion")
    company = UnitFactory(parent=battalion, name="A Company")
    assigned = PersonFactory(name="Assigned")
    AssignmentFactory(person=assigned, unit=company, start=datetime.date(2025, 1, 1), end=None)
    moved = PersonFactory(name="Moved")
    AssignmentFactory(
        person=moved,
        unit=battalion,
        start=datetime.date(2023, 1, 1),
        end=datetime.date(2024, 12, 31),
    )
    station = UnitFactory(institution=police)
    AssignmentFactory(person=moved, unit=station, start=datetime.date(2025, 1, 1), end=None)
    grave = {"date": INSIDE, "category": category("torture")}
    ViolationFactory(units=[battalion], **grave)  # counts
    ViolationFactory(units=[company], verification_status=VerificationStatus.CREDIBLE, **grave)
    ViolationFactory(people=[assigned], **grave)  # counts: assigned on the day
    ViolationFactory(units=[battalion], people=[assigned], **grave)  # counts once
    ViolationFactory(people=[moved], **grave)  # police's: army assignment over by then
    ViolationFactory(units=[battalion], verification_status=VerificationStatus.ALLEGED, date=INSIDE)
    ViolationFactory(
        units=[battalion], verification_status=VerificationStatus.DISCOUNTED, date=INSIDE
    )
    ViolationFactory(units=[battalion], category=category("looting"), date=INSIDE)
    ViolationFactory(
        units=[battalion], category=category("torture"), date=START - datetime.timedelta(days=1)
    )
    ViolationFactory(units=[station], **grave)
    return battalion


def test_impartiality_sets_support_beside_countable_grave_violations(supported, record):
    supported([record], ["logistics"], value=100)
    supported([record], ["hr_ihl_training"], value=20, currency="EUR")
    refresh_summaries()

    rows = by_name(queries.impartiality(supported.entity_ids, START, END))

    army, police = rows["Army"], rows["Police"]
    assert (army.requests, army.value) == (2, {"USD": 100, "EUR": 20})
    assert army.countable_grave_violations == 4
    assert (police.requests, police.value, police.countable_grave_violations) == (0, {}, 2)
    live = queries.countable_grave_by_institution(START, END)
    assert live == {army.institution_id: 4, police.institution_id: 2}


def test_impartiality_counts_violations_of_the_period_only(supported, record):
    refresh_summaries()

    rows = by_name(
        queries.impartiality(supported.entity_ids, INSIDE + datetime.timedelta(days=1), END)
    )

    assert rows == {}
    assert queries.countable_grave_by_institution(INSIDE + datetime.timedelta(days=1), END) == {}


# Risk heat map (4.4)


def test_heat_map_counts_open_assessments_risks_inherent_and_residual(
    supported, assessed, agency, army
):
    unit = UnitFactory(institution=army)
    assessed(
        supported([unit], status=RequestStatus.UNDER_ASSESSMENT),
        AssessmentStatus.DRAFT,
        [(3, 4, (2, 3)), (2, 2, None)],
    )
    assessed(
        supported([unit], status=RequestStatus.AWAITING_DECISION),
        AssessmentStatus.SUBMITTED,
        [(5, 5, (1, 1)), (3, 4, (3, 4))],
    )
    assessed(supported([unit]), AssessmentStatus.DECIDED, [(4, 4, None)])
    assessed(supported([unit], entity=agency), AssessmentStatus.DRAFT, [(1, 5, None)])

    heat = queries.risk_heat_map(supported.entity_ids)

    inherent = {cell: n for cell, n in heat["inherent"].cells.items() if n}
    residual = {cell: n for cell, n in heat["residual"].cells.items() if n}
    assert inherent == {(3, 4): 2, (2, 2): 1, (5, 5): 1}
    assert residual == {(2, 3): 1, (2, 2): 1, (1, 1): 1, (3, 4): 1}
    assert len(heat["inherent"].cells) == len(heat["residual"].cells) == 25
    assert heat["inherent"].total == heat["residual"].total == 4


def test_heat_map_rows_run_from_severity_five_down_with_levels(supported):
    heat = queries.risk_heat_map(supported.entity_ids)["inherent"]

    rows = heat.rows()

    assert [row[0][1] for row in rows] == [5, 4, 3, 2, 1]
    assert [cell[0] for cell in rows[0]] == [1, 2, 3, 4, 5]
    assert rows[0][2][3] == "high" and rows[2][2][3] == "medium" and rows[4][4][3] == "low"


# Pipeline (4.5)


def test_pipeline_counts_every_state_in_workflow_order_zeros_included(supported, agency, army):
    unit = UnitFactory(institution=army)
    for status in (RequestStatus.DRAFT, RequestStatus.DRAFT, RequestStatus.ACTIVE):
        supported([unit], status=status)
    supported([unit], status=RequestStatus.REJECTED, entity=agency)

    pipeline = queries.pipeline(supported.entity_ids)

    assert [status for status, _label, _n in pipeline] == list(RequestStatus.values)
    counts = {status: n for status, _label, n in pipeline}
    assert counts["draft"] == 2 and counts["active"] == 1
    assert counts["rejected"] == 0 and counts["submitted"] == 0
    assert sum(counts.values()) == 3


# Violations over time (3)


@pytest.mark.parametrize("live", [False, True], ids=["summary", "live"])
def test_violations_are_counted_per_month_by_gravity_and_status(db, live):
    ViolationFactory(date=datetime.date(2025, 1, 5))
    ViolationFactory(date=datetime.date(2025, 1, 31))
    ViolationFactory(
        date=datetime.date(2025, 1, 20), verification_status=VerificationStatus.ALLEGED
    )
    ViolationFactory(date=datetime.date(2025, 3, 1), category=category("looting"))
    ViolationFactory(date=datetime.date(2024, 12, 31))
    ViolationFactory(date=datetime.date(2025, 4, 1))
    refresh_summaries()

    months = queries.violations_over_time(START, datetime.date(2025, 3, 31), live=live)

    assert [m.month for m in months] == [datetime.date(2025, m, 1) for m in (1, 2, 3)]
    january, february, march = months
    assert january.counts[True, "verified"] == 2
    assert january.counts[True, "alleged"] == 1
    assert january.total == 3
    assert february.total == 0
    assert march.counts[False, "verified"] == 1 and march.total == 1


def test_violations_over_time_stop_at_today(db):
    months = queries.violations_over_time(START, END, today=datetime.date(2025, 4, 15))

    assert months[-1].month == datetime.date(2025, 4, 1)
    assert len(months) == 4


# Interventions (5)


def test_interventions_open_overdue_and_by_status(supported, intervention, agency, army):
    today = datetime.date(2025, 6, 15)
    request = supported([UnitFactory(institution=army)])
    yesterday, tomorrow = today - datetime.timedelta(days=1), today + datetime.timedelta(days=1)
    intervention(request, InterventionStatus.OPEN, yesterday)
    intervention(request, InterventionStatus.ESCALATED, yesterday)
    intervention(request, InterventionStatus.OPEN, today)
    intervention(request, InterventionStatus.OPEN, tomorrow)
    intervention(request, InterventionStatus.RESOLVED, yesterday)
    intervention(supported([UnitFactory()], entity=agency), InterventionStatus.OPEN, yesterday)

    counts = queries.interventions(supported.entity_ids, today)

    assert counts.open == 4
    assert counts.overdue == 2
    by_status = {status: n for status, _label, n in counts.by_status}
    assert by_status == {"open": 3, "escalated": 1, "resolved": 1, "continued": 0, "suspended": 0}


# Cost: a fixed number of queries whatever the amount of data


@pytest.mark.parametrize("size", [5, 50])
def test_each_computation_runs_a_fixed_number_of_queries(
    supported, assessed, intervention, size, django_assert_num_queries
):
    for index in range(size):
        unit = UnitFactory()
        request = supported([unit, UnitFactory()], ["logistics", "hr_ihl_training"], value=index)
        assessed(request, AssessmentStatus.DRAFT, [(1 + index % 5, 2, (1, 1))])
        intervention(request, InterventionStatus.OPEN, INSIDE)
        ViolationFactory(units=[unit], date=INSIDE)
    entity_ids = supported.entity_ids

    with django_assert_num_queries(1):
        queries.portfolio_balance(entity_ids, START, END)
    with django_assert_num_queries(2):
        queries.impartiality(entity_ids, START, END)
    with django_assert_num_queries(1):
        queries.countable_grave_by_institution(START, END)
    with django_assert_num_queries(2):
        queries.risk_heat_map(entity_ids)
    with django_assert_num_queries(1):
        queries.pipeline(entity_ids)
    with django_assert_num_queries(1):
        queries.violations_over_time(START, END)
    with django_assert_num_queries(1):
        queries.violations_over_time(START, END, live=True)
    with django_assert_num_queries(1):
        queries.summaries_as_of()
    with django_assert_num_queries(1):
        queries.interventions(entity_ids, END)
