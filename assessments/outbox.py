"""Trigger checks that cannot be lost (issue 12, hole 3): a transactional outbox.

A change that may trigger (a violation attributed or verified, a command assignment recorded)
writes a ``TriggerCheck`` row in its own transaction: if the change commits, so does the check.
After commit a task is sent with the rows' ids, best effort: a broker that is down is logged and
the row waits. The periodic sweep (``run_pending``, every minute) runs every pending row, so a lost
send, a stopped worker or a database that went away while the check ran is caught up.

Each row is run in one transaction that locks it (``SELECT ... FOR UPDATE SKIP LOCKED``), runs the
check and marks it done: the effects and the ``done_at`` commit together or not at all, and a task
and a sweep that reach the same row at once run it once (the other skips it). A worker killed
mid-check holds no claim: its transaction, and its lock, end with its connection, and the row is
pending again. A check that fails rolls back whole and the row keeps its error and attempt count.
The checks themselves fire once per cause (``Trigger``'s unique constraints), so two rows for the
same violation open one intervention.
"""

import logging

from django.db import DatabaseError, OperationalError, transaction
from django.db.models import F
from django.utils import timezone

from . import monitoring
from .models import CheckKind, TriggerCheck

logger = logging.getLogger(__name__)

SEND_CHUNK = 500
BATCH = 500


def record(kind, object_ids):
    """Owe a check of each object, in the caller's transaction; send its task once that commits."""
    checks = TriggerCheck.objects.bulk_create(
        [TriggerCheck(kind=kind, object_id=object_id) for object_id in object_ids],
        batch_size=BATCH,
    )
    ids = [check.pk for check in checks]
    if ids:
        transaction.on_commit(lambda: send(ids))
    return ids


def owe(kind, object_ids):
    """Owe checks of these objects in a transaction of their own (a task sent before the outbox
    existed hands its check over so): the task that runs them is sent once it commits."""
    with transaction.atomic():
        return record(kind, object_ids)


def send(ids):
    """Send the task that runs these checks now; a broker that is down leaves them to the sweep."""
    from .tasks import run_checks

    for start in range(0, len(ids), SEND_CHUNK):
        part = ids[start : start + SEND_CHUNK]
        try:
            # No publish retries (the sweep is the retry); a refused connection still costs a few
            # seconds of kombu connecting, once per commit.
            run_checks.apply_async((part,), retry=False)
        except Exception:
            logger.warning(
                "Trigger checks %s not sent; the sweep will run them", part, exc_info=True
            )


def check(kind, object_id):
    """Run one check (looked up at call time, so it is the monitoring module's current one)."""
    if kind == CheckKind.VIOLATION:
        return monitoring.check_violation(object_id)
    return monitoring.check_assignment(object_id)


def run(check_id):
    """Run one pending check to completion, once. Returns True when it is done by this call;
    False when it was already done, another worker holds it, or it failed (the row keeps the
    error and stays pending). Raises OperationalError when the database is away."""
    try:
        with transaction.atomic():
            row = (
                TriggerCheck.objects.select_for_update(skip_locked=True)
                .filter(pk=check_id, done_at__isnull=True)
                .first()
            )
            if row is None:
                return False
            check(row.kind, row.object_id)
            TriggerCheck.objects.filter(pk=row.pk).update(done_at=timezone.now())
        return True
    except Exception as error:
        logger.exception("Trigger check %s failed; it stays pending", check_id)
        try:
            TriggerCheck.objects.filter(pk=check_id, done_at__isnull=True).update(
                attempts=F("attempts") + 1,
                tried_at=timezone.now(),
                last_error=f"{type(error).__name__}: {error}"[:2000],
            )
        except DatabaseError:
            pass  # still away: the row is pending as it was, for the next sweep
        if isinstance(error, OperationalError):
            raise
        return False


def run_checks(ids):
    """The task's work: run these checks; the database going away stops here (the sweep retries)."""
    done = 0
    for check_id in ids:
        try:
            done += run(check_id)
        except OperationalError:
            break
    return done


def pending():
    return TriggerCheck.objects.filter(done_at__isnull=True)


def run_pending():
    """The sweep: run every check still pending (a lost send, a stopped worker, a failed attempt).
    Returns the ids done."""
    done = []
    last = 0
    while ids := list(
        pending().filter(pk__gt=last).order_by("pk").values_list("pk", flat=True)[:BATCH]
    ):
        last = ids[-1]
        for check_id in ids:
            try:
                if run(check_id):
                    done.append(check_id)
            except OperationalError:
                return done  # the database is away: the next sweep starts again
    return done
