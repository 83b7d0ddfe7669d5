"""Two sweeps at the same moment (two beat processes, or a retried task beside a new one)."""

import threading

import pytest
from django.db import connection
from django.utils import timezone

from assessments import reminders
from assessments.models import ReminderClaim
from hrddp.notifications.models import Notification
from hrddp.support.models import SupportRequest
from tests.factories import active_request

pytestmark = pytest.mark.django_db(transaction=True)


def test_concurrent_sweeps_send_each_reminder_once(mission, ssr_advisor, hro, manager):
    for n in range(15):
        active_request(mission, ssr_advisor, hro, manager, title=f"Convoy {n}")
    SupportRequest.objects.update(review_due=timezone.localdate())
    start = threading.Barrier(3)
    sent = []

    def sweep():
        try:
            start.wait()
            sent.extend(reminders.send_due_reminders())
        finally:
            connection.close()

    threads = [threading.Thread(target=sweep) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(sent) == 30  # 15 requests × (manager + HRO), whichever sweep sent each
    assert ReminderClaim.objects.count() == Notification.objects.count() == 30


def test_trust_3_concurrent_task_and_sweeps_run_each_trigger_check_once(
    mission, ssr_advisor, hro, manager
):
    """The task sent after commit and two sweeps reach the same pending checks at once."""
    from unittest import mock

    from assessments import outbox
    from assessments.models import Intervention, Transition, Trigger, TriggerCheck
    from hrddp.support.models import RequestStatus
    from tests.factories import UnitFactory, ViolationFactory

    battalion = UnitFactory()
    support = active_request(mission, ssr_advisor, hro, manager, units=[battalion])
    with mock.patch("celery.app.task.Task.apply_async"):  # sent, but no worker took it yet
        ViolationFactory(units=[battalion, *UnitFactory.create_batch(2, parent=battalion)])
    ids = list(TriggerCheck.objects.values_list("pk", flat=True))
    assert len(ids) == 3  # one per attribution, all for the same violation
    before = Notification.objects.count()
    start = threading.Barrier(4)

    def run(work):
        try:
            start.wait()
            work()
        finally:
            connection.close()

    workers = [
        lambda: outbox.run_checks(ids),
        outbox.run_pending,
        outbox.run_pending,
        reminders.sweep,
    ]
    threads = [threading.Thread(target=run, args=(work,)) for work in workers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    support.refresh_from_db()
    assert support.status == RequestStatus.UNDER_REVIEW
    assert (
        Transition.objects.filter(request=support, to_status=RequestStatus.UNDER_REVIEW).count()
        == 1
    )
    assert Trigger.objects.count() == Intervention.objects.count() == 1
    assert Notification.objects.count() - before == 2  # the HRO and the manager, once each
    assert not TriggerCheck.objects.filter(done_at__isnull=True).exists()
