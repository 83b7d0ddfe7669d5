"""Who may see which assessments and interventions, and what their pages and the API read of
them: one home for the pages, the API and the start page."""

from django.db.models import Exists, OuterRef
from django.shortcuts import get_object_or_404

from hrddp.accounts.models import Role
from hrddp.pagination import paginate
from hrddp.registry.models import CommandAssignment
from hrddp.support.access import holds_role_in, waiver_entity_ids
from hrddp.support.models import (
    Communication,
    CommunicationKind,
    RequestStatus,
    SupportRequest,
)

from . import workflow
from .models import Assessment, Decision, Intervention, InterventionStatus, Measure, Risk
from .monitoring import verification_consequences

# Who acts on an intervention (domain.md 5): the HROs and managers of the request's entity.
ACTION_ROLES = (Role.HRO, Role.MANAGER)
# Who records the intercession letter and the authorities' response (domain.md 5).
LETTER_ROLES = (Role.HRO, Role.MANAGER)


def visible_assessments(user, queryset=None):
    """Assessments of requests of the user's own entities (domain.md 7)."""
    queryset = queryset if queryset is not None else Assessment.objects.all()
    return queryset.filter(request__in=SupportRequest.objects.visible_to(user))


def visible_decisions(user):
    """Decisions on requests of the user's own entities, as the request page lists them (domain.md
    7), newest first."""
    return Decision.objects.filter(request__in=SupportRequest.objects.visible_to(user)).order_by(
        "-decided_at", "-pk"
    )


def waiver_decisions(user):
    """The waiver report (domain.md 4.5, D2): decisions with a waiver reason, of the entities
    where the user is a manager or an auditor, newest first."""
    return (
        Decision.objects.exclude(waiver_reason="")
        .filter(request__entity_id__in=waiver_entity_ids(user))
        .order_by("-decided_at", "-pk")
    )


def is_entity_hro(user, assessment):
    return workflow.holds_role(assessment.request, user, (Role.HRO,))


def visible_interventions(user):
    """Interventions on requests of the user's own entities (domain.md 7)."""
    return Intervention.objects.filter(request__entity_id__in=user.entity_ids_for())


def get_assessment_for_user(user, pk, queryset=None):
    """The assessment if the user holds a role in its request's entity; 404 otherwise."""
    assessments = visible_assessments(user, queryset).select_related("request__entity", "drafter")
    return get_object_or_404(assessments, pk=pk)


def get_risk_for_user(user, risk_pk):
    return get_object_or_404(
        Risk.objects.filter(assessment__in=visible_assessments(user)).select_related(
            "assessment__request__entity", "assessment__drafter"
        ),
        pk=risk_pk,
    )


def get_intervention_for_user(user, pk):
    queryset = visible_interventions(user).select_related(
        "request__entity",
        "unit__institution",
        "closed_by",
        "trigger__violation__category",
        "trigger__measure__measure_type",
        "trigger__assignment__person",
    )
    return get_object_or_404(queryset, pk=pk)


def current_commanders(units, on):
    """{unit pk: [command assignment]} for assignments current on ``on`` (one query)."""
    by_unit = {unit.pk: [] for unit in units}
    assignments = (
        CommandAssignment.objects.current(on)
        .filter(unit__in=units)
        .select_related("person")
        .order_by("role", "person__name")
    )
    for assignment in assignments:
        by_unit[assignment.unit_id].append(assignment)
    return by_unit


def with_intercession(queryset):
    letters = Communication.objects.filter(
        intervention=OuterRef("pk"), kind=CommunicationKind.INTERCESSION
    )
    return queryset.annotate(has_intercession=Exists(letters))


def flag(interventions, today):
    """Set the overdue flags the pages show; ``has_intercession`` must be annotated."""
    for intervention in interventions:
        intervention.overdue = intervention.is_overdue(today)
        intervention.intercession_overdue = (
            intervention.status == InterventionStatus.OPEN
            and not intervention.has_intercession
            and intervention.intercession_due < today
        )
    return interventions


def can_record_letter(user, intervention):
    return holds_role_in(user, intervention.request, *LETTER_ROLES)


# The page of a request's or an intervention's attempt log: ?log_page= beside the page's others.
LOG_PAGE_PARAMETER = "log_page"


def attempt_log(http_request, rows):
    """The page of an attempt log (``request.transitions`` or ``intervention.transitions``) that
    ``?log_page=`` asks for, newest first, each row with its action's label: one query however
    long the log (the page reads one row more to know whether older ones exist)."""
    page = paginate(
        http_request,
        rows.select_related("actor").order_by("-at", "-id"),
        param=LOG_PAGE_PARAMETER,
        counted=False,
    )
    page.object_list = list(page.object_list)
    for row in page.object_list:
        row.action_label = workflow.attempt_label(row)
    return page


def measures_of(assessment):
    """The mitigatory measures of an assessment, by risk: the conditions the decision is taken on
    (the proposed ones are still to be agreed with the authorities)."""
    return list(
        Measure.objects.filter(risk__assessment=assessment)
        .select_related("measure_type", "risk")
        .order_by("risk_id", "id")
    )


def interventions_set_off_by(violation, change):
    """The interventions the triggers of ``violation`` opened since ``change`` (a verification
    change): what undoing that change leaves open, for the HROs and managers to close."""
    return (
        Intervention.objects.filter(
            trigger__violation=violation, trigger__detected_at__gte=change.changed_at
        )
        .select_related("request", "unit")
        .order_by("pk")
    )


def verification_preview(violation, status, user):
    """What setting ``status`` on ``violation`` would set off (``monitoring.
    verification_consequences``), as the confirmation page and the API tell it to ``user``: every
    request is counted, but only those of the user's own entities are named (domain.md 7)."""
    consequences = verification_consequences(violation, status)
    visible = set(
        SupportRequest.objects.visible_to(user)
        .filter(pk__in=[r.pk for r, _u, _k in consequences.triggers])
        .values_list("pk", flat=True)
    )
    return {
        "status": status,
        "becomes_countable": consequences.becomes_countable,
        "requests_to_review": len(consequences.to_review),
        "interventions_to_open": len(consequences.triggers),
        "intervention_units": consequences.intervention_units,
        "requests": [
            {
                "id": request.pk if request.pk in visible else None,
                "title": request.title if request.pk in visible else None,
                "status": request.status,
                "unit": unit.name,
                "goes_under_review": request.status == RequestStatus.ACTIVE,
            }
            for request, unit, _kind in consequences.triggers
        ],
        "consequences": consequences,
        "shown_requests": [r for r, _u, _k in consequences.triggers if r.pk in visible],
        "hidden_requests": len(consequences.triggers) - len(visible),
    }
