"""Monitoring triggers (domain.md 5): detected whenever the data changes, and by the sweep.

(a) a countable grave violation newly attributed or newly verified in the record of a unit
    receiving active support; (b) an agreed measure past its due date and not in place;
(c) a command change bringing in a person with a countable grave violation. And, for support to
people (domain.md 4.6), a countable grave violation attributed to (or verified against) a person
confirmed as a participant of the request, as (a) for a unit.

Each cause fires once per request (a unique constraint on ``Trigger``): the request goes under
review, its entity's HROs and managers are notified, and for (a), and (b) on a high risk, an
intervention opens.
"""

from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import Prefetch, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_noop

from hrddp import texts
from hrddp.accounts.models import Role
from hrddp.accounts.queries import entity_users
from hrddp.notifications.services import notify
from hrddp.registry.models import CommandAssignment, Unit, Violation
from hrddp.registry.queries import units_whose_record_holds
from hrddp.screening.models import Participant
from hrddp.support.models import RequestStatus, SupportRequest

from . import workflow
from .models import Decision, Level, Measure, MeasureStatus, Trigger, TriggerKind


def fire(request, kind, unit, *, violation=None, measure=None, assignment=None, intervene=False):
    """Record the trigger once; return it, or None when this cause had already fired."""
    with transaction.atomic():
        try:
            with transaction.atomic():
                trigger = Trigger.objects.create(
                    request=request,
                    kind=kind,
                    unit=unit,
                    violation=violation,
                    measure=measure,
                    assignment=assignment,
                )
        except IntegrityError:
            return None
        label = TriggerKind(kind).label
        if request.status == RequestStatus.ACTIVE:
            # The reason is the trigger's label, translated when the history is read.
            workflow.apply(request.pk, "review", None, reason=texts.text("%(kind)s", kind=label))
        intervention = workflow.open_intervention(trigger) if intervene else None
        subject = (
            gettext_noop("Trigger on “%(request)s”: %(reason)s"),
            {"request": request.title, "reason": label},
        )
        body = [
            (
                gettext_noop("Unit concerned: %(unit)s. The request is under review."),
                {"unit": unit.name},
            )
        ]
        if intervention:
            body.append(
                (
                    gettext_noop(
                        "An intervention is open: intercession due %(i)s, response due %(r)s."
                    ),
                    {"i": intervention.intercession_due, "r": intervention.response_due},
                )
            )
        notify(
            entity_users(request.entity_id, Role.HRO, Role.MANAGER),
            subject,
            body,
            reverse("support:detail", args=[request.pk]),
        )
        return trigger


def monitored_requests():
    return SupportRequest.objects.filter(status__in=workflow.MONITORED_STATES)


def planned_triggers(violation):
    """What trigger (a) and its participant form would do for ``violation`` if it were countable
    grave now: [(request, unit, kind)], one per request, leaving out the requests it already
    reached. ``check_violation`` acts on exactly this list, and the confirmation of a verification
    (``verification_consequences``) shows it beforehand."""
    already = set(Trigger.objects.filter(violation=violation).values_list("request_id", flat=True))
    holder_ids = units_whose_record_holds(violation)
    # Each request's recipient units, read once (not a query per request or participant).
    units_by_id = Prefetch("recipient_units", queryset=Unit.objects.order_by("id"), to_attr="units")
    planned = []
    requests = (
        monitored_requests()
        .filter(recipient_units__in=holder_ids)
        .distinct()
        .order_by("pk")
        .prefetch_related(units_by_id)
    )
    for request in requests:
        unit = next(unit for unit in request.units if unit.pk in holder_ids)
        planned.append((request, unit, TriggerKind.VIOLATION))
    reached = {request.pk for request, _unit, _kind in planned}
    people = violation.attributions.filter(person__isnull=False).values("person_id")
    participants = (
        Participant.objects.filter(person_id__in=people, request__in=monitored_requests())
        .select_related("request", "unit")
        .prefetch_related(
            Prefetch("request__recipient_units", Unit.objects.order_by("id"), to_attr="units")
        )
        .order_by("request_id", "pk")
    )
    for participant in participants:
        if participant.request_id in reached:
            continue
        reached.add(participant.request_id)
        request = participant.request
        unit = participant.unit or next(iter(request.units), None)
        if unit is not None:
            planned.append((request, unit, TriggerKind.PARTICIPANT))
    return [plan for plan in planned if plan[0].pk not in already]


def check_violation(violation_id):
    """Trigger (a), for a violation that was just attributed or verified; and its participant
    form: the violation reaches the requests whose confirmed participants it is attributed to
    (the trigger names the participant's unit, or the request's first recipient unit). One trigger
    per request and violation, whichever way it reached the request first."""
    violation = Violation.objects.select_related("category").filter(pk=violation_id).first()
    if violation is None or not violation.is_countable_grave:  # gone since: nothing to check
        return []
    fired = []
    for request, unit, kind in planned_triggers(violation):
        trigger = fire(request, kind, unit, violation=violation, intervene=True)
        if trigger:
            fired.append(trigger)
    return fired


@dataclass
class Consequences:
    """What setting a violation's status would do, said before it is done (the confirmation)."""

    becomes_countable: bool
    triggers: list  # [(request, unit, kind)], as planned_triggers

    @property
    def to_review(self):
        """The active requests that would go under review."""
        return [r for r, _u, _k in self.triggers if r.status == RequestStatus.ACTIVE]

    @property
    def already_under_review(self):
        return [r for r, _u, _k in self.triggers if r.status != RequestStatus.ACTIVE]

    @property
    def intervention_units(self):
        """The units interventions would open on, each once, by name."""
        return sorted({unit.name for _r, unit, _k in self.triggers})


def verification_consequences(violation, status):
    """What moving ``violation`` to ``status`` would set off (domain.md 5, trigger (a)): nothing
    unless it becomes countable grave by it; else the triggers ``check_violation`` will fire."""
    becomes = violation.becomes_countable_grave(status)
    return Consequences(becomes, planned_triggers(violation) if becomes else [])


def check_assignment(assignment_id):
    """Trigger (c), for a command assignment that starts (or is recorded) now."""
    current = CommandAssignment.objects.current().select_related("unit")
    assignment = current.filter(pk=assignment_id).first()
    if assignment is None:
        return []
    if (
        not Violation.objects.countable_grave()
        .filter(attributions__person_id=assignment.person_id)
        .exists()
    ):
        return []
    fired = []
    for request in monitored_requests().filter(recipient_units=assignment.unit_id):
        trigger = fire(request, TriggerKind.COMMAND_CHANGE, assignment.unit, assignment=assignment)
        if trigger:
            fired.append(trigger)
    return fired


def overdue_measures(today=None):
    """Agreed measures past their due date, on the assessment an approval of monitored support
    rests on (the latest decision's version)."""
    today = today or timezone.localdate()
    decided = (
        Decision.objects.filter(request__status__in=workflow.MONITORED_STATES)
        .order_by("request_id", "-decided_at")
        .distinct("request_id")
        .values("assessment_id")
    )
    return Measure.objects.filter(
        Q(status=MeasureStatus.AGREED) & Q(due_date__lt=today), risk__assessment_id__in=decided
    ).select_related("risk__assessment__request")


def check_measures(today=None):
    """Trigger (b); an intervention opens when the measure's risk is high."""
    # A measure stays overdue sweep after sweep; skip those that already fired here rather than
    # paying a unit query and a refused insert for each of them every two minutes. The unique
    # constraint in ``fire`` still settles a race between two sweeps.
    fired_measures = Trigger.objects.filter(measure__isnull=False).values("measure_id")
    fired = []
    for measure in overdue_measures(today).exclude(pk__in=fired_measures):
        request = measure.risk.assessment.request
        unit = request.recipient_units.order_by("id").first()
        high = measure.risk.level == Level.HIGH
        trigger = fire(request, TriggerKind.MEASURE_OVERDUE, unit, measure=measure, intervene=high)
        if trigger:
            fired.append(trigger)
    return fired
