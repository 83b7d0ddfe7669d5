"""Spreadsheet exports as background jobs (issue 11): the job's page at once, its progress without
JavaScript, the file for its asker only, deleted after its time; a job whose task was lost is sent
again by the sweep."""

import csv
import datetime
import io
import re
from unittest import mock

import openpyxl
import pytest
import time_machine
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.urls import reverse
from django.utils import timezone

from hrddp.registry.models import Violation
from hrddp.transfer import export_jobs, exporting, tasks
from hrddp.transfer.models import ExportJob, ExportStatus
from tests.factories import SourceFactory, UnitFactory, ViolationFactory, category

from .export_world import LISTS

pytestmark = pytest.mark.django_db


@pytest.fixture
def sent(monkeypatch):
    """The job ids sent to the broker (none is run: each test runs the job itself)."""
    ids = []
    monkeypatch.setattr(export_jobs, "enqueue", ids.append)
    return ids


def ask(client, url_name, django_capture_on_commit_callbacks, **filters):
    """Ask for the list's spreadsheet; the job row and what was sent once it committed."""
    with django_capture_on_commit_callbacks(execute=True):
        response = client.get(reverse(url_name), {**filters, "format": "xlsx"})
    assert response.status_code == 302
    job = ExportJob.objects.get(pk=re.search(r"/export/(\d+)/", response["Location"])[1])
    assert response["Location"] == reverse("transfer:export_job", args=[job.pk])
    return job


def spreadsheet_rows(response):
    content = b"".join(response.streaming_content)
    sheet = openpyxl.load_workbook(io.BytesIO(content)).active
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def csv_of(client, url_name, **filters):
    body = b"".join(client.get(reverse(url_name), {**filters, "format": "csv"}).streaming_content)
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))


def as_csv_cell(value):
    """A spreadsheet cell as the CSV writes it (dates ISO, times to the minute)."""
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        midnight = value.time() == datetime.time()  # a date cell
        return f"{value:%Y-%m-%d}" if midnight else f"{value:%Y-%m-%d %H:%M}"
    text = str(value)
    return "'" + text if text.startswith(("=", "+", "-", "@", "\t", "\r")) else text


def test_the_spreadsheet_is_written_by_a_job_for_the_list_as_filtered(
    client_for, manager, sent, django_capture_on_commit_callbacks
):
    unit = UnitFactory(name="1st Brigade")
    ViolationFactory(units=[unit], location="Kanda", category=category("torture"))
    ViolationFactory(location="Elsewhere", category=category("looting"))
    client = client_for(manager)
    torture = category("torture").pk
    job = ask(
        client,
        "registry:violation_list",
        django_capture_on_commit_callbacks,
        category=torture,
        page=2,
    )
    assert sent == [job.pk]
    assert (job.created_by, job.list_name, job.language) == (manager, "violations", "en")
    assert job.list_url == f"/registry/violations/?category={torture}"
    assert job.status == ExportStatus.QUEUED

    waiting = client.get(reverse("transfer:export_job", args=[job.pk]))
    assert waiting["Refresh"] == "2"
    # No script but the site menu's: the page refreshes itself.
    assert b"<progress" in waiting.content
    own = waiting.content.replace(b'<script src="/static/js/nav.js"></script>', b"")
    assert b"<script" not in own
    assert reverse("transfer:export_file", args=[job.pk]).encode() not in waiting.content

    tasks.build_export(job.pk)
    job.refresh_from_db()
    assert job.status == ExportStatus.DONE and job.total_rows == job.processed_rows == 1
    done = client.get(reverse("transfer:export_job", args=[job.pk]))
    assert "Refresh" not in done
    assert reverse("transfer:export_file", args=[job.pk]).encode() in done.content
    assert job.list_url.encode() in done.content  # back to the list, as filtered

    download = client.get(reverse("transfer:export_file", args=[job.pk]))
    assert download["Content-Type"] == export_jobs.XLSX_CONTENT_TYPE
    assert download["Content-Disposition"].startswith('attachment; filename="violations-')
    rows = spreadsheet_rows(download)
    assert rows[0][:3] == ["Date", "Category", "Subtype"]
    assert len(rows) == 2
    assert rows[1][1] == "Torture or cruel treatment"
    assert rows[1][4] == "Kanda"
    assert rows[1][-2] == "1st Brigade (Direct)"  # the reference last (issue 16)
    assert isinstance(rows[1][0], datetime.datetime)  # a date cell, not text


def test_every_lists_spreadsheet_holds_the_csvs_cells_in_typed_cells(
    client_for, readers, registry_world, sent, django_capture_on_commit_callbacks
):
    """The same SELECT for both: the spreadsheet's cells are the CSV's, with dates as dates and
    numbers as numbers, in the language of the reader who asked (the worker's is English)."""
    for name, _spec, persona in LISTS:
        client = client_for(readers[persona])
        client.post(reverse("set_language"), {"language": "fr", "next": "/"})
        expected = csv_of(client, name)
        job = ask(client, name, django_capture_on_commit_callbacks)
        assert job.language == "fr"
        export_jobs.run_job(job.pk)
        rows = spreadsheet_rows(client.get(reverse("transfer:export_file", args=[job.pk])))
        assert [[as_csv_cell(cell) for cell in row] for row in rows[1:]] == expected[1:], name
        assert rows[0] == expected[0], name
    numbers = spreadsheet_rows(
        client.get(reverse("transfer:export_file", args=[ExportJob.objects.first().pk]))
    )
    assert all(isinstance(row[6], int) for row in numbers[1:])  # perceptions: trust in the force


def test_a_spreadsheet_carries_no_source_identity(
    client_for, hro, sent, django_capture_on_commit_callbacks
):
    violation = ViolationFactory(verification_status="alleged")
    SourceFactory(violation=violation, identity="Amina Witness-Identity", contact="+000 CONTACT")
    client = client_for(hro)
    for name in ("registry:violation_list", "registry:triage"):
        job = ask(client, name, django_capture_on_commit_callbacks)
        export_jobs.run_job(job.pk)
        cells = str(spreadsheet_rows(client.get(reverse("transfer:export_file", args=[job.pk]))))
        assert "Amina" not in cells and "CONTACT" not in cells
        assert "Narrative of the incident." in cells or name == "registry:violation_list"


def test_a_job_and_its_file_are_its_askers_only(
    client_for, hro, manager, auditor, client, sent, django_capture_on_commit_callbacks
):
    ViolationFactory()
    job = ask(client_for(manager), "registry:violation_list", django_capture_on_commit_callbacks)
    export_jobs.run_job(job.pk)
    for url in (
        reverse("transfer:export_job", args=[job.pk]),
        reverse("transfer:export_file", args=[job.pk]),
    ):
        for other in (hro, auditor):
            assert client_for(other).get(url).status_code == 404
        client.logout()
        assert client.get(url).status_code == 302
        assert client_for(manager).get(url).status_code == 200


def test_no_file_before_the_job_is_done_nor_once_it_is_gone(
    client_for, manager, sent, django_capture_on_commit_callbacks
):
    client = client_for(manager)
    job = ask(client, "registry:violation_list", django_capture_on_commit_callbacks)
    file_url = reverse("transfer:export_file", args=[job.pk])
    assert client.get(file_url).status_code == 404
    export_jobs.run_job(job.pk)
    job.refresh_from_db()
    default_storage.delete(export_jobs.stored_name(job))
    assert client.get(file_url).status_code == 404


def test_the_job_page_shows_the_progress_of_a_running_job(
    client_for, manager, sent, django_capture_on_commit_callbacks
):
    client = client_for(manager)
    job = ask(client, "registry:violation_list", django_capture_on_commit_callbacks)
    ExportJob.objects.filter(pk=job.pk).update(
        status=ExportStatus.RUNNING, total_rows=1000, processed_rows=250
    )
    page = client.get(reverse("transfer:export_job", args=[job.pk]))
    assert page["Refresh"] == "2"
    assert b'<progress id="export-progress" class="w-100" max="1000" value="250">' in page.content
    assert b"250 of 1000 rows" in page.content


def test_the_job_page_comes_in_the_readers_language(
    client_for, manager, sent, django_capture_on_commit_callbacks
):
    client = client_for(manager)
    client.post(reverse("set_language"), {"language": "fr", "next": "/"})
    job = ask(client, "registry:violation_list", django_capture_on_commit_callbacks)
    page = client.get(reverse("transfer:export_job", args=[job.pk])).content.decode()
    assert "Violations : export Excel" in page
    assert "En attente d’un processus de travail" in page


def test_progress_is_written_where_the_page_reads_it_while_the_job_works(
    client_for, manager, sent, django_capture_on_commit_callbacks, monkeypatch
):
    """The job's row count is written first, then the rows written every few thousand rows."""
    ViolationFactory.create_batch(5)
    job = ask(client_for(manager), "registry:violation_list", django_capture_on_commit_callbacks)
    monkeypatch.setattr(export_jobs, "ROWS_PER_FETCH", 2)
    monkeypatch.setattr(export_jobs, "PROGRESS_EVERY", 2)
    reported = []
    monkeypatch.setattr(
        export_jobs.JobProgress, "total", lambda self, n: reported.append(("of", n))
    )
    monkeypatch.setattr(export_jobs.JobProgress, "__call__", lambda self, n: reported.append(n))
    export_jobs.run_job(job.pk)
    assert reported == [("of", 5), 2, 4]


def test_a_rerun_of_the_task_writes_nothing_more(
    client_for, manager, sent, django_capture_on_commit_callbacks
):
    ViolationFactory()
    job = ask(client_for(manager), "registry:violation_list", django_capture_on_commit_callbacks)
    export_jobs.run_job(job.pk)
    export_jobs.run_job(job.pk)
    job.refresh_from_db()
    assert job.attempts == 1
    assert export_jobs.stored_files() == [job.file_name]


def test_a_job_that_fails_says_so_and_leaves_no_file(
    client_for, manager, sent, django_capture_on_commit_callbacks
):
    client = client_for(manager)
    job = ask(client, "registry:violation_list", django_capture_on_commit_callbacks)
    with mock.patch.object(export_jobs, "write_rows", side_effect=ValueError("broken")):
        export_jobs.run_job(job.pk)
    job.refresh_from_db()
    assert job.status == ExportStatus.FAILED
    assert export_jobs.stored_files() == []
    page = client.get(reverse("transfer:export_job", args=[job.pk]))
    assert "Refresh" not in page and b"could not be written" in page.content


def test_a_job_whose_task_was_lost_is_sent_again_by_the_sweep(
    client_for, manager, monkeypatch, django_capture_on_commit_callbacks
):
    """The broker was down when the job committed: nothing ran. The sweep, once the job has
    waited longer than a task takes to start, sends it again; the worker then writes the file."""

    def broker_down(job_id):
        raise ConnectionError("broker down")

    monkeypatch.setattr(tasks.build_export, "delay", broker_down)
    ViolationFactory()
    client = client_for(manager)
    job = ask(client, "registry:violation_list", django_capture_on_commit_callbacks)
    job.refresh_from_db()
    assert job.status == ExportStatus.QUEUED  # the reader still got the job's page

    ran = []
    monkeypatch.setattr(tasks.build_export, "delay", lambda job_id: ran.append(job_id))
    with django_capture_on_commit_callbacks(execute=True):
        assert export_jobs.requeue_lost() == []  # just queued: the task may still start
    later = timezone.now() + export_jobs.QUEUED_GRACE + datetime.timedelta(seconds=1)
    with django_capture_on_commit_callbacks(execute=True):
        assert export_jobs.requeue_lost(later) == [job.pk]
    assert ran == [job.pk]
    with django_capture_on_commit_callbacks(execute=True):
        assert export_jobs.requeue_lost(later) == []  # sent again once per grace period
    tasks.build_export(ran[0])
    job.refresh_from_db()
    assert job.status == ExportStatus.DONE


def test_a_job_whose_worker_died_is_sent_again_until_it_runs_out_of_attempts(
    client_for, manager, sent, django_capture_on_commit_callbacks
):
    job = ask(client_for(manager), "registry:violation_list", django_capture_on_commit_callbacks)
    sent.clear()
    for attempt in range(1, export_jobs.MAX_ATTEMPTS + 1):
        export_jobs.claim(job.pk)  # a worker starts it, then dies
        job.refresh_from_db()
        assert job.attempts == attempt
        silent = job.heartbeat_at + export_jobs.STALE_AFTER
        assert export_jobs.requeue_lost(silent - datetime.timedelta(minutes=1)) == []
        with django_capture_on_commit_callbacks(execute=True):
            requeued = export_jobs.requeue_lost(silent + datetime.timedelta(minutes=1))
        job.refresh_from_db()
        if attempt < export_jobs.MAX_ATTEMPTS:
            assert requeued == [job.pk] and job.status == ExportStatus.QUEUED
        else:
            assert requeued == [] and job.status == ExportStatus.FAILED
    assert sent == [job.pk] * (export_jobs.MAX_ATTEMPTS - 1)


def test_files_are_deleted_after_their_time_and_the_job_says_so(
    client_for, manager, sent, django_capture_on_commit_callbacks, settings
):
    settings.EXPORT_KEEP_HOURS = 24
    ViolationFactory()
    client = client_for(manager)
    with time_machine.travel(timezone.now() - datetime.timedelta(hours=25)):
        old = ask(client, "registry:violation_list", django_capture_on_commit_callbacks)
        export_jobs.run_job(old.pk)
    new = ask(client, "registry:violation_list", django_capture_on_commit_callbacks)
    export_jobs.run_job(new.pk)
    old.refresh_from_db()
    new.refresh_from_db()
    # Files a dead worker stored but no job names: one as old as the old job's, one just stored.
    orphan = default_storage.save("exports/export-999-dead.xlsx", ContentFile(b"PK"))
    recent_orphan = default_storage.save("exports/export-998-dead.xlsx", ContentFile(b"PK"))
    stamp = (timezone.now() - datetime.timedelta(hours=25)).timestamp()
    os_utime(default_storage.path(orphan), stamp)
    os_utime(default_storage.path(export_jobs.stored_name(old)), stamp)

    assert tasks.sweep_exports() == {"requeued": 0, "expired": 1}
    assert sorted(export_jobs.stored_files()) == sorted(
        [new.file_name, recent_orphan.removeprefix("exports/")]
    )
    old.refresh_from_db()
    assert old.status == ExportStatus.EXPIRED and old.query == "" and old.file_name == ""
    page = client.get(reverse("transfer:export_job", args=[old.pk]))
    assert b"deleted after its retention time" in page.content
    assert client.get(reverse("transfer:export_file", args=[old.pk])).status_code == 404
    assert client.get(reverse("transfer:export_file", args=[new.pk])).status_code == 200


def os_utime(path, stamp):
    import os

    os.utime(path, (stamp, stamp))


def test_asking_for_a_spreadsheet_costs_a_few_queries_whatever_the_rows(
    client_for, manager, sent, django_assert_max_num_queries
):
    """The page answers at once: the list's query is compiled, not run, before the job's page."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(manager)

    def ask_and_count():
        with CaptureQueriesContext(connection) as queries:
            response = client.get(reverse("registry:violation_list"), {"format": "xlsx"})
        assert response.status_code == 302
        return len(queries), response["Location"]

    ViolationFactory.create_batch(2)
    few, _location = ask_and_count()
    ViolationFactory.create_batch(30)
    many, location = ask_and_count()
    assert few == many <= 10
    with django_assert_max_num_queries(6):
        client.get(location)


def test_the_query_stored_with_a_job_is_the_pages_own(
    client_for, manager, sent, django_capture_on_commit_callbacks
):
    """Compiled when the reader asked: their filters and their order, bound into the SQL."""
    ViolationFactory(location="Kanda")
    job = ask(
        client_for(manager),
        "registry:violation_list",
        django_capture_on_commit_callbacks,
        q="Kanda",
    )
    assert "'''Kanda'':*'" in job.query
    assert job.query.endswith(
        'ORDER BY "registry_violation"."date" DESC, "registry_violation"."id" DESC'
    )
    assert job.query == exporting.select_sql(
        Violation.objects.search("Kanda"),
        exporting.SPECS["violations"],
    )


@pytest.fixture
def exports_in_a_bucket(settings):
    """The default storage in an S3 bucket (moto's server: a real S3 API), as when
    AWS_STORAGE_BUCKET_NAME is set."""
    from tests.object_store import moto_server

    with moto_server() as store:
        settings.STORAGES = store.storages(settings)
        yield store


def test_in_an_object_store_the_file_is_written_served_and_deleted_there(
    client_for, manager, sent, django_capture_on_commit_callbacks, exports_in_a_bucket, settings
):
    store = exports_in_a_bucket
    ViolationFactory(location="Kanda")
    client = client_for(manager)
    job = ask(client, "registry:violation_list", django_capture_on_commit_callbacks)
    export_jobs.run_job(job.pk)
    job.refresh_from_db()
    assert store.keys() == [f"exports/{job.file_name}"]
    assert job.file_size == len(store.read(f"exports/{job.file_name}"))
    rows = spreadsheet_rows(client.get(reverse("transfer:export_file", args=[job.pk])))
    assert rows[1][4] == "Kanda"

    # A file a dead worker stored but no job names.
    store.client.put_object(Bucket=store.bucket, Key="exports/export-999-dead.xlsx", Body=b"PK")
    later = timezone.now() + datetime.timedelta(hours=settings.EXPORT_KEEP_HOURS, minutes=1)
    assert export_jobs.delete_expired(timezone.now()) == []
    assert len(store.keys()) == 2
    assert export_jobs.delete_expired(later) == [job.pk]
    assert store.keys() == []
    assert client.get(reverse("transfer:export_file", args=[job.pk])).status_code == 404
