"""Issue 12, hole 3: a grave violation must not silently fail to trigger (domain.md 5, trigger (a)).

The check a change owes is written in the change's own transaction; the task sent after commit
and the sweep both run it, once. The broker down, the worker stopped or the database away while
the check runs only delay it until the next sweep.
"""

from unittest import mock

import pytest
from django.conf import settings
from django.db import OperationalError, transaction
from kombu.exceptions import OperationalError as BrokerUnreachable

from assessments import monitoring, reminders
from assessments.models import Intervention, Transition, Trigger
from hrddp.celery import app
from hrddp.notifications.models import Notification
from hrddp.registry.models import VerificationStatus
from hrddp.registry.services import set_verification_status
from hrddp.support.models import RequestStatus
from tests.factories import UnitFactory, ViolationFactory

pytestmark = pytest.mark.django_db


def times_under_review(request):
    return Transition.objects.filter(request=request, to_status=RequestStatus.UNDER_REVIEW).count()


def assert_under_review_once(request):
    request.refresh_from_db()
    assert request.status == RequestStatus.UNDER_REVIEW
    assert times_under_review(request) == 1
    assert Trigger.objects.filter(request=request).count() == 1
    assert Intervention.objects.filter(request=request).count() == 1


@pytest.fixture
def supported(draft_request, activate):
    """An active request supporting the 3rd Battalion."""
    return activate(draft_request)


@pytest.fixture
def alleged(unit):
    """A grave violation in the battalion's record, still alleged: nothing triggers yet."""
    return ViolationFactory(units=[unit], verification_status=VerificationStatus.ALLEGED)


@pytest.fixture
def eager():
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = False


def broker_refuses():
    """Every send to the broker fails as it does when Redis is down."""
    return mock.patch(
        "celery.app.task.Task.apply_async",
        side_effect=BrokerUnreachable(
            "Error 111 connecting to 127.0.0.1:6379. Connection refused."
        ),
    )


def test_trust_3_broker_unreachable_the_sweep_puts_the_request_under_review_once(
    supported, alleged, hro, django_capture_on_commit_callbacks
):
    with broker_refuses() as send:
        with django_capture_on_commit_callbacks(execute=True):
            set_verification_status(alleged, VerificationStatus.VERIFIED, hro)  # no error shown
    assert send.called
    supported.refresh_from_db()
    assert supported.status == RequestStatus.ACTIVE  # not yet: the task was never sent
    reminders.sweep()
    assert_under_review_once(supported)
    reminders.sweep()
    assert_under_review_once(supported)


def test_trust_3_worker_stopped_the_sweep_puts_the_request_under_review_once(
    supported, alleged, hro, django_capture_on_commit_callbacks
):
    # The task is queued, but no worker takes it.
    with mock.patch("celery.app.task.Task.apply_async") as queued:
        with django_capture_on_commit_callbacks(execute=True):
            set_verification_status(alleged, VerificationStatus.VERIFIED, hro)
    assert queued.called
    reminders.sweep()
    assert_under_review_once(supported)


def test_trust_3_database_away_during_the_check_the_next_sweep_completes_it(
    supported, alleged, hro, eager, django_capture_on_commit_callbacks
):
    from assessments.models import TriggerCheck

    real_check = monitoring.check_violation
    away = OperationalError("server closed the connection unexpectedly")
    # The database is away while the task runs (longer than the task's own retries).
    with mock.patch.object(monitoring, "check_violation", side_effect=away):
        with django_capture_on_commit_callbacks(execute=True):
            set_verification_status(alleged, VerificationStatus.VERIFIED, hro)
    supported.refresh_from_db()
    assert supported.status == RequestStatus.ACTIVE
    failed = TriggerCheck.objects.get(object_id=alleged.pk, attempts__gte=1)
    assert failed.done_at is None and "OperationalError" in failed.last_error
    # Back, but the first check of the sweep still fails once: the sweep stops, the row waits.
    failures = [away]

    def flaky(violation_id):
        if failures:
            raise failures.pop()
        return real_check(violation_id)

    with mock.patch.object(monitoring, "check_violation", side_effect=flaky):
        reminders.sweep()
    supported.refresh_from_db()
    assert supported.status == RequestStatus.ACTIVE
    reminders.sweep()
    assert_under_review_once(supported)
    assert not TriggerCheck.objects.filter(done_at__isnull=True).exists()


def test_trust_3_task_and_sweep_run_twice_check_once(
    supported, unit, hro, manager, django_capture_on_commit_callbacks
):
    from assessments import outbox, tasks
    from assessments.models import TriggerCheck

    company = UnitFactory(parent=unit)
    with mock.patch("celery.app.task.Task.apply_async"):
        with django_capture_on_commit_callbacks(execute=True):
            violation = ViolationFactory(units=[unit, company])  # two rows for one violation
    ids = list(TriggerCheck.objects.values_list("pk", flat=True))
    assert len(ids) == 2
    before = Notification.objects.count()
    tasks.run_checks.apply(args=(ids,))
    outbox.run_pending()
    tasks.run_checks.apply(args=(ids,))
    tasks.run_pending_checks.apply()
    assert monitoring.check_violation(violation.pk) == []  # the check itself fires once per cause
    assert_under_review_once(supported)
    assert Notification.objects.count() - before == 2  # the HRO and the manager, once each
    assert TriggerCheck.objects.filter(done_at__isnull=False).count() == 2


def test_trust_3_the_check_is_written_in_the_changes_transaction(unit):
    from assessments.models import CheckKind, TriggerCheck

    with transaction.atomic():
        violation = ViolationFactory(units=[unit])
        # Before the commit, inside it: not an after-commit hook.
        assert TriggerCheck.objects.filter(kind=CheckKind.VIOLATION, object_id=violation.pk)

    class Refused(Exception):
        pass

    with pytest.raises(Refused), transaction.atomic():
        refused = ViolationFactory(units=[unit])
        raise Refused
    assert not TriggerCheck.objects.filter(object_id=refused.pk).exists()


def test_trust_3_a_failing_check_keeps_its_error_and_does_not_stop_the_others(supported, unit, hro):
    from assessments import outbox
    from assessments.models import TriggerCheck

    with mock.patch("celery.app.task.Task.apply_async"):
        broken = ViolationFactory(units=[UnitFactory()])
        grave = ViolationFactory(units=[unit])
    real_check = monitoring.check_violation

    def check(violation_id):
        if violation_id == broken.pk:
            raise ValueError("unexpected data")
        return real_check(violation_id)

    with mock.patch.object(monitoring, "check_violation", side_effect=check):
        outbox.run_pending()
    assert_under_review_once(supported)
    stuck = TriggerCheck.objects.get(object_id=broken.pk)
    assert stuck.done_at is None and stuck.attempts == 1
    assert stuck.last_error == "ValueError: unexpected data"
    assert TriggerCheck.objects.get(object_id=grave.pk).done_at is not None


def test_trust_3_beat_runs_the_pending_checks_every_minute_or_so():
    [entry] = [
        entry
        for entry in settings.CELERY_BEAT_SCHEDULE.values()
        if entry["task"] == "assessments.tasks.run_pending_checks"
    ]
    assert entry["schedule"] <= 120


def test_trust_3_a_check_sent_before_the_outbox_existed_runs_through_it_once(
    supported, alleged, eager, django_capture_on_commit_callbacks
):
    """A ``check_violation`` message queued by the code before the outbox: its check becomes an
    outbox row like any other, run once, and kept as done."""
    from assessments import tasks
    from assessments.models import CheckKind, TriggerCheck
    from hrddp.registry.models import Violation

    # Verified behind the signals' back, as the old code's message found it.
    Violation.objects.filter(pk=alleged.pk).update(verification_status=VerificationStatus.VERIFIED)
    owed = TriggerCheck.objects.filter(kind=CheckKind.VIOLATION, object_id=alleged.pk)
    owed.delete()  # the checks of the alleged violation's own saves, already run
    with django_capture_on_commit_callbacks(execute=True):
        tasks.check_violation(alleged.pk)
    assert_under_review_once(supported)
    assert owed.filter(done_at__isnull=False).count() == 1
