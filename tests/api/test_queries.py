"""Every list answers in a constant number of queries: the same for 5 rows as for 50."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from assessments import workflow
from assessments.models import MeasureStatus, Trigger, TriggerKind
from hrddp.support.models import Communication, CommunicationKind
from tests.factories import (
    AssignmentFactory,
    InstitutionFactory,
    PersonFactory,
    UnitFactory,
    ViolationFactory,
    add_risk,
    make_request,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def builders(mission, ssr_advisor, hro, unit):
    person = PersonFactory()

    def request():
        return make_request(mission, ssr_advisor, [unit, UnitFactory()])

    def assessment():
        support = request()
        support.named_individuals.add(person)
        workflow.apply(support.pk, "submit", ssr_advisor)
        workflow.apply(support.pk, "start_assessment", hro)
        assessment = workflow.current_assessment(support)
        add_risk(assessment, 3, 3, measures=[("screening", MeasureStatus.AGREED)])

    def intervention():
        violation = ViolationFactory(units=[unit])
        trigger = Trigger.objects.create(
            request=request(), kind=TriggerKind.VIOLATION, unit=unit, violation=violation
        )
        workflow.open_intervention(trigger)

    def communication():
        Communication.objects.create(
            request=request(),
            kind=CommunicationKind.OTHER,
            date=timezone.localdate(),
            counterpart="Chief",
            summary="Met.",
            recorded_by=ssr_advisor,
        )

    def person_with_command():
        AssignmentFactory(person=PersonFactory(), unit=UnitFactory())

    return {
        "institutions": lambda: UnitFactory(institution=InstitutionFactory()),
        "units": lambda: UnitFactory(parent=unit),
        "people": person_with_command,
        "command-assignments": lambda: AssignmentFactory(),
        "violations": lambda: ViolationFactory(units=[UnitFactory()], people=[person]),
        "support-requests": request,
        "assessments": assessment,
        "interventions": intervention,
        "communications": communication,
    }


@pytest.mark.parametrize(
    "resource",
    [
        "institutions",
        "units",
        "people",
        "command-assignments",
        "violations",
        "support-requests",
        "assessments",
        "interventions",
        "communications",
    ],
)
def test_list_queries_do_not_grow_with_rows(
    resource, builders, api_for, manager, django_assert_max_num_queries
):
    api = api_for(manager)
    url = f"/api/v1/{resource}/?page_size=100"
    api.get(url)  # the token and the policy settings row exist from here on
    build = builders[resource]
    for _n in range(5):
        build()
    with CaptureQueriesContext(connection) as five:
        response = api.get(url)
    assert response.status_code == 200
    rows = response.json()["count"]
    assert rows >= 5
    for _n in range(45):
        build()
    with django_assert_max_num_queries(len(five)):
        response = api.get(url)
    assert response.json()["count"] == rows + 45
