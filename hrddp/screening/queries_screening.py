"""Lookups of screening: a request's participants as its screening page lists them, their
candidates with the record of each person, the counts and the run in progress. Each reads in a
constant number of queries."""

from collections import defaultdict

from django.contrib.postgres.expressions import ArraySubquery
from django.db.models import Count, OuterRef, Q
from django.db.models.functions import JSONObject

from hrddp.registry.models import Attribution, Responsibility, Violation

from .models import Candidate, Decision, Outcome, Participant, ScreeningRun

# The screening page's filters: name -> what it keeps of a queryset of participants.
FILTERS = {
    "unscreened": lambda participants: participants.unscreened(),
    "not_searched": lambda participants: participants.filter(matched_at__isnull=True),
    "pending": lambda participants: participants.with_candidates_to_decide(),
    "matched": lambda participants: participants.filter(person__isnull=False),
    "cleared": lambda participants: participants.filter(outcome=Outcome.CLEARED),
    "excluded": lambda participants: participants.excluded(),
    "needs_information": lambda participants: participants.filter(
        outcome=Outcome.NEEDS_INFORMATION
    ),
}


def screening_list(support_request, filter_name=""):
    """The request's participants with their matched person and how many candidates are still to
    decide (``pending_count``), optionally narrowed by one of ``FILTERS``."""
    participants = Participant.objects.filter(request=support_request)
    if filter_name in FILTERS:
        participants = FILTERS[filter_name](participants)
    return (
        participants.select_related("person", "unit")
        .annotate(
            pending_count=Count("candidates", filter=Q(candidates__decision=Decision.PENDING))
        )
        .order_by("name", "pk")
    )


def latest_run(support_request):
    return (
        ScreeningRun.objects.filter(request=support_request).order_by("-created_at", "-pk").first()
    )


def person_records(person_ids):
    """For each person, the countable grave violations attributed to them, with the route they
    count by (the responsibility attributed: direct, command...), newest first: one query."""
    attributions = (
        Attribution.objects.filter(
            person_id__in=list(person_ids),
            violation__in=Violation.objects.countable_grave(),
        )
        .select_related("violation__category")
        .order_by("-violation__date", "-violation_id", "pk")
    )
    records = defaultdict(list)
    for attribution in attributions:
        records[attribution.person_id].append(attribution)
    return records


def candidates_of(participant):
    """The participant's candidates, best first, each with ``record``: its person's countable
    grave violations (``person_records``)."""
    candidates = list(
        Candidate.objects.filter(participant=participant)
        .select_related("person", "decided_by")
        .order_by("-score", "pk")
    )
    records = person_records(candidate.person_id for candidate in candidates)
    for candidate in candidates:
        candidate.record = records.get(candidate.person_id, [])
    return candidates


def matched_participants_array(request_ref="request"):
    """The participants of the request ``request_ref`` names (an ``OuterRef``) confirmed as people
    of the registry, each with the person's countable grave violations and the route they count
    by: an annotation, so that the assessment page reads them with the assessment. Rows as
    ``matched_participants`` reads them."""
    record = (
        Attribution.objects.filter(
            person_id=OuterRef("person_id"),
            violation__in=Violation.objects.countable_grave(),
        )
        .order_by("-violation__date", "-violation_id", "pk")
        .values(
            row=JSONObject(
                violation="violation_id",
                category="violation__category__name",
                date="violation__date",
                responsibility="responsibility",
            )
        )
    )
    rows = (
        Participant.objects.filter(request=OuterRef(request_ref), person__isnull=False)
        .order_by("name", "pk")
        .values(
            row=JSONObject(
                id="pk",
                name="name",
                rank="rank",
                outcome="outcome",
                person_id="person_id",
                person_name="person__name",
                record=ArraySubquery(record),
            )
        )
    )
    return ArraySubquery(rows)


def matched_participants(support_request, rows=None):
    """The participants confirmed as people of the registry, each with ``record``: the person's
    countable grave violations. Their records count in the assessment (beside F1/F2). ``rows``:
    what ``matched_participants_array`` read with the assessment (else read now)."""
    if rows is None:
        rows = (
            type(support_request)
            .objects.filter(pk=support_request.pk)
            .annotate(rows=matched_participants_array("pk"))
            .values_list("rows", flat=True)
            .get()
        )
    matched = []
    for row in rows or []:
        row = dict(row)
        row["outcome_label"] = Outcome(row["outcome"]).label if row["outcome"] else ""
        row["record"] = [
            {**item, "responsibility_label": Responsibility(item["responsibility"]).label}
            for item in row["record"] or []
        ]
        matched.append(row)
    return matched


def excluded_of(support_request):
    """The excluded participants as a decision freezes them: name, rank and reason."""
    return [
        {
            "id": participant.pk,
            "name": participant.name,
            "rank": participant.rank,
            "reason": participant.outcome_reason,
        }
        for participant in Participant.objects.filter(request=support_request)
        .excluded()
        .order_by("name", "pk")
    ]
