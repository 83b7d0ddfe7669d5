"""Demo pipeline: support requests walked through the real workflow into every state.

Called by ``manage.py seed_demo`` after the registry is seeded. Every state change goes through
``workflow.apply``, so the demo's history rows are the ones the product would write.
"""

import datetime

from django.utils import timezone

from hrddp.registry.models import Attribution, Unit, VerificationStatus, Violation
from hrddp.registry.services import set_verification_status
from hrddp.support.models import Communication, CommunicationKind, Delivery, SupportRequest

from . import monitoring, reminders, workflow
from .models import Intervention, Level, Measure, MeasureStatus, MeasureType, ResponsibleParty, Risk

FACTOR_NOTES = {
    "F1": "Record reviewed from the registry for every recipient unit.",
    "F2": "Some investigations opened; few prosecutions.",
    "F3": "Orders are generally followed; commanders' records checked.",
    "F4": "The support does not directly enable the use of force.",
    "F5": "Operations planned in areas with displaced civilians.",
    "F6": "The mission has regular access and influence at command level.",
    "F7": "Measures discussed with the authorities and accepted in principle.",
    "F8": "Consulted community perception surveys; civilians' safety improves if patrols resume.",
}
SCOPE_NOTES = {
    "S1": "Training changes no line of control; low risk of reprisals.",
    "S2": "Nobody is removed by the activity.",
    "S3": "Participants are encouraged to report; the complaints desk protects them.",
    "S4": "If cut short, trained officers remain; little harm.",
    "S5": "Backed by a command order and reporting procedures.",
}

# The path of a request from draft to active support.
ACTIVE = ["submit", "start_assessment", "submit_for_decision", "approve", "letter", "activate"]

# title, support types, path of actions, kind of assessment content
SCENARIOS = [
    ("Vehicles for the border post", ["logistics"], [], None),
    ("Rations for the river patrol company", ["logistics"], ["submit"], None),
    ("Generators for the police station", ["logistics"], ["submit", "return"], None),
    (
        "Fuel for the road-clearing battalion",
        ["logistics"],
        ["submit", "start_assessment"],
        "partial",
    ),
    (
        "Radios for the gendarmerie squadron",
        ["logistics"],
        ["submit", "start_assessment", "submit_for_decision"],
        "safe",
    ),
    (
        "Mentoring for the rapid intervention company",
        ["operational_training"],
        ["submit", "start_assessment", "submit_for_decision"],
        "unsafeguarded",
    ),
    (
        "Human rights training for the prison staff",
        ["hr_ihl_training"],
        ["submit", "start_assessment", "submit_for_decision"],
        "safe",
    ),
    (
        "Tents and water for the gendarmerie group",
        ["logistics"],
        ["submit", "start_assessment", "submit_for_decision", "approve"],
        "safe",
    ),
    (
        "Salaries for the mobile brigade",
        ["financial"],
        ["submit", "start_assessment", "submit_for_decision", "approve_with_conditions"],
        "safeguarded",
    ),
    (
        "Intelligence sharing with the special battalion",
        ["operational_support"],
        ["submit", "start_assessment", "submit_for_decision", "reject"],
        "high",
    ),
    (
        "Fuel and rations for the northern brigade",
        ["logistics"],
        [*ACTIVE, "delivery"],
        "safeguarded",
    ),
    (
        "Complaints mechanism for the police directorate",
        ["oversight_accountability"],
        ACTIVE,
        "safe",
    ),
    ("Boats for the lake patrol", ["logistics"], ["submit", "withdraw"], None),
    (
        "Escort vehicles for the eastern battalion",
        ["logistics"],
        [*ACTIVE, "review_soon"],
        "safe",
    ),
    (
        "Fuel for the lake brigade",
        ["logistics"],
        [*ACTIVE, "violation"],
        "safe",
    ),
    (
        "Rations for the border company",
        ["logistics"],
        [*ACTIVE, "suspend"],
        "safe",
    ),
    (
        "Generators for the central prison",
        ["logistics"],
        [*ACTIVE, "lapse"],
        "safe",
    ),
    (
        "Uniforms for the border guards",
        ["logistics"],
        [*ACTIVE, "close"],
        "safe",
    ),
]


def fill_assessment(assessment, kind):
    assessment.factors.update(rating=Level.LOW)
    for factor in assessment.factors.all():
        factor.narrative = FACTOR_NOTES[factor.code]
        factor.rating = (
            Level.MEDIUM
            if kind in ("unsafeguarded", "high") and factor.code in ("F1", "F5")
            else Level.LOW
        )
        factor.save()
    if kind == "partial":
        return
    for answer in assessment.scope_answers.all():
        answer.rating, answer.answer = Level.LOW, SCOPE_NOTES[answer.code]
        answer.save()
    assessment.recommendation = "do_not_support" if kind == "high" else "support_with_conditions"
    assessment.rationale = "Weighed the record, the measures agreed and the protection benefit."
    assessment.risk_of_not_supporting = (
        "Without it, patrols stop and civilians in the area are less protected."
    )
    assessment.monitoring_plan = (
        "Monthly monitoring visits; review of the registry before each delivery."
    )
    assessment.save()
    catalogue = MeasureType.objects.in_bulk(field_name="code")
    if kind == "safe":
        Risk.objects.create(
            assessment=assessment,
            description="Supplies diverted to other units",
            factor="F4",
            likelihood=2,
            severity=2,
        )
    elif kind == "unsafeguarded":
        Risk.objects.create(
            assessment=assessment,
            description="Trained personnel used in abusive operations",
            factor="F5",
            likelihood=3,
            severity=4,
            residual_likelihood=2,
            residual_severity=3,
        )
    elif kind in ("safeguarded", "high"):
        risk = Risk.objects.create(
            assessment=assessment,
            description="Support enables operations by a unit with a record",
            factor="F1",
            likelihood=4,
            severity=5,
            residual_likelihood=2 if kind == "safeguarded" else 4,
            residual_severity=3 if kind == "safeguarded" else 5,
        )
        for code, status in (
            ("screening", MeasureStatus.AGREED),
            ("monitor_access", MeasureStatus.IN_PLACE),
            ("written_commitment", MeasureStatus.AGREED),
        ):
            Measure.objects.create(
                risk=risk,
                measure_type=catalogue[code],
                responsible=ResponsibleParty.RECIPIENT_AUTHORITY,
                due_date=timezone.localdate() + datetime.timedelta(days=30),
                status=status,
            )


def pick_units(count):
    """Units whose record raises no floor (for the approvals), and units with a recent countable
    grave violation (for the safeguarded and rejected requests)."""
    clean, risky = [], []
    # The most recently created units are the deepest (seed_demo inserts level by level): their
    # records stay small at any scale, where a division's holds tens of thousands of violations.
    for unit in Unit.objects.filter(parent__isnull=False).order_by("-id")[:400]:
        record = Unit.objects.record(unit)
        if record.has_recent_countable_grave:
            risky.append(unit)
        elif not record.current_commander_has_countable_grave:
            clean.append(unit)
        if len(clean) >= count and len(risky) >= 4:
            break
    return clean or risky, risky or clean


def seed_pipeline(entities, users):
    """Create the demo requests and walk each through the workflow; returns how many."""
    ssr, hro, manager = users["ssr"], users["hro"], users["manager"]
    clean, risky = pick_units(len(SCENARIOS))
    today = timezone.localdate()
    for index, (title, types, path, kind) in enumerate(SCENARIOS):
        request = SupportRequest.objects.create(
            entity=entities["mission"],
            title=title,
            support_types=types,
            created_by=ssr,
            description=f"{title}, for three months.",
            location="Tessala",
            start=today + datetime.timedelta(days=30),
            end=today + datetime.timedelta(days=120),
            value=25000 + 5000 * index,
            currency="USD",
            funding_source="Mission programmatic funds",
            respond_by=today + datetime.timedelta(days=14),
        )
        pool = risky if kind in ("safeguarded", "high") else clean
        request.recipient_units.set([pool[index % len(pool)]])
        for action in path:
            if action == "letter":
                Communication.objects.create(
                    request=request,
                    kind=CommunicationKind.POLICY_NOTIFICATION,
                    date=today,
                    counterpart="Chief of Defence Staff",
                    recorded_by=ssr,
                    summary="HRDDP notification and conditions of support, acknowledged.",
                )
            elif action in MONITORING_STEPS:
                MONITORING_STEPS[action](request, manager, today, hro)
            elif action == "delivery":
                Delivery.objects.create(
                    request=request,
                    date=today,
                    description="First monthly consignment.",
                    value=8000,
                    recorded_by=ssr,
                )
            else:
                actor = {"submit": ssr, "activate": ssr}.get(action) or (
                    hro
                    if action in ("return", "start_assessment", "submit_for_decision")
                    else manager
                )
                if action == "submit_for_decision":
                    fill_assessment(workflow.current_assessment(request), kind)
                workflow.apply(
                    request.pk,
                    action,
                    actor,
                    reason=REASONS.get(action, ""),
                    conditions="Monthly reports on the use of the support; access for UN monitors.",
                )
            if action == "start_assessment" and kind == "partial":
                fill_assessment(workflow.current_assessment(request), kind)
    return len(SCENARIOS)


def review_coming_due(request, manager, today, hro):
    SupportRequest.objects.filter(pk=request.pk).update(
        review_due=today + datetime.timedelta(days=10)
    )


def overdue_intervention(request, manager, today, hro):
    """An alleged killing, attributed to the recipient and then verified: trigger, review and an
    intervention whose response was due five days ago, so the managers' daily reminder is due."""
    violation = (
        Violation.objects.filter(
            category__is_grave=True, verification_status=VerificationStatus.ALLEGED
        )
        .order_by("id")
        .first()
    )
    Attribution.objects.create(violation=violation, unit=request.recipient_units.get())
    set_verification_status(
        violation, VerificationStatus.VERIFIED, hro, note="Confirmed by two witnesses."
    )
    for trigger in monitoring.check_violation(violation.pk):
        Intervention.objects.filter(trigger=trigger).update(
            opened_on=today - datetime.timedelta(days=35),
            intercession_due=today - datetime.timedelta(days=28),
            response_due=today - datetime.timedelta(days=5),
        )


def suspend(request, manager, today, hro):
    workflow.apply(
        request.pk, "suspend", manager, reason="No answer to two intercessions on detainees."
    )


def lapse(request, manager, today, hro):
    SupportRequest.objects.filter(pk=request.pk).update(
        valid_until=today - datetime.timedelta(days=1)
    )
    reminders.lapse_expired(today)


MONITORING_STEPS = {
    "review_soon": review_coming_due,
    "violation": overdue_intervention,
    "suspend": suspend,
    "lapse": lapse,
}

REASONS = {
    "return": "Please name the platoons that would receive the generators.",
    "approve": "Risks are low or mitigated by the agreed measures.",
    "approve_with_conditions": "Approved on the conditions below.",
    "reject": "Residual risk stays high; the unit's record shows a pattern of grave violations.",
    "withdraw": "The programme was cancelled by the donor.",
    "close": "All uniforms delivered.",
}
