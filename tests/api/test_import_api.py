"""Importing through the API (issue 14): the upload page's file, dry run, confirmation and retry,
through the same services, with the same limits and the same who-may-import; an export's job and
file for its asker only."""

import datetime
from unittest import mock

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from hrddp.registry.models import Unit
from hrddp.transfer import export_jobs, importing, tasks
from hrddp.transfer.models import ExportJob, ExportStatus, ImportJob, ImportStatus
from tests.factories import InstitutionFactory
from tests.transfer.test_import import units_file, xlsx_bytes

pytestmark = pytest.mark.django_db

IMPORTS = "/api/v1/imports/"
UNIT_HEADER = ["external_ref", "name", "aliases", "institution", "parent", "location"]


@pytest.fixture
def army(db):
    return InstitutionFactory(name="National Army", external_ref="INST-1")


def good_file():
    return units_file(["U-1", "1st Brigade", "", "INST-1", "", "North"])


def bad_file():
    return units_file(["U-1", "", "", "INST-404", "", ""])


def upload(api, content, name="units.csv", kind="units"):
    return api.post(
        IMPORTS, {"kind": kind, "file": SimpleUploadedFile(name, content)}, format="multipart"
    )


def job_url(job, suffix=""):
    return f"{IMPORTS}{job.pk}/{suffix}"


# The permission ladder: importers only (HROs, administrators); a job is its uploader's.


def test_only_importers_upload_files_through_the_api(api_for, personas, army):
    expected = {
        "anonymous": 401,
        "no_role": 403,
        "ssr_advisor": 403,
        "outsider": 403,
        "manager": 403,
        "auditor": 403,
        "hro": 201,
        "administrator": 201,
    }
    for name, user in personas.items():
        response = upload(api_for(user), good_file())
        assert response.status_code == expected[name], (name, response.content)
    assert ImportJob.objects.count() == 2
    assert not Unit.objects.exists()  # a dry run imports nothing


def test_only_importers_read_their_jobs(api_for, personas, hro, army):
    job = ImportJob.objects.get(pk=upload(api_for(hro), good_file()).json()["id"])
    for name, user in personas.items():
        if name in ("hro", "administrator"):
            continue
        api = api_for(user)
        if name in ("ssr_advisor", "outsider"):  # SSR advisors of the mission and of UNDP
            # SSR advisors follow their own imports of participants (issue 15): the registry's
            # jobs are not theirs, so their list leaves them out and the job does not exist.
            listed = api.get(IMPORTS)
            assert listed.status_code == 200 and listed.json()["results"] == [], name
            for response in (
                api.get(job_url(job)),
                api.post(job_url(job, "confirm/")),
                api.post(job_url(job, "retry/")),
            ):
                assert response.status_code == 404, name
            continue
        expected = 401 if user is None else 403
        assert api.get(IMPORTS).status_code == expected, name
        assert api.get(job_url(job)).status_code == expected, name
        assert api.post(job_url(job, "confirm/")).status_code == expected, name
        assert api.post(job_url(job, "retry/")).status_code == expected, name
    job.refresh_from_db()
    assert job.status == ImportStatus.CHECKED


def test_another_importers_job_answers_404(api_for, hro, administrator, army):
    job = ImportJob.objects.get(pk=upload(api_for(hro), good_file()).json()["id"])
    other = api_for(administrator)
    assert other.get(job_url(job)).status_code == 404
    assert other.post(job_url(job, "confirm/")).status_code == 404
    assert other.post(job_url(job, "retry/")).status_code == 404
    assert other.get(IMPORTS).json()["results"] == []
    assert not Unit.objects.exists()


# The journey: upload, dry run, confirm.


def test_upload_runs_the_dry_run_then_confirm_imports(api_for, hro, army):
    api = api_for(hro)
    response = upload(api, good_file())
    assert response.status_code == 201
    body = response.json()
    assert body["status"] == "checked" and body["can_confirm"] is True
    assert body["counts"] == {"new": 1, "update": 0, "unchanged": 0, "error": 0}
    assert body["rows"]["results"] == [{"line": 2, "ref": "U-1", "outcome": "new", "errors": []}]
    assert not Unit.objects.exists()
    job = ImportJob.objects.get(pk=body["id"])
    assert job.created_by == hro and job.file_name == "units.csv"
    confirmed = api.post(job_url(job, "confirm/"))
    assert confirmed.status_code == 200
    assert confirmed.json()["status"] == "done"
    assert Unit.objects.get().external_ref == "U-1"
    listed = api.get(IMPORTS).json()
    assert [row["id"] for row in listed["results"]] == [job.pk]
    assert "rows" not in listed["results"][0]


def test_an_xlsx_file_is_uploaded_as_on_the_page(api_for, administrator, army):
    content = xlsx_bytes(UNIT_HEADER, ["U-1", "1st Brigade", None, "INST-1", None, "North"])
    response = upload(api_for(administrator), content, name="units.xlsx")
    assert response.status_code == 201 and response.json()["status"] == "checked"


def test_import_checked_rule_refuses_a_second_confirmation(api_for, hro, army):
    api = api_for(hro)
    job = ImportJob.objects.get(pk=upload(api, good_file()).json()["id"])
    assert api.post(job_url(job, "confirm/")).status_code == 200
    again = api.post(job_url(job, "confirm/"))
    assert again.status_code == 409
    assert again.json()["rule"] == "import_checked"
    assert "dry run found no error" in again.json()["detail"]
    assert Unit.objects.count() == 1


def test_import_checked_rule_refuses_a_file_with_errors(api_for, hro, army):
    api = api_for(hro)
    body = upload(api, bad_file()).json()
    assert body["status"] == "invalid" and body["can_confirm"] is False
    [row] = body["rows"]["results"]
    assert row["outcome"] == "error" and row["ref"] == "U-1"
    assert {"column": "institution", "message": mock.ANY} in row["errors"]
    refused = api.post(f"{IMPORTS}{body['id']}/confirm/")
    assert refused.status_code == 409 and refused.json()["rule"] == "import_checked"
    assert ImportJob.objects.get().status == ImportStatus.INVALID
    assert not Unit.objects.exists()


def test_rows_come_a_page_at_a_time_and_errors_alone_on_asking(api_for, hro, army, monkeypatch):
    monkeypatch.setattr("hrddp.api.views_transfer.ImportRowsPagination.page_size", 2)
    rows = [[f"U-{n}", f"Unit {n}", "", "INST-1", "", ""] for n in range(3)]
    rows.append(["U-9", "", "", "INST-404", "", ""])
    api = api_for(hro)
    job = ImportJob.objects.get(pk=upload(api, units_file(*rows)).json()["id"])
    first = api.get(job_url(job)).json()["rows"]
    assert first["count"] == 4 and [row["line"] for row in first["results"]] == [2, 3]
    second = api.get(first["next"]).json()["rows"]
    assert [row["line"] for row in second["results"]] == [4, 5] and second["next"] is None
    errors = api.get(job_url(job), {"show": "errors"}).json()["rows"]
    assert [row["ref"] for row in errors["results"]] == ["U-9"]
    assert api.get(job_url(job), {"page": 9}).status_code == 404


def test_a_long_file_is_checked_and_imported_by_a_worker(api_for, hro, army, monkeypatch):
    monkeypatch.setattr(importing, "SYNC_ROW_LIMIT", 2)
    rows = [[f"U-{n}", f"Unit {n}", "", "INST-1", "", ""] for n in range(3)]
    api = api_for(hro)
    with mock.patch.object(tasks.run_import_job, "delay"):
        body = upload(api, units_file(*rows)).json()
    assert body["status"] == "checking" and body["is_running"] is True
    assert body["total_rows"] == 3 and body["processed_rows"] == 0
    refused = api.post(f"{IMPORTS}{body['id']}/confirm/")
    assert refused.status_code == 409 and refused.json()["rule"] == "import_checked"
    tasks.run_import_job(body["id"], True)
    assert api.get(f"{IMPORTS}{body['id']}/").json()["status"] == "checked"


# Retry: a stalled job only.


def test_import_stalled_rule_refuses_retrying_a_job_at_work_or_finished(api_for, hro, army):
    api = api_for(hro)
    job = ImportJob.objects.get(pk=upload(api, good_file()).json()["id"])
    refused = api.post(job_url(job, "retry/"))
    assert refused.status_code == 409 and refused.json()["rule"] == "import_stalled"


def test_a_stalled_job_is_sent_to_a_worker_again(
    api_for, hro, army, monkeypatch, django_capture_on_commit_callbacks
):
    sent = []
    monkeypatch.setattr(importing, "enqueue", lambda pk, dry_run: sent.append((pk, dry_run)))
    job = ImportJob.objects.create(
        kind="units",
        file_name="units.csv",
        content=good_file(),
        created_by=hro,
        total_rows=1,
        status=ImportStatus.CHECKING,
        heartbeat_at=timezone.now() - datetime.timedelta(hours=1),
    )
    api = api_for(hro)
    assert api.get(job_url(job)).json()["is_stalled"] is True
    with django_capture_on_commit_callbacks(execute=True):
        response = api.post(job_url(job, "retry/"))
    assert response.status_code == 200, response.content
    assert response.json()["is_stalled"] is False
    # The retried job goes to a worker once the request's transaction commits.
    assert sent == [(job.pk, True)]


# Bad input: 400 on the field, nothing kept.


@pytest.mark.parametrize(
    ("name", "content", "field", "message"),
    [
        ("units.pdf", b"%PDF-1.4", "file", "Upload a .csv or .xlsx file."),
        ("units.xlsx", b"\xff\xfe\x00garbage", "file", "could not be read"),
    ],
)
def test_a_file_the_page_refuses_is_a_400_on_the_file(
    api_for, hro, army, name, content, field, message
):
    response = upload(api_for(hro), content, name=name)
    assert response.status_code == 400
    assert message in " ".join(response.json()[field])
    assert not ImportJob.objects.exists()


def test_a_file_over_the_size_limit_is_a_400_on_the_file(api_for, hro, army, settings):
    settings.IMPORT_MAX_FILE_BYTES = 10
    response = upload(api_for(hro), good_file())
    assert response.status_code == 400
    assert "larger than" in response.json()["file"][0]
    assert not ImportJob.objects.exists()


def test_an_unknown_kind_or_no_file_is_a_400_on_the_field(api_for, hro):
    api = api_for(hro)
    assert "kind" in upload(api, good_file(), kind="aliens").json()
    response = api.post(IMPORTS, {"kind": "units"}, format="multipart")
    assert response.status_code == 400 and "file" in response.json()
    assert not ImportJob.objects.exists()


def test_the_import_list_reads_in_a_constant_number_of_queries(
    api_for, hro, army, django_assert_max_num_queries
):
    api = api_for(hro)
    for _n in range(3):
        upload(api, good_file())
    with django_assert_max_num_queries(8):
        response = api.get(IMPORTS)
    assert response.json()["count"] == 3


# Exports: the job and its file, for its asker only.


@pytest.fixture
def export(manager):
    name = "export-1-abc.xlsx"
    default_storage.save(f"exports/{name}", ContentFile(b"PK spreadsheet"))
    return ExportJob.objects.create(
        created_by=manager,
        list_name="violations",
        list_url="/registry/violations/",
        language="en",
        query="SELECT 1",
        status=ExportStatus.DONE,
        file_name=name,
        file_size=14,
        total_rows=1,
        processed_rows=1,
        finished_at=timezone.now(),
    )


def test_an_export_and_its_file_are_its_askers_only(api_for, personas, manager, export):
    url = f"/api/v1/exports/{export.pk}/"
    for name, user in personas.items():
        if name == "manager":
            continue
        expected = {"anonymous": 401, "no_role": 403}.get(name, 404)
        assert api_for(user).get(url).status_code == expected, name
        assert api_for(user).get(f"{url}file/").status_code == expected, name
    api = api_for(manager)
    body = api.get(url).json()
    assert body["status"] == "done" and body["file_url"].endswith(f"{url}file/")
    assert body["available_until"]
    response = api.get(f"{url}file/")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"PK spreadsheet"
    assert response["Content-Type"] == export_jobs.XLSX_CONTENT_TYPE
    assert [row["id"] for row in api.get("/api/v1/exports/").json()["results"]] == [export.pk]


def test_an_export_not_written_or_deleted_has_no_file(api_for, manager, export):
    api = api_for(manager)
    url = f"/api/v1/exports/{export.pk}/file/"
    default_storage.delete(export_jobs.stored_name(export))
    assert api.get(url).status_code == 404
    ExportJob.objects.filter(pk=export.pk).update(status=ExportStatus.RUNNING)
    assert api.get(url).status_code == 404
    assert api.get(f"/api/v1/exports/{export.pk}/").json()["file_url"] is None
