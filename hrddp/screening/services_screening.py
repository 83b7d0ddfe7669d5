"""Screening a request's participants (domain.md 4.6, rule D8): the one write path for candidates,
the HRO's decisions on them, outcomes, and the background runs with their sweep. The pages, the
API and the tasks all call these functions.

Each refusal is a ``ScreeningRefused`` naming its rule (the API answers it 409), in the words of
the person who asked.
"""

import datetime
import json
import logging

import pghistory
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from hrddp.registry import matching
from hrddp.support.models import SupportRequest

from .access import can_screen, screening_open
from .models import (
    Candidate,
    Decision,
    Outcome,
    Participant,
    RunStatus,
    ScreeningRun,
    candidates_to_decide,
)

logger = logging.getLogger(__name__)

# How many participants one matcher call (and one transaction) screens in a background run.
BATCH = 100
# A list this short is screened at once, from the page; a longer one by a background run.
SYNC_LIMIT = 20
# How many times the sweep sends a run again before failing it.
MAX_ATTEMPTS = 3
CANDIDATES_PER_PARTICIPANT = 5

# Why the history shows a change the system made, not a person (``pghistory.context(reason=)``).
EXPIRED_WITH_ASSESSMENT = "screening_expired_with_assessment"
CLEARED_IN_BULK = "screening_cleared_remaining"


class ScreeningRefused(Exception):
    """The request's or participant's state refuses it: ``rule`` names why (the API's 409 carries
    it), ``message`` says it to the user."""

    def __init__(self, rule, message):
        super().__init__(message)
        self.rule = rule
        self.message = message


def _require_screener(user, support_request):
    if not can_screen(user, support_request):
        raise PermissionDenied(_("Only a human rights officer of the entity screens."))
    if not screening_open(support_request):
        raise ScreeningRefused(
            "state", _("Participants are screened while the request is assessed or monitored.")
        )


def _json(params):
    """Reason parameters as JSON stores them (dates as ISO text)."""
    return json.loads(json.dumps(params or {}, cls=DjangoJSONEncoder))


def query_of(participant):
    return matching.Query(
        name=participant.name,
        birth_date=participant.birth_date,
        service_number=participant.service_number,
        unit_id=participant.unit_id,
    )


def screen(participants):
    """Search the registry for each participant (one matcher call for the batch): their pending
    candidates are replaced by what the matcher finds now; confirmed and rejected ones stay. A
    participant cleared before a new candidate turned up is no longer cleared (the HRO looks at
    the new candidate first). Returns the number of participants screened."""
    participants = list(participants)
    if not participants:
        return 0
    found = matching.screen_many(
        [query_of(participant) for participant in participants],
        limit=CANDIDATES_PER_PARTICIPANT,
    )
    ids = [participant.pk for participant in participants]
    now = timezone.now()
    with transaction.atomic():
        # Two runs of the same participants (a task and the sweep's resend) wait for each other.
        list(Participant.objects.filter(pk__in=ids).select_for_update().values_list("pk"))
        Candidate.objects.filter(participant_id__in=ids, decision=Decision.PENDING).delete()
        decided = set(
            Candidate.objects.filter(participant_id__in=ids).values_list(
                "participant_id", "person_id"
            )
        )
        rows = [
            Candidate(
                participant_id=participant.pk,
                person_id=match.person.pk,
                score=match.score,
                reasons=[[code, _json(params)] for code, params in match.reasons],
            )
            for participant, matches in zip(participants, found, strict=True)
            for match in matches
            if (participant.pk, match.person.pk) not in decided
        ]
        Candidate.objects.bulk_create(rows, ignore_conflicts=True)
        with_new = {row.participant_id for row in rows}
        Participant.objects.filter(pk__in=with_new, outcome=Outcome.CLEARED).update(
            outcome="", outcome_reason="", screened_by=None, screened_at=None
        )
        Participant.objects.filter(pk__in=ids).update(matched_at=now)
    return len(participants)


def screen_participant(participant, user):
    """ "Screen again", for one participant, from its page."""
    _require_screener(user, participant.request)
    screen([participant])


# Background runs


def enqueue(run_id):
    from .tasks import run_screening

    run_screening.delay(run_id)


def start_run(support_request, user):
    """Screen every participant of the request: at once for a short list (returns None), else in
    a background run written in this transaction and sent to a worker once it commits (the sweep
    sends it again if it is lost). A run already going is returned rather than doubled."""
    with transaction.atomic():
        locked = SupportRequest.objects.select_for_update().get(pk=support_request.pk)
        _require_screener(user, locked)
        participants = Participant.objects.filter(request=locked).order_by("pk")
        total = participants.count()
        if total <= SYNC_LIMIT:
            screen(participants)
            return None
        running = locked.screening_runs.filter(status=RunStatus.RUNNING).first()
        if running:
            return running
        run = ScreeningRun.objects.create(request=locked, started_by=user, total_rows=total)
        transaction.on_commit(lambda: enqueue(run.pk), robust=True)
    return run


def run(run_id):
    """Screen a run's participants in batches of ``BATCH``, each committed with the run's progress
    and heartbeat. A rerun (the task retried, the sweep's resend) carries on where the last one
    stopped: participants searched since the run was asked are not searched again."""
    claimed = ScreeningRun.objects.filter(pk=run_id, status=RunStatus.RUNNING).update(
        attempts=F("attempts") + 1, heartbeat_at=timezone.now()
    )
    screening_run = ScreeningRun.objects.get(pk=run_id)
    if not claimed:
        return screening_run
    participants = Participant.objects.filter(request_id=screening_run.request_id)
    try:
        while True:
            batch = list(
                participants.exclude(matched_at__gte=screening_run.created_at).order_by("pk")[
                    :BATCH
                ]
            )
            if not batch:
                break
            screen(batch)
            done = participants.filter(matched_at__gte=screening_run.created_at).count()
            ScreeningRun.objects.filter(pk=run_id).update(
                processed_rows=done, heartbeat_at=timezone.now()
            )
    except Exception:
        logger.exception("Screening run %s stopped", run_id)
        raise
    total = participants.count()
    ScreeningRun.objects.filter(pk=run_id, status=RunStatus.RUNNING).update(
        status=RunStatus.DONE,
        processed_rows=total,
        total_rows=total,
        finished_at=timezone.now(),
        heartbeat_at=timezone.now(),
    )
    screening_run.refresh_from_db()
    return screening_run


def stale_after():
    return datetime.timedelta(minutes=settings.SCREENING_STALE_MINUTES)


def sweep(now=None):
    """Send again the runs that gave no sign of work for SCREENING_STALE_MINUTES (their task was
    lost or their worker died); fail those that have had their attempts. Returns the ids sent."""
    now = now or timezone.now()
    sent = []
    with transaction.atomic():
        lost = ScreeningRun.objects.filter(
            status=RunStatus.RUNNING, heartbeat_at__lt=now - stale_after()
        ).select_for_update(skip_locked=True)
        for screening_run in lost:
            if screening_run.attempts >= MAX_ATTEMPTS:
                ScreeningRun.objects.filter(pk=screening_run.pk).update(
                    status=RunStatus.FAILED, finished_at=now
                )
                continue
            ScreeningRun.objects.filter(pk=screening_run.pk).update(heartbeat_at=now)
            sent.append(screening_run.pk)
        transaction.on_commit(lambda: [enqueue(pk) for pk in sent], robust=True)
    return sent


# The HRO's decisions


def decide(candidate, decision, user):
    """Confirm (same person), reject (not the same person) or set back to decide a candidate. A
    confirmed candidate links the participant to the person; a participant has one confirmed
    candidate at most (un-confirm the other first)."""
    if decision not in Decision.values:
        raise ScreeningRefused("decision", _("Unknown decision."))
    with transaction.atomic():
        participant = (
            Participant.objects.select_for_update()
            .select_related("request")
            .get(pk=candidate.participant_id)
        )
        _require_screener(user, participant.request)
        candidate = Candidate.objects.select_for_update().get(pk=candidate.pk)
        if decision == Decision.CONFIRMED:
            other = (
                participant.candidates.filter(decision=Decision.CONFIRMED)
                .exclude(pk=candidate.pk)
                .select_related("person")
                .first()
            )
            if other:
                raise ScreeningRefused(
                    "one_confirmed",
                    _(
                        "%(name)s is already confirmed as the same person as this participant. "
                        "Set that match back to decide (or reject it) before confirming another."
                    )
                    % {"name": other.person.name},
                )
        candidate.decision = decision
        candidate.decided_by = user if decision != Decision.PENDING else None
        candidate.decided_at = timezone.now() if decision != Decision.PENDING else None
        candidate.save(update_fields=["decision", "decided_by", "decided_at"])
        if decision == Decision.CONFIRMED:
            person_id = candidate.person_id
        elif participant.person_id == candidate.person_id:
            person_id = None
        else:
            person_id = participant.person_id
        if person_id != participant.person_id:
            participant.person_id = person_id
            participant.save(update_fields=["person"])
    return candidate


def record_outcome(participant, outcome, reason, user):
    """Cleared, excluded (with a reason) or needs more information. Clearing waits until every
    candidate is decided."""
    reason = (reason or "").strip()
    if outcome not in Outcome.values:
        raise ScreeningRefused("outcome", _("Choose an outcome."))
    with transaction.atomic():
        participant = (
            Participant.objects.select_for_update().select_related("request").get(pk=participant.pk)
        )
        _require_screener(user, participant.request)
        if outcome == Outcome.EXCLUDED and not reason:
            raise ScreeningRefused("reason", _("Say why the participant is excluded."))
        if outcome == Outcome.CLEARED:
            pending = participant.candidates.filter(decision=Decision.PENDING).count()
            if pending:
                raise ScreeningRefused(
                    "pending",
                    _(
                        "%(count)s candidate match(es) still to decide: confirm or reject each "
                        "before clearing the participant."
                    )
                    % {"count": pending},
                )
        participant.outcome = outcome
        participant.outcome_reason = reason
        participant.screened_by = user
        participant.screened_at = timezone.now()
        participant.save(update_fields=["outcome", "outcome_reason", "screened_by", "screened_at"])
    return participant


def clearable(support_request):
    """Participants searched for, with no candidate to decide, no confirmed match and no outcome."""
    return Participant.objects.filter(
        request=support_request,
        matched_at__isnull=False,
        person__isnull=True,
        outcome="",
    ).exclude(candidates_to_decide())


def clear_remaining(support_request, user):
    """ "Clear the rest": clear every participant ``clearable`` finds, each change in the history
    with the reason. Returns how many were cleared."""
    with transaction.atomic(), pghistory.context(reason=CLEARED_IN_BULK):
        locked = SupportRequest.objects.select_for_update().get(pk=support_request.pk)
        _require_screener(user, locked)
        return clearable(locked).update(
            outcome=Outcome.CLEARED,
            outcome_reason="",
            screened_by=user,
            screened_at=timezone.now(),
        )


def expire(support_request):
    """Screening expires with the assessment (domain.md 4.6): when a new version is drafted for a
    renewal, outcomes and candidates still to decide are cleared and every participant is to be
    searched again. Confirmed matches (who the participant is) stay. Returns the participants
    affected."""
    with transaction.atomic(), pghistory.context(reason=EXPIRED_WITH_ASSESSMENT):
        Candidate.objects.filter(
            participant__request=support_request, decision=Decision.PENDING
        ).delete()
        return Participant.objects.filter(request=support_request).update(
            outcome="", outcome_reason="", screened_by=None, screened_at=None, matched_at=None
        )
