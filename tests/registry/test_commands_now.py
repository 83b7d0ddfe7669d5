"""Who commands a unit now (domain.md 3: a command assignment runs from its first day to its last,
open-ended while current) has one definition, ``CommandAssignment.objects.current(on)`` (and
``in_command_on`` for joins); the record's raw SQL (route 3), the command-change trigger and the
pages' lookups all agree with it on the boundary days."""

import datetime

import pytest
import time_machine

from hrddp.registry.filters import AssignmentFilter, PersonFilter
from hrddp.registry.models import CommandAssignment, Person, Unit
from hrddp.registry.queries import in_command_on
from hrddp.support.queries import named_individual_choices
from tests.factories import AssignmentFactory, ViolationFactory, make_request

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 6, 1)


def days_ago(n):
    return TODAY - datetime.timedelta(days=n)


BOUNDARIES = [
    pytest.param(0, None, True, id="starting-today"),
    pytest.param(50, 0, True, id="ending-today"),
    pytest.param(50, None, True, id="open-ended"),
    pytest.param(50, 1, False, id="ended-yesterday"),
    pytest.param(-1, None, False, id="starting-tomorrow"),
]


@pytest.mark.parametrize(("start", "end", "current"), BOUNDARIES)
def test_commands_now_includes_assignment_ending_today(start, end, current):
    assignment = AssignmentFactory(
        start=days_ago(start), end=days_ago(end) if end is not None else None
    )
    assert CommandAssignment.objects.current(TODAY).contains(assignment) is current
    assert CommandAssignment.objects.not_current(TODAY).contains(assignment) is not current
    through_person = Person.objects.filter(in_command_on(TODAY, prefix="assignments__"))
    assert through_person.contains(assignment.person) is current
    # The record's own SQL (route 3: who commands the unit now brings their record).
    ViolationFactory(people=[assignment.person], date=days_ago(2000))
    record = Unit.objects.record(assignment.unit, as_of=TODAY)
    assert bool(list(record.current_commanders)) is current


@pytest.mark.parametrize(("start", "end", "current"), BOUNDARIES)
def test_commands_now_is_today_on_the_pages_lookups(mission, ssr_advisor, start, end, current):
    assignment = AssignmentFactory(
        start=days_ago(start), end=days_ago(end) if end is not None else None
    )
    support_request = make_request(mission, ssr_advisor, [assignment.unit])
    with time_machine.travel(datetime.datetime(2026, 6, 1, 12, 0), tick=False):
        assert CommandAssignment.objects.current().contains(assignment) is current
        assert named_individual_choices(support_request).contains(assignment.person) is current
        people = PersonFilter({"commands": assignment.unit.pk}, queryset=Person.objects.all()).qs
        assert people.contains(assignment.person) is current
        listed = AssignmentFilter({"current": True}, queryset=CommandAssignment.objects.all()).qs
        assert listed.contains(assignment) is current
