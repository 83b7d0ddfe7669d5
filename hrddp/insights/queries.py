"""Named computations behind the insights dashboard: portfolio balance (domain.md 6.2),
impartiality (6.3), the risk heat map (4.4), the request pipeline (4.5), violations over time (3)
and interventions (5).

Each returns plain data and costs a fixed number of queries whatever the amount of data: the
database counts and sums, Python only fills in the zeros and puts rows in order.

Choices, so that the numbers can be read without the code:

- Support counts for a period when it is approved or beyond and its own period (start to end)
  overlaps the chosen one; a missing start or end leaves that side open.
- A request reaches the institutions of its recipient units. A request with units in two
  institutions counts, with its whole value, in both: a request cannot be apportioned.
- A request with capacity and governance types counts in both kinds, each with its whole value,
  so the two kinds' values may add up to more than the portfolio's.
- Values are summed in each currency separately, never converted: the product holds no exchange
  rates and a converted total would hide which budget the money comes from. A request without a
  value counts in the number of requests and adds nothing to the sums.
"""

import datetime
from dataclasses import dataclass, field

from django.db.models import (
    Count,
    Exists,
    F,
    FilteredRelation,
    OuterRef,
    Q,
    Sum,
)
from django.db.models.functions import Coalesce, TruncMonth

from assessments.models import (
    OPEN_INTERVENTION_STATUSES,
    AssessmentStatus,
    Intervention,
    InterventionStatus,
    Risk,
    level_for_score,
    overdue_intervention,
    risk_score,
)
from hrddp.registry.models import Attribution, VerificationStatus, Violation
from hrddp.registry.queries import in_command_on
from hrddp.support.models import CAPACITY_TYPES, GOVERNANCE_TYPES, RequestStatus, SupportRequest

from .models import SUMMARIES, GraveViolationsByInstitutionDay, SummaryRefresh, ViolationsByDay

# Approved or beyond: support that was granted, whatever happened to it since.
SUPPORTED_STATUSES = (
    RequestStatus.APPROVED,
    RequestStatus.APPROVED_WITH_CONDITIONS,
    RequestStatus.ACTIVE,
    RequestStatus.UNDER_REVIEW,
    RequestStatus.SUSPENDED,
    RequestStatus.LAPSED,
    RequestStatus.CLOSED,
)
# Assessments not yet decided; a decided one is frozen history.
OPEN_ASSESSMENT_STATUSES = (AssessmentStatus.DRAFT, AssessmentStatus.SUBMITTED)
SCORES = range(1, 6)

Recipient = SupportRequest.recipient_units.through


def months_ago(day, months):
    """The first day of the month ``months`` before ``day``'s month."""
    index = day.year * 12 + day.month - 1 - months
    return datetime.date(index // 12, index % 12 + 1, 1)


def default_period(today):
    """The twelve calendar months up to today, and the year ahead: approved support usually
    starts some weeks after the decision, and the balance must show it."""
    return months_ago(today, 11), today + datetime.timedelta(days=365)


# Portfolio balance and impartiality


@dataclass
class InstitutionSupport:
    """Support reaching one institution in the period. Values map a currency to a sum."""

    institution_id: int
    name: str
    requests: int = 0
    value: dict = field(default_factory=dict)
    capacity_requests: int = 0
    capacity_value: dict = field(default_factory=dict)
    governance_requests: int = 0
    governance_value: dict = field(default_factory=dict)

    @property
    def capacity_without_governance(self):
        """The flag of domain.md 6.2: new capacities with no safeguard on how they are used."""
        return self.capacity_requests > 0 and self.governance_requests == 0


def supported_requests(entity_ids, start, end):
    return SupportRequest.objects.filter(
        Q(start__isnull=True) | Q(start__lte=end),
        Q(end__isnull=True) | Q(end__gte=start),
        entity_id__in=entity_ids,
        status__in=SUPPORTED_STATUSES,
    )


def _types(kinds):
    return Q(supportrequest__support_types__overlap=sorted(str(kind) for kind in kinds))


def portfolio_balance(entity_ids, start, end):
    """Per institution, count and value of capacity and of governance support (one query)."""
    # A request with several recipient units in one institution must count once there: keep only
    # the row of its lowest unit in that institution.
    twin = Recipient.objects.filter(
        supportrequest=OuterRef("supportrequest"),
        unit__institution=OuterRef("unit__institution"),
        unit_id__lt=OuterRef("unit_id"),
    )
    value = "supportrequest__value"
    capacity, governance = _types(CAPACITY_TYPES), _types(GOVERNANCE_TYPES)
    rows = (
        Recipient.objects.filter(supportrequest__in=supported_requests(entity_ids, start, end))
        .exclude(Exists(twin))
        .values("unit__institution", "unit__institution__name", "supportrequest__currency")
        .annotate(
            requests=Count("pk"),
            value=Sum(value),
            capacity_requests=Count("pk", filter=capacity),
            capacity_value=Sum(value, filter=capacity),
            governance_requests=Count("pk", filter=governance),
            governance_value=Sum(value, filter=governance),
        )
        .order_by("unit__institution__name", "unit__institution", "supportrequest__currency")
    )
    institutions = {}
    for row in rows:
        pk = row["unit__institution"]
        support = institutions.setdefault(
            pk, InstitutionSupport(institution_id=pk, name=row["unit__institution__name"])
        )
        # A request has one currency, so the counts of the currency rows add up.
        support.requests += row["requests"]
        support.capacity_requests += row["capacity_requests"]
        support.governance_requests += row["governance_requests"]
        currency = row["supportrequest__currency"]
        for sums, total in (
            (support.value, row["value"]),
            (support.capacity_value, row["capacity_value"]),
            (support.governance_value, row["governance_value"]),
        ):
            if total is not None:
                sums[currency] = total
    return list(institutions.values())


@dataclass
class InstitutionImpartiality:
    institution_id: int
    name: str
    requests: int = 0
    value: dict = field(default_factory=dict)
    countable_grave_violations: int = 0


def countable_grave_by_institution(start, end):
    """{institution id: countable grave violations dated in [start, end] attributed to one of its
    units, or to a person assigned to one of its units on the violation's date}, computed live
    from the registry in one grouped query. The dashboard reads the same figures from the
    summary (``summarised_grave_by_institution``): at a million violations this takes seconds."""
    held_on_the_day = FilteredRelation(
        "person__assignments",
        condition=in_command_on(F("violation__date"), prefix="person__assignments__"),
    )
    rows = (
        Attribution.objects.filter(
            violation__in=Violation.objects.countable_grave().filter(date__range=(start, end))
        )
        .annotate(held=held_on_the_day)
        .annotate(institution=Coalesce("unit__institution", "held__unit__institution"))
        .filter(institution__isnull=False)
        .order_by()
        .values_list("institution")
        # A violation reaching an institution by two attributions counts once there.
        .annotate(n=Count("violation", distinct=True))
    )
    return dict(rows)


def summarised_grave_by_institution(start, end):
    """{institution id: (name, count)}: ``countable_grave_by_institution`` read from its summary,
    as of its last refresh (one query)."""
    rows = (
        GraveViolationsByInstitutionDay.objects.filter(date__range=(start, end))
        .order_by()
        .values_list("institution", "institution__name")
        .annotate(n=Sum("violations"))
    )
    return {pk: (name, n) for pk, name, n in rows}


def impartiality(entity_ids, start, end, balance=None):
    """Per institution, the support it received in the period (live) beside the countable grave
    violations attributed to it in the period (from the summary). Two queries, one when given
    the period's ``portfolio_balance``."""
    if balance is None:
        balance = portfolio_balance(entity_ids, start, end)
    rows = {
        support.institution_id: InstitutionImpartiality(
            institution_id=support.institution_id,
            name=support.name,
            requests=support.requests,
            value=support.value,
        )
        for support in balance
    }
    for pk, (name, count) in summarised_grave_by_institution(start, end).items():
        row = rows.setdefault(pk, InstitutionImpartiality(institution_id=pk, name=name))
        row.countable_grave_violations = count
    return sorted(rows.values(), key=lambda row: (row.name, row.institution_id))


def summaries_as_of():
    """{summary model: the time its figures were taken from the registry, or None} (one query)."""
    times = dict(SummaryRefresh.objects.values_list("name", "refreshed_at"))
    return {model: times.get(model._meta.db_table) for model in SUMMARIES}


# Risk heat map


@dataclass
class HeatMap:
    """Risks counted by (likelihood, severity), every one of the 25 cells present."""

    cells: dict

    @property
    def total(self):
        return sum(self.cells.values())

    def rows(self):
        """From severity 5 (top) to 1, each a list of (likelihood, severity, count, level)."""
        return [
            [
                (
                    likelihood,
                    severity,
                    self.cells[likelihood, severity],
                    level_for_score(risk_score(likelihood, severity)),
                )
                for likelihood in SCORES
            ]
            for severity in reversed(SCORES)
        ]


def _heat_map(rows):
    cells = {(likelihood, severity): 0 for likelihood in SCORES for severity in SCORES}
    for likelihood, severity, count in rows:
        cells[likelihood, severity] = count
    return HeatMap(cells)


def risk_heat_map(entity_ids):
    """Risks of the entities' open (undecided) assessments, as rated (inherent) and after
    mitigation (residual: the re-rating, or the risk's own rating when not re-rated, as in
    assessments.risk). Two queries."""
    risks = Risk.objects.filter(
        assessment__request__entity_id__in=entity_ids,
        assessment__status__in=OPEN_ASSESSMENT_STATUSES,
    ).order_by()
    inherent = risks.values_list("likelihood", "severity").annotate(n=Count("pk"))
    residual = (
        risks.rated_after_mitigation()
        .values_list("rated_likelihood", "rated_severity")
        .annotate(n=Count("pk"))
    )
    return {"inherent": _heat_map(inherent), "residual": _heat_map(residual)}


# Pipeline


def pipeline(entity_ids):
    """[(status, label, count)] for every request status, in workflow order, zeros included."""
    counts = dict(
        SupportRequest.objects.filter(entity_id__in=entity_ids)
        .order_by()
        .values_list("status")
        .annotate(n=Count("pk"))
    )
    return [(status.value, status.label, counts.get(status, 0)) for status in RequestStatus]


# Violations over time

VIOLATION_SERIES = [(grave, status) for grave in (True, False) for status in VerificationStatus]


@dataclass
class MonthCounts:
    month: datetime.date
    # {(grave, verification status): count} for every series in VIOLATION_SERIES
    counts: dict

    @property
    def total(self):
        return sum(self.counts.values())

    def series(self, grave):
        return [(status, self.counts[grave, status]) for status in VerificationStatus]

    @property
    def grave(self):
        return self.series(True)

    @property
    def other(self):
        return self.series(False)


def months_between(start, end):
    month = start.replace(day=1)
    while month <= end:
        yield month
        month = months_ago(month, -1)


def violations_over_time(start, end, today=None, live=False):
    """Violations of the whole registry dated in [start, end], per month (every month present),
    by grave or not and by verification status (one query). The period stops at today: no
    violation is dated in the future. A violation known only to the month or year counts in the
    month of its recorded date. Read from the summary ``ViolationsByDay``, as of its last
    refresh; ``live`` counts the registry itself (a million rows take a second)."""
    if today is not None:
        end = min(end, today)
    if live:
        rows = (
            Violation.objects.filter(date__range=(start, end))
            .order_by()
            .annotate(month=TruncMonth("date"))
            .values_list("month", "category__is_grave", "verification_status")
            .annotate(n=Count("pk"))
        )
    else:
        rows = (
            ViolationsByDay.objects.filter(date__range=(start, end))
            .order_by()
            .annotate(month=TruncMonth("date"))
            .values_list("month", "is_grave", "verification_status")
            .annotate(n=Sum("violations"))
        )
    found = {(month, grave, status): n for month, grave, status, n in rows}
    return [
        MonthCounts(
            month,
            {
                (grave, status): found.get((month, grave, status), 0)
                for grave, status in VIOLATION_SERIES
            },
        )
        for month in months_between(start, end)
    ]


# Interventions


@dataclass
class InterventionCounts:
    # [(status, label, count)] for every intervention status
    by_status: list
    open: int
    overdue: int


def interventions(entity_ids, today):
    """Interventions on the entities' requests: by status, open (open or escalated), and overdue
    (open or escalated, the authorities' response due before today). One query."""
    rows = (
        Intervention.objects.filter(request__entity_id__in=entity_ids)
        .order_by()
        .values_list("status")
        .annotate(
            n=Count("pk"),
            overdue=Count("pk", filter=overdue_intervention(today)),
        )
    )
    counts = {status: (n, overdue) for status, n, overdue in rows}
    return InterventionCounts(
        by_status=[(s.value, s.label, counts.get(s, (0, 0))[0]) for s in InterventionStatus],
        open=sum(counts.get(s, (0, 0))[0] for s in OPEN_INTERVENTION_STATUSES),
        overdue=sum(overdue for _n, overdue in counts.values()),
    )
