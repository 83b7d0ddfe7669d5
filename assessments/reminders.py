"""Reminders and lapses, derived from the database by a periodic sweep (domain.md 5).

Nothing is scheduled ahead in the broker. Each sweep computes what is due on ``today``
(``due <= today``, never ``== today``, so downtime is caught up) and claims each reminder with a
``ReminderClaim`` row under a unique constraint, in the same transaction as its notification and
its queued email. So a sweep that runs twice, two beat processes, or a worker that dies and
retries send nothing twice; a worker killed mid-sweep has committed each reminder whole or not
at all, and the next sweep sends the rest.

Catch-up: one-off reminders are keyed by their due date and recurring ones by the latest period
that has begun (the week for reviews, today for interventions), so a sweep after days of
downtime sends one reminder per due item, not a backlog of copies.
"""

import datetime
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_noop

from hrddp import texts
from hrddp.accounts.models import Membership, Role
from hrddp.notifications.services import notify
from hrddp.policy.models import PolicySettings
from hrddp.support.models import SupportRequest

from . import monitoring, outbox, workflow
from .models import Decision, Intervention, ReminderClaim, ReminderKind


@dataclass(frozen=True)
class Due:
    kind: str
    object_id: int
    due_key: datetime.date
    users: tuple
    subject: tuple  # (msgid, params), rendered in each recipient's language (notifications.services.render)
    body: tuple
    path: str


def managers_by_entity(entity_ids):
    """The active managers of each entity, in one query for the whole sweep."""
    managers = {entity_id: [] for entity_id in entity_ids}
    memberships = Membership.objects.filter(
        entity_id__in=managers, role=Role.MANAGER, user__is_active=True
    ).select_related("user")
    for membership in memberships:
        managers[membership.entity_id].append(membership.user)
    return managers


def review_recipients(request, drafters, managers):
    """The HRO who ran the assessment the approval rests on, and the entity's managers."""
    users = {user.pk: user for user in managers[request.entity_id]}
    drafter = drafters.get(request.pk)
    if drafter is not None and drafter.is_active:
        users.setdefault(drafter.pk, drafter)
    return tuple(users.values())


def due_reviews(today):
    policy = PolicySettings.get_solo()
    requests = list(
        SupportRequest.objects.filter(
            status__in=workflow.MONITORED_STATES,
            review_due__lte=today + datetime.timedelta(days=policy.review_reminder_days),
        )
    )
    managers = managers_by_entity({request.entity_id for request in requests})
    drafters = {
        decision.request_id: decision.assessment.drafter
        for decision in Decision.objects.filter(request__in=requests)
        .order_by("request_id", "-decided_at")
        .distinct("request_id")
        .select_related("assessment__drafter")
    }
    for request in requests:
        due = request.review_due
        if today < due:
            kind, key = ReminderKind.REVIEW_SOON, due
            subject = (
                gettext_noop("Review of “%(title)s” due on %(due)s"),
                {"title": request.title, "due": due},
            )
        elif today < due + datetime.timedelta(days=7):
            kind, key = ReminderKind.REVIEW_DUE, due
            subject = (gettext_noop("Review of “%(title)s” is due"), {"title": request.title})
        else:
            weeks = (today - due).days // 7
            kind, key = ReminderKind.REVIEW_OVERDUE, due + datetime.timedelta(weeks=weeks)
            subject = (
                gettext_noop("Review of “%(title)s” overdue since %(due)s"),
                {"title": request.title, "due": due},
            )
        yield Due(
            kind,
            request.pk,
            key,
            review_recipients(request, drafters, managers),
            subject,
            (
                gettext_noop(
                    "The periodic review of this support is due on %(due)s; the approval is valid until "
                    "%(valid)s."
                ),
                {"due": due, "valid": request.valid_until},
            ),
            reverse("support:detail", args=[request.pk]),
        )


def overdue_interventions(today):
    interventions = list(Intervention.objects.overdue(today).select_related("request", "unit"))
    managers = managers_by_entity({i.request.entity_id for i in interventions})
    for intervention in interventions:
        yield Due(
            ReminderKind.INTERVENTION_OVERDUE,
            intervention.pk,
            today,
            tuple(managers[intervention.request.entity_id]),
            (
                gettext_noop("Overdue intervention on %(unit)s: a decision is needed"),
                {"unit": intervention.unit.name},
            ),
            (
                gettext_noop(
                    "The authorities' response was due on %(due)s and the intervention is unresolved. "
                    "Decide to continue with measures or to suspend."
                ),
                {"due": intervention.response_due},
            ),
            reverse("assessments:intervention_detail", args=[intervention.pk]),
        )


def due_reminders(today):
    yield from due_reviews(today)
    yield from overdue_interventions(today)


def claim_and_send(due, user):
    """Send one reminder to one user, once: the claim, the notification and the queued email
    commit together or not at all."""
    with transaction.atomic():
        try:
            with transaction.atomic():
                ReminderClaim.objects.create(
                    kind=due.kind, object_id=due.object_id, user=user, due_key=due.due_key
                )
        except IntegrityError:
            return False
        notify([user], due.subject, due.body, due.path)
        return True


def send_due_reminders(today=None, dry_run=False):
    """Returns the (due, user) pairs sent (or, with ``dry_run``, that would be sent)."""
    today = today or timezone.localdate()
    sent = []
    for due in due_reminders(today):
        for user in due.users:
            if dry_run:
                already = ReminderClaim.objects.filter(
                    kind=due.kind, object_id=due.object_id, user=user, due_key=due.due_key
                ).exists()
                if not already:
                    sent.append((due, user))
            elif claim_and_send(due, user):
                sent.append((due, user))
    return sent


def lapse_expired(today=None):
    """Approvals not renewed by their valid-until date lapse by themselves."""
    today = today or timezone.localdate()
    lapsed = []
    for request in SupportRequest.objects.filter(
        status__in=workflow.MONITORED_STATES, valid_until__lt=today
    ):
        reason = texts.text(
            gettext_noop("Not renewed by its valid-until date, %(date)s."), date=request.valid_until
        )
        lapsed.append(workflow.apply(request.pk, "lapse", None, reason=reason))
    return lapsed


def sweep(today=None, dry_run=False):
    """Everything the product does by itself, derived from the state in the database."""
    today = today or timezone.localdate()
    if dry_run:
        return {
            "checks": [],
            "lapsed": [],
            "triggers": [],
            "reminders": send_due_reminders(today, dry_run=True),
        }
    return {
        # Trigger checks still owed (beat also runs them every minute on their own).
        "checks": outbox.run_pending(),
        "lapsed": lapse_expired(today),
        "triggers": monitoring.check_measures(today),
        "reminders": send_due_reminders(today),
    }
