"""Rows for every list with an export, with every kind of cell worth comparing (test_export.py,
test_export_jobs.py)."""

import datetime

from django.utils import timezone

from assessments import workflow
from assessments.models import Decision, Trigger, TriggerKind
from hrddp.community.models import Perception
from hrddp.registry.models import (
    Attribution,
    DatePrecision,
    Institution,
    InstitutionKind,
    Responsibility,
    ViolationCategory,
)
from hrddp.support.models import Communication, CommunicationKind
from tests.factories import (
    AssignmentFactory,
    PersonFactory,
    UnitFactory,
    ViolationFactory,
    active_request,
    category,
    make_request,
)

# (url name, spec, persona reading it): every list page with an export.
LISTS = [
    ("registry:institution_list", "institutions", "hro"),
    ("registry:unit_list", "units", "hro"),
    ("registry:person_list", "people", "hro"),
    ("registry:assignment_list", "assignments", "hro"),
    ("registry:violation_list", "violations", "hro"),
    ("registry:triage", "triage", "hro"),
    ("community:my_reports", "my_reports", "hro"),
    ("support:list", "requests", "ssr_advisor"),
    ("support:waivers", "waivers", "manager"),
    ("assessments:intervention_list", "interventions", "hro"),
    ("community:perception_list", "perceptions", "hro"),
]


# Late in a UTC evening: the next day already in Chatham (UTC+13:45), where the minutes differ too.
RECORDED_AT = datetime.datetime(2025, 5, 1, 23, 50, tzinfo=datetime.UTC)


def build_registry_world(hro, manager, ssr_advisor, mission):
    """Every kind of cell: choices, vocabulary names (seeded and added), partial dates, empty and
    missing values, aliases with a blank, several attributions, cells a spreadsheet would run as
    formulas, commas, quotes and line breaks."""
    army = Institution.objects.create(name="National Army", kind=InstitutionKind.ARMY, country="X")
    Institution.objects.create(name="=Police", kind=InstitutionKind.POLICE)
    brigade = UnitFactory(
        name="1st Brigade", institution=army, aliases=["First", "", "Brigade 1"], location="North"
    )
    battalion = UnitFactory(name="=3rd Battalion", institution=army, parent=brigade, location="")
    # Approved before the registry below gives the brigade's commander a record.
    support = active_request(mission, ssr_advisor, hro, manager, units=[brigade], title="Rations")
    colonel = PersonFactory(name="Ndala", rank="Colonel", aliases=["N.", ""])
    nobody = PersonFactory(name="-Unranked", rank="")
    AssignmentFactory(person=colonel, unit=brigade, role="commander")
    AssignmentFactory(
        person=colonel, unit=battalion, role="deputy", start=datetime.date(2021, 2, 3)
    )
    AssignmentFactory(
        person=nobody,
        unit=brigade,
        role="commander",
        start=datetime.date(2018, 1, 1),
        end=datetime.date(2019, 6, 30),
    )
    added = ViolationCategory.objects.create(code="added", name="Category added by an admin")
    torture = category("torture")
    ViolationFactory(
        units=[brigade, battalion],
        people=[colonel, nobody],
        date=datetime.date(2024, 3, 5),
        location='Kanda, "east"',
        narrative="First line\nsecond, line",
        subtype=torture.subtypes.first(),
        scale="widespread",
        source_reliability="high",
    )
    Attribution.objects.filter(person=nobody).update(responsibility=Responsibility.COMMAND)
    ViolationFactory(
        date=datetime.date(2023, 7, 1),
        date_precision=DatePrecision.MONTH,
        location="+Market",
        category=category("looting"),
        verification_status="alleged",
    )
    ViolationFactory(
        date=datetime.date(2022, 1, 1),
        date_precision=DatePrecision.YEAR,
        location="@Camp",
        category=added,
        verification_status="alleged",
        staff_report=True,
        reported_by=hro,
        units=[battalion],
    )
    ViolationFactory(
        location="\tTabbed", verification_status="discounted", category=category("looting")
    )
    make_request(
        mission,
        ssr_advisor,
        [brigade, battalion],
        support_types=("logistics", "hr_ihl_training"),
        title="=Fuel and training",
        respond_by=datetime.date(2025, 1, 31),
        urgency="urgent",
    )
    manager.first_name, manager.last_name = "", ""
    manager.save()
    approval = Decision.objects.get(request=support)
    Decision.objects.create(  # decisions are append-only: a second one, with a waiver
        request=support,
        assessment=approval.assessment,
        kind="approve_with_conditions",
        reason="Vital.",
        waiver_reason="Famine, relief",
        inherent_level="high",
        residual_level="high",
        decided_by=manager,
    )
    for unit, letter in ((brigade, True), (battalion, False)):
        violation = ViolationFactory(units=[unit])
        trigger = Trigger.objects.create(
            request=support, kind=TriggerKind.VIOLATION, violation=violation, unit=unit
        )
        intervention = workflow.open_intervention(trigger)
        if letter:
            Communication.objects.create(
                request=support,
                intervention=intervention,
                kind=CommunicationKind.INTERCESSION,
                date=timezone.localdate(),
                counterpart="Chief of Staff",
                summary="Letter.",
                recorded_by=hro,
            )
    for area, unit, institution in (("North", brigade, None), ("-South", None, army)):
        Perception.objects.create(
            date=datetime.date(2024, 1, 1),
            area=area,
            method="survey",
            population_group='Farmers, "young"',
            trust_in_force=2,
            trust_in_mission=3,
            unit=unit,
            institution=institution,
            concerns="Night\npatrols",
        )
