"""What waits for each role, for the start page (domain.md 2 and 5).

Every list is bounded (the first ``LIMIT`` rows, with the total and links to the full list), and
each role's part costs a fixed number of queries whatever the amount of data.
"""

import datetime
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.db.models import Count, Exists, F, OuterRef, Q, Window
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from hrddp.accounts.models import Role
from hrddp.policy.models import PolicySettings
from hrddp.support.models import Communication, CommunicationKind, RequestStatus, SupportRequest

from . import monitoring, workflow
from .models import OPEN_INTERVENTION_STATUSES, Decision, Intervention, InterventionStatus
from .models import overdue_intervention as overdue
from .queries import flag, with_intercession

LIMIT = 10


@dataclass
class Bounded:
    items: list
    total: int
    # (label, url) pairs of the full, filtered lists.
    links: list = field(default_factory=list)

    @property
    def more(self):
        return self.total > len(self.items)


def bounded(queryset, links=()):
    """The first LIMIT rows and the total, in one query (the total is a window over all rows)."""
    items = list(queryset.annotate(total_rows=Window(Count("pk")))[:LIMIT])
    return Bounded(items, items[0].total_rows if items else 0, list(links))


def requests_url(**params):
    return f"{reverse('support:list')}?{urlencode(params)}"


def interventions_url(show):
    return f"{reverse('assessments:intervention_list')}?{urlencode({'show': show})}"


def status_link(status):
    return (RequestStatus(status).label, requests_url(status=status))


def entities_where(memberships, role):
    return {m.entity_id for m in memberships if m.role == role}


def for_manager(entity_ids, today):
    requests = SupportRequest.objects.filter(entity_id__in=entity_ids).select_related("entity")
    policy = PolicySettings.get_solo()
    interventions = (
        with_intercession(Intervention.objects.filter(request__entity_id__in=entity_ids))
        .filter(overdue(today) | Q(status=InterventionStatus.ESCALATED))
        .select_related("request", "unit")
        .order_by("response_due", "pk")
    )
    awaiting_decision = bounded(
        requests.filter(status=RequestStatus.AWAITING_DECISION).order_by(
            F("respond_by").asc(nulls_last=True), "created_at", "pk"
        ),
        [status_link(RequestStatus.AWAITING_DECISION)],
    )
    decisions = bounded(
        interventions,
        [
            (_("Overdue"), interventions_url("overdue")),
            (_("Escalated"), interventions_url("escalated")),
        ],
    )
    flag(decisions.items, today)
    reviews = bounded(
        requests.filter(
            status__in=workflow.MONITORED_STATES,
            review_due__lte=today + datetime.timedelta(days=policy.review_reminder_days),
        ).order_by("review_due", "pk"),
        [status_link(s) for s in workflow.MONITORED_STATES],
    )
    # A suspension is announced by a letter sent after it, as resumption counts letters (D7).
    letters = Communication.objects.filter(
        request=OuterRef("pk"), kind=CommunicationKind.SUSPENSION
    ).sent_after(OuterRef("suspended_at"), today)
    unannounced = bounded(
        requests.filter(status=RequestStatus.SUSPENDED)
        .exclude(Exists(letters))
        .order_by("suspended_at", "pk"),
        [status_link(RequestStatus.SUSPENDED)],
    )
    return {
        "awaiting_decision": awaiting_decision,
        "intervention_decisions": decisions,
        "reviews_due": reviews,
        "suspensions_unannounced": unannounced,
    }


def for_hro(entity_ids, today):
    requests = SupportRequest.objects.filter(entity_id__in=entity_ids).select_related("entity")
    submitted = bounded(
        requests.filter(status=RequestStatus.SUBMITTED).order_by(
            F("respond_by").asc(nulls_last=True), "created_at", "pk"
        ),
        [status_link(RequestStatus.SUBMITTED)],
    )
    in_assessment = bounded(
        requests.filter(
            status__in=(RequestStatus.UNDER_ASSESSMENT, RequestStatus.UNDER_REVIEW)
        ).order_by("updated_at", "pk"),
        [status_link(RequestStatus.UNDER_ASSESSMENT), status_link(RequestStatus.UNDER_REVIEW)],
    )
    measures = bounded(
        monitoring.overdue_measures(today)
        .filter(risk__assessment__request__entity_id__in=entity_ids)
        .select_related("measure_type")
        .order_by("due_date", "pk")
    )
    intercessions = bounded(
        with_intercession(
            Intervention.objects.filter(
                request__entity_id__in=entity_ids, status=InterventionStatus.OPEN
            )
        )
        .filter(has_intercession=False)
        .select_related("request", "unit")
        .order_by("intercession_due", "pk"),
        [(_("Open interventions"), interventions_url("open"))],
    )
    flag(intercessions.items, today)
    return {
        "to_assess": submitted,
        "in_assessment": in_assessment,
        "measures_past_due": measures,
        "intercessions_due": intercessions,
    }


def for_requester(user, entity_ids, today=None):
    requests = SupportRequest.objects.filter(entity_id__in=entity_ids).select_related("entity")
    drafts = bounded(
        requests.filter(
            created_by=user, status__in=(RequestStatus.DRAFT, RequestStatus.RETURNED)
        ).order_by("-updated_at", "pk"),
        [status_link(RequestStatus.DRAFT), status_link(RequestStatus.RETURNED)],
    )
    # A letter counts as it does for D7: sent after the decision it notifies.
    letters = Communication.objects.filter(
        request=OuterRef("pk"), kind=CommunicationKind.POLICY_NOTIFICATION
    ).sent_after(OuterRef("decided_at"), today)
    approved_statuses = (RequestStatus.APPROVED, RequestStatus.APPROVED_WITH_CONDITIONS)
    approved = bounded(
        requests.filter(status__in=approved_statuses)
        .annotate(has_policy_letter=Exists(letters))
        .order_by("has_policy_letter", "decided_at", "pk"),
        [status_link(s) for s in approved_statuses],
    )
    return {"my_drafts": drafts, "awaiting_policy_letter": approved}


def for_auditor(entity_ids, today):
    by_status = dict(
        SupportRequest.objects.filter(entity_id__in=entity_ids)
        .values_list("status")
        .annotate(n=Count("pk"))
        .order_by()
    )
    interventions = Intervention.objects.filter(request__entity_id__in=entity_ids).aggregate(
        open=Count("pk", filter=Q(status__in=OPEN_INTERVENTION_STATUSES)),
        overdue=Count("pk", filter=overdue(today)),
        suspended=Count("pk", filter=Q(status=InterventionStatus.SUSPENDED)),
    )
    return {
        "request_counts": [
            (status.label, by_status[status], requests_url(status=status))
            for status in RequestStatus
            if by_status.get(status)
        ],
        "intervention_counts": interventions,
        "waiver_count": Decision.objects.exclude(waiver_reason="")
        .filter(request__entity_id__in=entity_ids)
        .count(),
        "measures_past_due_count": monitoring.overdue_measures(today)
        .filter(risk__assessment__request__entity_id__in=entity_ids)
        .count(),
    }


def waiting_for(user, memberships, today):
    """The start page's sections for each role the user holds."""
    context = {}
    managed = entities_where(memberships, Role.MANAGER)
    if managed:
        context["manager"] = for_manager(managed, today)
    assessed = entities_where(memberships, Role.HRO)
    if assessed:
        context["hro"] = for_hro(assessed, today)
    requested = entities_where(memberships, Role.REQUESTER)
    if requested:
        context["requester"] = for_requester(user, requested, today)
    audited = entities_where(memberships, Role.AUDITOR)
    if audited:
        context["auditor"] = for_auditor(audited, today)
    return context
