"""Two sweeps at the same moment (two beat processes, or a retried task beside a new one)."""

import threading

import pytest
from django.db import connection
from django.utils import timezone

from assessments import reminders
from assessments.models import Notification, ReminderClaim
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
