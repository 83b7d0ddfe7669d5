"""Reminders end to end through a real Celery worker and beat, on the configured broker (Redis in
CI, the filesystem transport on a laptop), against the test database.

These tests start ``celery`` processes, so the data they need is committed (transactional
tests) and the processes are pointed at the test database by DATABASE_URL.
"""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone

from assessments import reminders
from assessments.models import ReminderClaim
from hrddp.accounts.models import Role
from hrddp.notifications.models import Notification
from hrddp.support.models import SupportRequest
from tests.factories import UserFactory, active_request

pytestmark = [pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[2]


def database_url():
    db = settings.DATABASES["default"]
    host = db.get("HOST") or db.get("OPTIONS", {}).get("host", "")
    if host.startswith("/"):  # the embedded server's socket directory
        return f"postgresql://{db['USER']}@/{db['NAME']}?host={quote(host)}"
    password = quote(db.get("PASSWORD") or "")
    return f"postgresql://{db['USER']}:{password}@{host}:{db.get('PORT') or 5432}/{db['NAME']}"


def broker_url():
    """The configured broker, on a database of its own when it is Redis."""
    url = settings.CELERY_BROKER_URL
    if url.startswith("redis://"):
        return url.rsplit("/", 1)[0] + "/14" if url.count("/") > 2 else url + "/14"
    return url


@pytest.fixture
def celery_env(tmp_path):
    env = {
        **os.environ,
        "DEBUG": "1",
        "DATABASE_URL": database_url(),
        "CELERY_BROKER_URL": broker_url(),
        "CELERY_DATA_DIR": str(tmp_path / "celery"),
        "CELERY_VISIBILITY_TIMEOUT": "5",
        "EMAIL_FILE_PATH": str(tmp_path / "mail"),
        "SWEEP_SECONDS": "2",
        "TRIGGER_CHECK_SECONDS": "2",
        "MAIL_SECONDS": "2",
    }
    env.pop("EMAIL_URL", None)
    for folder in ("queue", "processed"):
        (tmp_path / "celery" / folder).mkdir(parents=True)
    if broker_url().startswith("redis://"):
        import redis

        redis.Redis.from_url(broker_url()).flushdb()
    return env


@pytest.fixture
def start_celery(celery_env, tmp_path):
    processes = []

    def start(*args):
        log = open(tmp_path / f"celery-{len(processes)}.log", "w")
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "hrddp",
                "worker",
                "--pool",
                "solo",
                "--loglevel",
                "INFO",
                "--without-mingle",
                "--without-gossip",
                *args,
            ],
            cwd=ROOT,
            env=celery_env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        processes.append(process)
        return process

    yield start
    for process in processes:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
    connection.close()


def wait_for(condition, timeout=90, message="condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.5)
    raise AssertionError(f"timed out waiting for {message}")


def active_requests_with_review_due(count, entity, requester, hro, manager):
    """``count`` active requests whose review is due today: one reminder each to the manager and
    to the HRO who ran the assessment."""
    for n in range(count):
        active_request(entity, requester, hro, manager, title=f"Convoy {n}")
    SupportRequest.objects.update(review_due=timezone.localdate())
    return len(reminders.send_due_reminders(dry_run=True))


@pytest.fixture
def people(mission):
    return {
        "ssr": UserFactory(
            username="ssr", email="ssr@example.org", roles=[(mission, Role.REQUESTER)]
        ),
        "hro": UserFactory(username="hro", email="hro@example.org", roles=[(mission, Role.HRO)]),
        "manager": UserFactory(
            username="manager", email="manager@example.org", roles=[(mission, Role.MANAGER)]
        ),
    }


def test_beat_and_worker_deliver_a_due_reminder_by_email_and_notification(
    mission, people, start_celery, tmp_path
):
    due = active_requests_with_review_due(
        1, mission, people["ssr"], people["hro"], people["manager"]
    )
    assert due == 2
    start_celery("--beat", "--schedule", str(tmp_path / "beat-schedule"))
    wait_for(
        lambda: Notification.objects.filter(subject__contains="Convoy 0").count() == 2,
        message="notifications",
    )
    mail = tmp_path / "mail"

    def mailbox():
        return "".join(path.read_text() for path in mail.iterdir()) if mail.exists() else ""

    wait_for(
        lambda: "manager@example.org" in mailbox() and "hro@example.org" in mailbox(),
        message="emails",
    )
    request = SupportRequest.objects.get()
    assert mailbox().count(f"/requests/{request.pk}/") == 2
    assert ReminderClaim.objects.count() == 2


def test_a_worker_killed_mid_sweep_is_caught_up_exactly_once(
    request, mission, people, start_celery, tmp_path
):
    import psycopg

    from assessments import tasks
    from hrddp.celery import app

    total = active_requests_with_review_due(
        20, mission, people["ssr"], people["hro"], people["manager"]
    )
    assert total == 40
    planned = reminders.send_due_reminders(dry_run=True)
    due, user = planned[total // 2]
    # Another session holds, uncommitted, the claim of a reminder in the middle of the sweep: the
    # worker blocks there with the first reminders committed, and is killed while it waits.
    blocker = psycopg.connect(database_url())
    request.addfinalizer(blocker.close)  # its rollback frees the test database for teardown
    blocker.execute(
        "INSERT INTO assessments_reminderclaim (kind, object_id, user_id, due_key, claimed_at) "
        "VALUES (%s, %s, %s, %s, now())",
        (due.kind, due.object_id, user.pk, due.due_key),
    )
    worker = start_celery()
    queue = str(
        tmp_path / "celery" / "queue"
    )  # the filesystem transport's folders, as in celery_env
    options = (
        {"data_folder_in": queue, "data_folder_out": queue}
        if broker_url().startswith("filesystem://")
        else {}
    )
    with app.connection_for_write(broker_url(), transport_options=options) as broker:
        tasks.sweep.apply_async(connection=broker)
    wait_for(lambda: ReminderClaim.objects.count() >= 1, message="the sweep to start")
    time.sleep(3)
    done_before_kill = ReminderClaim.objects.count()
    assert 0 < done_before_kill < total
    os.killpg(worker.pid, signal.SIGKILL)
    worker.wait(timeout=10)
    blocker.rollback()
    blocker.close()

    start_celery("--beat", "--schedule", str(tmp_path / "beat-schedule"))
    wait_for(lambda: ReminderClaim.objects.count() == total, message="every reminder")
    time.sleep(6)  # later sweeps, and the killed task redelivered, must add nothing
    assert ReminderClaim.objects.count() == total
    assert Notification.objects.count() == total
    assert Notification.objects.values("user", "subject").distinct().count() == total


def under_review_once(support):
    """The request went under review exactly once, with exactly one intervention."""
    from assessments.models import Intervention, Transition
    from hrddp.support.models import RequestStatus

    support.refresh_from_db()
    return (
        support.status == RequestStatus.UNDER_REVIEW
        and Transition.objects.filter(request=support, to_status=RequestStatus.UNDER_REVIEW).count()
        == 1
        and Intervention.objects.filter(request=support).count() == 1
    )


def grave_violation_verified(people, battalion):
    from hrddp.registry.models import VerificationStatus
    from hrddp.registry.services import set_verification_status
    from tests.factories import ViolationFactory

    violation = ViolationFactory(units=[battalion], verification_status=VerificationStatus.ALLEGED)
    set_verification_status(violation, VerificationStatus.VERIFIED, people["hro"])
    return violation


def test_trust_3_broker_unreachable_the_beat_sweep_puts_the_request_under_review_once(
    mission, people, start_celery, tmp_path
):
    from unittest import mock

    from celery.app.task import Task

    from hrddp.celery import app
    from tests.factories import UnitFactory

    battalion = UnitFactory()
    support = active_request(
        mission, people["ssr"], people["hro"], people["manager"], units=[battalion]
    )
    start_celery("--beat", "--schedule", str(tmp_path / "beat-schedule"))
    # The web process's broker is a closed port: every send after commit fails.
    send, tried = Task.apply_async, []
    with app.connection_for_write("redis://127.0.0.1:1/0") as closed_port:

        def to_the_closed_port(task, args=None, kwargs=None, **extra):
            tried.append(task.name)
            return send(task, args, kwargs, connection=closed_port, **extra)

        with mock.patch.object(Task, "apply_async", to_the_closed_port):
            grave_violation_verified(people, battalion)  # no error reaches the HRO
    assert tried
    wait_for(lambda: under_review_once(support), message="the request under review")
    from assessments.models import TriggerCheck

    wait_for(
        lambda: not TriggerCheck.objects.filter(done_at__isnull=True).exists(),
        message="every check done",
    )
    time.sleep(5)  # later sweeps add nothing
    assert under_review_once(support)


def test_trust_3_worker_stopped_when_the_violation_is_verified_triggers_once_on_restart(
    mission, people, start_celery, tmp_path
):
    from unittest import mock

    from celery.app.task import Task

    from assessments.models import TriggerCheck
    from hrddp.celery import app
    from hrddp.notifications.models import Notification as Notice
    from hrddp.support.models import RequestStatus
    from tests.factories import UnitFactory

    battalion = UnitFactory()
    support = active_request(
        mission, people["ssr"], people["hro"], people["manager"], units=[battalion]
    )
    worker = start_celery()
    log = tmp_path / "celery-0.log"
    wait_for(lambda: "ready." in log.read_text(), message="the worker to start")
    os.killpg(worker.pid, signal.SIGTERM)
    worker.wait(timeout=30)

    # With the worker stopped, the tasks are queued on its broker; none runs.
    queue = str(tmp_path / "celery" / "queue")
    options = (
        {"data_folder_in": queue, "data_folder_out": queue}
        if broker_url().startswith("filesystem://")
        else {}
    )
    send = Task.apply_async
    with app.connection_for_write(broker_url(), transport_options=options) as broker:

        def to_the_workers_broker(task, args=None, kwargs=None, **extra):
            return send(task, args, kwargs, connection=broker, **extra)

        with mock.patch.object(Task, "apply_async", to_the_workers_broker):
            grave_violation_verified(people, battalion)
    time.sleep(3)
    support.refresh_from_db()
    assert support.status == RequestStatus.ACTIVE
    assert TriggerCheck.objects.filter(done_at__isnull=True).count() == 2
    before = Notice.objects.count()

    # Started again, with beat: the queued tasks and the sweep reach the same checks.
    start_celery("--beat", "--schedule", str(tmp_path / "beat-schedule"))
    wait_for(lambda: under_review_once(support), message="the request under review")
    wait_for(
        lambda: not TriggerCheck.objects.filter(done_at__isnull=True).exists(),
        message="every check done",
    )
    time.sleep(5)
    assert under_review_once(support)
    assert Notice.objects.count() - before == 2  # the HRO and the manager, once each


def test_trust_3_a_worker_killed_mid_check_leaves_it_pending_and_it_runs_once(
    request, mission, people, start_celery, tmp_path
):
    from unittest import mock

    import psycopg

    from assessments.models import TriggerCheck
    from hrddp.support.models import RequestStatus
    from tests.factories import UnitFactory

    battalion = UnitFactory()
    support = active_request(
        mission, people["ssr"], people["hro"], people["manager"], units=[battalion]
    )
    with mock.patch("celery.app.task.Task.apply_async"):  # sent nowhere: the sweep's to run
        grave_violation_verified(people, battalion)
    # Another session holds the request's row: the worker's check blocks as it puts the request
    # under review, with its trigger and intervention written but not committed, and is killed.
    blocker = psycopg.connect(database_url())
    request.addfinalizer(blocker.close)
    blocker.execute("SELECT id FROM support_supportrequest WHERE id = %s FOR UPDATE", (support.pk,))
    worker = start_celery("--beat", "--schedule", str(tmp_path / "beat-schedule"))

    def blocked():
        rows = blocker.execute(
            "SELECT count(*) FROM pg_locks WHERE NOT granted AND pid <> pg_backend_pid()"
        )
        return rows.fetchone()[0] > 0

    wait_for(blocked, message="the check to block")
    os.killpg(worker.pid, signal.SIGKILL)
    worker.wait(timeout=10)
    blocker.rollback()
    blocker.close()
    support.refresh_from_db()
    assert support.status == RequestStatus.ACTIVE
    assert TriggerCheck.objects.filter(done_at__isnull=True).exists()

    start_celery("--beat", "--schedule", str(tmp_path / "beat-schedule-2"))
    wait_for(lambda: under_review_once(support), message="the request under review")
    wait_for(
        lambda: not TriggerCheck.objects.filter(done_at__isnull=True).exists(),
        message="every check done",
    )
    time.sleep(5)
    assert under_review_once(support)
