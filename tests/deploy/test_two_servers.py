"""The product on two servers (issue 17, "More than one server"): two web servers and two Celery
workers, real processes started with the Procfile's command lines (tests/deploy/conftest.py),
sharing only the database, the Redis broker and an S3 object store (moto's server).

- A file written through one server is downloaded through the other: a spreadsheet export asked
  on web A, written by a worker, downloaded from web B; no process's own disk holds it.
- A trigger fires exactly once when both workers run the checks of the same violation at once.
- Reminders go out exactly once when both workers run the sweep at once.

For the last two, a connection of the test holds a lock that both workers' transactions need, until
both are seen waiting on it: they then race from the same point, not one after the other.
"""

import collections
import io
import re

import openpyxl
import psycopg
import pytest
from django.db import connection
from django.utils import timezone
from mailer.models import Message

from assessments import outbox, reminders, tasks
from assessments.models import (
    Intervention,
    ReminderClaim,
    Transition,
    Trigger,
    TriggerCheck,
)
from hrddp.notifications.models import Notification
from hrddp.support.models import RequestStatus, SupportRequest
from hrddp.transfer.models import ExportJob, ExportStatus
from tests.factories import UnitFactory, ViolationFactory, active_request

from . import servers

pytestmark = pytest.mark.django_db(transaction=True)


def waiting_on_locks():
    """How many sessions of the test database wait for a lock."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity "
            "WHERE datname = current_database() AND wait_event_type = 'Lock'"
        )
        return cursor.fetchone()[0]


@pytest.fixture
def blocker(request):
    """A connection of the test's own to the test database, rolled back and closed at the end."""
    held = psycopg.connect(servers.database_url())
    request.addfinalizer(held.close)
    return held


def mail_to():
    """(recipient, subject) of each queued email."""
    return [(address, m.subject) for m in Message.objects.all() for address in m.to_addresses]


def test_an_export_asked_on_one_server_is_downloaded_from_the_other(
    web_servers, workers, sign_in, object_store, people
):
    web_a, web_b = web_servers
    ViolationFactory(units=[UnitFactory(name="1st Brigade")], location="Kanda")
    browser = sign_in(people["manager"], via=web_a)

    asked = web_a.get(browser, "/registry/violations/", params={"format": "xlsx"})
    assert asked.status_code == 302
    job_url = asked.headers["Location"]
    job = ExportJob.objects.get(pk=re.fullmatch(r"/transfer/export/(\d+)/", job_url)[1])
    servers.wait_for(
        lambda: ExportJob.objects.filter(pk=job.pk, status=ExportStatus.DONE).exists(),
        message="a worker to write the export",
    )
    job.refresh_from_db()
    # In the shared bucket, and on no process's own disk.
    assert object_store.keys("exports/") == [f"exports/{job.file_name}"]
    for process in (*web_servers, *workers):
        assert not list((process.folder / "media").rglob("*.xlsx")), process.name
    ran = [worker.name for worker in workers if "tasks.build_export[" in worker.output()]
    assert len(ran) == 1, ran  # one worker wrote it

    page = web_b.get(browser, job_url)  # the session, signed in on A, is B's too
    assert page.status_code == 200
    assert f"{job_url}file/" in page.text
    download = web_b.get(browser, f"{job_url}file/")
    assert download.status_code == 200
    assert download.headers["Content-Disposition"].startswith('attachment; filename="violations-')
    rows = list(openpyxl.load_workbook(io.BytesIO(download.content)).active.values)
    assert len(rows) == 2 and "Kanda" in rows[1]
    assert download.content == object_store.read(f"exports/{job.file_name}")

    # Still the asker's only, on either server.
    other = sign_in(people["hro"], via=web_b)
    assert web_a.get(other, f"{job_url}file/").status_code == 404
    assert web_b.get(other, f"{job_url}file/").status_code == 404


PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def test_a_letter_uploaded_through_one_server_is_downloaded_through_the_other(
    web_servers, workers, sign_in, object_store, people, mission
):
    from hrddp.documents.models import Attachment
    from hrddp.support.models import Communication, CommunicationKind

    web_a, web_b = web_servers
    support = active_request(
        mission, people["ssr"], people["hro"], people["manager"], units=[UnitFactory()]
    )
    letter = Communication.objects.create(
        request=support,
        kind=CommunicationKind.OTHER,
        date=timezone.localdate(),
        counterpart="Chief of staff",
        summary="Policy letter delivered.",
        recorded_by=people["hro"],
    )
    browser = sign_in(people["hro"], via=web_a)
    sent = web_a.post(
        browser,
        f"/documents/communication/{letter.pk}/add/",
        {"title": "Signed policy letter"},
        files={"file": ("policy letter.pdf", PDF, "application/pdf")},
    )
    assert sent.status_code == 302, sent.text[:500]
    attachment = Attachment.objects.get()
    # In the shared bucket, under the system's name, and on no process's own disk.
    assert object_store.keys("attachments/") == [attachment.file.name]
    assert object_store.read(attachment.file.name) == PDF
    for process in (*web_servers, *workers):
        assert not list((process.folder / "media").rglob("*")), process.name

    reader = sign_in(people["ssr"], via=web_b)
    download = web_b.get(reader, f"/documents/{attachment.pk}/download/")
    assert download.status_code == 200
    assert download.content == PDF
    assert download.headers["Content-Disposition"] == 'attachment; filename="policy_letter.pdf"'
    assert attachment.events.filter(pgh_label="download").count() == 1


def test_both_workers_checking_the_same_violation_at_once_fire_one_trigger(
    workers, tasks_held, blocker, people, mission
):
    worker_a, worker_b = workers
    battalion = UnitFactory()
    support = active_request(
        mission, people["ssr"], people["hro"], people["manager"], units=[battalion]
    )
    with tasks_held():  # the checks are owed, not yet sent
        ViolationFactory(units=[battalion, *UnitFactory.create_batch(2, parent=battalion)])
    checks = list(TriggerCheck.objects.order_by("pk").values_list("pk", flat=True))
    assert len(checks) == 3  # one per attribution, all of the same grave violation
    notified, mailed = Notification.objects.count(), len(mail_to())

    # The request's row locked: each worker's check reaches it and waits (or waits on the other).
    blocker.execute("SELECT id FROM support_supportrequest WHERE id = %s FOR UPDATE", [support.pk])
    sent = [
        (worker_a, worker_a.send(tasks.run_checks, checks)),
        (worker_b, worker_b.send(tasks.run_checks, checks[::-1])),
    ]
    servers.wait_for(lambda: waiting_on_locks() >= 2, message="both workers to wait")
    blocker.rollback()
    done = [worker.result(task_id) for worker, task_id in sent]

    assert sum(done) == 3 and all(done), done  # each worker ran checks; each check ran once
    assert not outbox.pending().exists()
    support.refresh_from_db()
    assert support.status == RequestStatus.UNDER_REVIEW
    assert Trigger.objects.count() == Intervention.objects.count() == 1
    assert (
        Transition.objects.filter(request=support, to_status=RequestStatus.UNDER_REVIEW).count()
        == 1
    )
    # The entity's HRO and manager are told once each, in the product and by email.
    assert Notification.objects.count() - notified == 2
    assert sorted(address for address, _subject in mail_to()[mailed:]) == [
        "hro@example.org",
        "manager@example.org",
    ]


def test_both_workers_sweeping_at_once_send_each_reminder_once(
    workers, tasks_held, blocker, people, mission
):
    with tasks_held():
        for n in range(10):
            active_request(
                mission, people["ssr"], people["hro"], people["manager"], title=f"Convoy {n}"
            )
    SupportRequest.objects.update(review_due=timezone.localdate())
    planned = reminders.send_due_reminders(dry_run=True)
    assert len(planned) == 20  # each request's review: its manager and its HRO
    notified, mailed = Notification.objects.count(), len(mail_to())

    # The first reminder's claim, held uncommitted: both sweeps wait there, then race on.
    due, user = planned[0]
    blocker.execute(
        "INSERT INTO assessments_reminderclaim (kind, object_id, user_id, due_key, claimed_at) "
        "VALUES (%s, %s, %s, %s, now())",
        (due.kind, due.object_id, user.pk, due.due_key),
    )
    sent = [(worker, worker.send(tasks.sweep)) for worker in workers]
    servers.wait_for(lambda: waiting_on_locks() >= 2, message="both sweeps to wait")
    blocker.rollback()
    results = [worker.result(task_id) for worker, task_id in sent]

    assert sum(result["reminders"] for result in results) == 20, results
    assert ReminderClaim.objects.count() == 20
    assert Notification.objects.count() - notified == 20
    assert Notification.objects.values("user", "subject").distinct().count() == 20
    queued = collections.Counter(mail_to()[mailed:])
    assert len(queued) == 20 and set(queued.values()) == {1}
    assert {address for address, _subject in queued} == {
        "hro@example.org",
        "manager@example.org",
    }
