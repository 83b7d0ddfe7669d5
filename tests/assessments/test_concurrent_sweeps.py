"""Two sweeps at the same moment (two beat processes, or a retried task beside a new one)."""

import threading

import pytest
from django.db import connection
from django.utils import timezone

from assessments import reminders, workflow
from assessments.models import Notification, ReminderClaim
from hrddp.support.models import Communication, CommunicationKind, SupportRequest
from tests.factories import UnitFactory, complete_assessment, make_request

pytestmark = pytest.mark.django_db(transaction=True)


def test_concurrent_sweeps_send_each_reminder_once(mission, ssr_advisor, hro, manager):
    for n in range(15):
        request = make_request(mission, ssr_advisor, [UnitFactory()], title=f"Convoy {n}")
        workflow.apply(request.pk, "submit", ssr_advisor)
        workflow.apply(request.pk, "start_assessment", hro)
        complete_assessment(workflow.current_assessment(request))
        workflow.apply(request.pk, "submit_for_decision", hro)
        workflow.apply(request.pk, "approve", manager, reason="Low risk.")
        Communication.objects.create(
            request=request,
            kind=CommunicationKind.POLICY_NOTIFICATION,
            date=timezone.localdate(),
            counterpart="Chief of Staff",
            summary="Letter.",
            recorded_by=ssr_advisor,
        )
        workflow.apply(request.pk, "activate", ssr_advisor)
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
