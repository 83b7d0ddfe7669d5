"""Issue 12, holes 5 and 9: crafted spreadsheets are refused before they are parsed; an import job
always ends (checked, invalid, done or failed with a message), and a job whose worker was lost is
shown as stalled, retried by its owner, and failed by the sweep when nobody does."""

import datetime
import io
import re
import zipfile
from unittest import mock

import openpyxl
import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from hrddp import texts
from hrddp.registry.models import Unit
from hrddp.transfer import importing, reading, tasks
from hrddp.transfer.models import ImportJob, ImportStatus
from tests.conftest import force_sign_in
from tests.factories import InstitutionFactory

pytestmark = pytest.mark.django_db

UNIT_HEADER = ["external_ref", "name", "aliases", "institution", "parent", "location"]


@pytest.fixture
def army(db):
    return InstitutionFactory(name="National Army", external_ref="INST-1")


def csv_bytes(*rows, header=UNIT_HEADER):
    lines = [",".join(header)] + [",".join(str(value) for value in row) for row in rows]
    return ("\n".join(lines) + "\n").encode()


def xlsx_bytes(*rows, header=UNIT_HEADER):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(list(header))
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def rewrite_sheet(content, change, extra=None, members=None):
    """The same .xlsx with its first sheet's XML passed through ``change``; ``extra``: more
    members {name: size in bytes of zeros}; ``members``: more members {name: content}."""
    source = zipfile.ZipFile(io.BytesIO(content))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for member in source.infolist():
            data = source.read(member.filename)
            if member.filename == "xl/worksheets/sheet1.xml":
                data = change(data)
            target.writestr(member, data)
        for name, data in (members or {}).items():
            target.writestr(name, data)
        for name, size in (extra or {}).items():
            with target.open(name, "w") as stream:
                for _chunk in range(size // 65536):
                    stream.write(bytes(65536))
    return out.getvalue()


def declaring(dimension):
    def change(data):
        start = data.index(b"<dimension ref=")
        end = data.index(b"/>", start)
        return data[:start] + f'<dimension ref="{dimension}"'.encode() + data[end:]

    return change


def upload(client, content, name="file.csv", kind="units"):
    return client.post(
        reverse("transfer:import_start"),
        {"kind": kind, "file": SimpleUploadedFile(name, content)},
    )


ONE_UNIT = ["U-1", "1st Brigade", "", "INST-1", "", "North"]


# Hole 5: a crafted spreadsheet is refused before it is parsed, naming the limit


def refused_unparsed(content, name="crafted.xlsx"):
    """The file's error, read with openpyxl forbidden: it must be refused before parsing."""
    with mock.patch("openpyxl.load_workbook", side_effect=AssertionError("parsed")) as load:
        report = importing.import_file("units", content, name, None, dry_run=True)
    assert not load.called
    assert not report.ok and report.total == 0
    return reading.render(report.errors[0])


def test_trust_5_a_sheet_declaring_columns_a_to_xfd_is_refused_before_parsing():
    content = rewrite_sheet(xlsx_bytes(ONE_UNIT), declaring("A1:XFD2"))
    assert len(content) < 10_000
    message = refused_unparsed(content)
    assert "16384 columns" in message
    assert f"at most {settings.IMPORT_MAX_COLUMNS} columns" in message


def test_trust_5_a_sheet_declaring_a_million_rows_is_refused_before_parsing():
    content = rewrite_sheet(xlsx_bytes(ONE_UNIT), declaring("A1:F1048576"))
    message = refused_unparsed(content)
    assert "1048576 lines" in message
    assert f"{settings.IMPORT_MAX_ROWS} rows" in message


def test_trust_5_a_zip_bomb_is_refused_before_parsing(settings):
    settings.IMPORT_MAX_UNCOMPRESSED_BYTES = 1024 * 1024
    content = rewrite_sheet(xlsx_bytes(ONE_UNIT), lambda data: data, {"xl/media/a.bin": 3 << 20})
    assert len(content) < 20_000
    message = refused_unparsed(content)
    assert "at most 1 MB" in message


def test_trust_5_a_flood_of_shared_strings_is_refused_before_parsing(settings):
    """openpyxl loads every shared string before the first row: 2.5 MB of tiny ones take 150 MB."""
    settings.IMPORT_MAX_SHARED_STRINGS = 1000
    strings = b"".join(b"<si><t>%x</t></si>" % n for n in range(1001))
    flood = b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">%s</sst>'
    content = rewrite_sheet(
        xlsx_bytes(ONE_UNIT), lambda data: data, members={"xl/strings.xml": flood % strings}
    )
    message = refused_unparsed(content)
    assert message.startswith("The spreadsheet holds more than 1000 different texts")


def test_trust_5_a_sheet_whose_rows_outrun_an_absent_dimension_is_refused(settings, hro):
    """No declared dimension, one real row far down: read row by row, refused past the limit,
    never padded to the sheet's width or height."""
    settings.IMPORT_MAX_ROWS = 100

    def far_row(data):
        data = declaring("A1:F2")(data).replace(b'<dimension ref="A1:F2"/>', b"")
        return re.sub(rb'r="([A-Z]*)2"', rb'r="\g<1>5000"', data)

    content = rewrite_sheet(xlsx_bytes(ONE_UNIT), far_row)
    report = importing.import_file("units", content, "far.xlsx", hro, dry_run=True)
    assert not report.ok
    assert reading.render(report.errors[0]) == (
        "The file has more than 100 rows; split it into files of at most 100 rows."
    )


def test_trust_5_only_the_columns_the_kind_reads_are_parsed(hro, army):
    """A file with stray columns after the data: the rows are read up to the last known column."""
    header = [*UNIT_HEADER, *(f"junk{n}" for n in range(20))]
    content = xlsx_bytes([*ONE_UNIT, *range(20)], header=header)
    dataset, errors, _detected = importing.read_dataset(content, "wide.xlsx", "units")
    assert dataset.headers == UNIT_HEADER and dataset.width == 6 and len(dataset) == 1
    assert dataset[0][0] == "U-1" and dataset[0][5] == "North"
    assert not errors


def test_trust_5_the_upload_form_states_the_limit_and_keeps_no_job(client_for, hro):
    content = rewrite_sheet(xlsx_bytes(ONE_UNIT), declaring("A1:XFD2"))
    with mock.patch("openpyxl.load_workbook", side_effect=AssertionError("parsed")):
        response = upload(client_for(hro), content, name="crafted.xlsx")
    assert response.status_code == 200
    assert f"at most {settings.IMPORT_MAX_COLUMNS} columns".encode() in response.content
    assert not ImportJob.objects.exists()


def test_trust_5_a_crafted_file_kept_in_a_job_fails_its_check_with_the_limit(hro):
    content = rewrite_sheet(xlsx_bytes(ONE_UNIT), declaring("A1:XFD2"))
    job = ImportJob.objects.create(
        kind="units", file_name="crafted.xlsx", content=content, created_by=hro, total_rows=5000
    )
    with mock.patch("openpyxl.load_workbook", side_effect=AssertionError("parsed")):
        tasks.run_import_job(job.pk, True)
    job.refresh_from_db()
    assert job.status == ImportStatus.INVALID
    assert "16384 columns" in job.error_messages()[0]


def test_trust_5_a_csv_over_the_row_limit_is_refused(settings, hro):
    settings.IMPORT_MAX_ROWS = 3
    rows = [[f"U-{n}", f"Unit {n}", "", "INST-1", "", ""] for n in range(4)]
    report = importing.import_file("units", csv_bytes(*rows), "u.csv", hro, dry_run=True)
    assert reading.render(report.errors[0]).startswith("The file has more than 3 rows")


def test_trust_5_a_csv_record_of_a_million_fields_is_refused_unparsed(hro):
    """The csv module builds a record whole: its commas are counted first, quoted lines too."""
    for crafted in (b"," * 1_000_000, b'"\n",' * 200_000):
        content = csv_bytes(ONE_UNIT) + crafted + b"\n"
        report = importing.import_file("units", content, "u.csv", hro, dry_run=True)
        assert reading.render(report.errors[0]) == (
            "A line of the file holds more than 100000 separators; at most 50 columns are read."
        )


# Hole 9: a control character is a row error; every failure ends the job


def assert_control_character_row_error(job, line, column):
    job.refresh_from_db()
    assert job.status == ImportStatus.INVALID
    row = next(row for row in job.rows if row["line"] == line)
    assert row["outcome"] == "error"
    # Stored as a message and its parameters (issue 16), read in the reader's language.
    assert [
        column,
        "This cell holds a control character (U+0000), which is not allowed; remove it.",
    ] in [[name, texts.render_any(error)] for name, error in row["errors"]]
    assert not Unit.objects.exists()


def test_trust_9_a_nul_byte_in_a_small_csv_is_a_row_error_not_a_500(client_for, hro, army):
    client = client_for(hro)
    response = upload(client, csv_bytes(ONE_UNIT, ["U-\x002", "2nd", "", "INST-1", "", ""]))
    assert response.status_code == 302
    job = ImportJob.objects.get()
    assert_control_character_row_error(job, 3, "external_ref")
    page = client.get(response.url)
    assert page.status_code == 200 and b"U+0000" in page.content
    client.post(reverse("transfer:import_confirm", args=[job.pk]))
    assert not Unit.objects.exists()


def test_trust_9_a_nul_byte_in_a_large_csv_ends_the_task_with_a_row_error(
    client_for, hro, army, monkeypatch
):
    monkeypatch.setattr(importing, "SYNC_ROW_LIMIT", 2)
    rows = [[f"U-{n}", f"Unit {n}", "", "INST-1", "", ""] for n in range(3)]
    rows[1][1] = "Unit\x00 1"
    with mock.patch.object(tasks.run_import_job, "delay"):
        upload(client_for(hro), csv_bytes(*rows))
    job = ImportJob.objects.get()
    assert job.status == ImportStatus.CHECKING
    tasks.run_import_job(job.pk, True)
    assert_control_character_row_error(job, 3, "name")
    assert job.rows[2]["errors"] == [] and job.counts["error"] == 1


def test_trust_9_a_nul_in_an_xlsx_cell_is_a_row_error(client_for, hro, army, monkeypatch):
    """Excel writes a control character as _x0000_; it is read as the character it stands for."""
    content = xlsx_bytes(ONE_UNIT, ["U-2", "2nd_x0000_Battalion", "", "INST-1", "", ""])
    upload(client_for(hro), content, name="units.xlsx")
    assert_control_character_row_error(ImportJob.objects.get(), 3, "name")
    # In a file checked by the worker too.
    monkeypatch.setattr(importing, "SYNC_ROW_LIMIT", 1)
    ImportJob.objects.all().delete()
    with mock.patch.object(tasks.run_import_job, "delay"):
        upload(client_for(hro), content, name="units.xlsx")
    job = ImportJob.objects.get()
    tasks.run_import_job(job.pk, True)
    assert_control_character_row_error(job, 3, "name")


def test_trust_9_a_raw_nul_byte_in_an_xlsx_is_a_file_error(client_for, hro, army, monkeypatch):
    monkeypatch.setattr(importing, "SYNC_ROW_LIMIT", 0)
    content = rewrite_sheet(
        xlsx_bytes(ONE_UNIT), lambda data: data.replace(b"1st Brigade", b"1st\x00Brigade")
    )
    job = ImportJob.objects.create(
        kind="units", file_name="u.xlsx", content=content, created_by=hro, total_rows=1
    )
    tasks.run_import_job(job.pk, True)
    job.refresh_from_db()
    assert job.status == ImportStatus.INVALID
    assert job.error_messages()[0].startswith("The file could not be read:")


def test_trust_9_an_unexpected_error_in_the_task_fails_the_job_with_a_message(
    client_for, hro, army, monkeypatch
):
    monkeypatch.setattr(importing, "SYNC_ROW_LIMIT", 0)
    client = client_for(hro)
    with mock.patch.object(tasks.run_import_job, "delay"):
        upload(client, csv_bytes(ONE_UNIT))
    job = ImportJob.objects.get()
    with mock.patch.object(importing, "import_file", side_effect=RuntimeError("boom")):
        tasks.run_import_job(job.pk, True)
    job.refresh_from_db()
    assert job.status == ImportStatus.FAILED and job.finished_at
    # Stored as a message id and its parameters, rendered in the reader's language.
    assert job.errors == [[importing.UNEXPECTED, {"job": job.pk}]]
    page = client.get(reverse("transfer:import_job", args=[job.pk]))
    assert "Refresh" not in page
    assert b"stopped on an unexpected error" in page.content and b"boom" not in page.content


def test_trust_9_an_unexpected_error_in_a_small_file_is_no_500(client_for, hro, army):
    client = client_for(hro)
    with mock.patch.object(importing, "import_file", side_effect=RuntimeError("boom")):
        response = upload(client, csv_bytes(ONE_UNIT))
    assert response.status_code == 302
    job = ImportJob.objects.get()
    assert job.status == ImportStatus.FAILED
    assert job.error_messages() == [importing.UNEXPECTED % {"job": job.pk}]


def test_trust_9_an_unexpected_error_while_importing_fails_the_job(hro, army, client_for):
    client = client_for(hro)
    upload(client, csv_bytes(ONE_UNIT))
    job = ImportJob.objects.get()
    assert job.status == ImportStatus.CHECKED
    with mock.patch.object(importing, "import_file", side_effect=KeyError("x")):
        client.post(reverse("transfer:import_confirm", args=[job.pk]))
    job.refresh_from_db()
    assert job.status == ImportStatus.FAILED and not Unit.objects.exists()


def go_silent(job, minutes):
    ImportJob.objects.filter(pk=job.pk).update(
        heartbeat_at=timezone.now() - datetime.timedelta(minutes=minutes)
    )


def test_trust_9_a_job_whose_worker_was_killed_is_stalled_and_retried_by_its_owner(
    client_for, hro, administrator, army, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(importing, "SYNC_ROW_LIMIT", 0)
    client = client_for(hro)
    with mock.patch.object(tasks.run_import_job, "delay"):
        upload(client, csv_bytes(ONE_UNIT))
    job = ImportJob.objects.get()
    url = reverse("transfer:import_job", args=[job.pk])
    retry = reverse("transfer:import_retry", args=[job.pk])
    # A worker takes the job, then is killed: its run never ends.
    assert importing.claim(job.pk, True) == 1
    page = client.get(url)
    assert page["Refresh"] == "2" and b"Retry" not in page.content
    # The broker's redelivery while the run still gives signs of work does nothing.
    tasks.run_import_job(job.pk, True)
    job.refresh_from_db()
    assert job.status == ImportStatus.CHECKING and job.attempts == 1
    # A retry before the job is stalled is refused.
    with (
        mock.patch.object(tasks.run_import_job, "delay") as delay,
        django_capture_on_commit_callbacks(execute=True),
    ):
        client.post(retry)
    assert not delay.called
    go_silent(job, settings.IMPORT_STALE_MINUTES + 1)
    page = client.get(url)
    assert "Refresh" not in page
    assert b"no sign of work" in page.content and retry.encode() in page.content
    # Only its owner may retry it.
    other = force_sign_in(Client(), administrator)
    assert other.post(retry).status_code == 404
    with (
        mock.patch.object(tasks.run_import_job, "delay") as delay,
        django_capture_on_commit_callbacks(execute=True),
    ):
        response = client.post(retry)
    assert response.url == url
    delay.assert_called_once_with(job.pk, True)
    job.refresh_from_db()
    assert not job.is_stalled
    tasks.run_import_job(job.pk, True)
    job.refresh_from_db()
    assert job.status == ImportStatus.CHECKED and job.attempts == 2
    # Killed while importing: retried as an import.
    with mock.patch.object(tasks.run_import_job, "delay"):
        client.post(reverse("transfer:import_confirm", args=[job.pk]))
    assert importing.claim(job.pk, False) == 3
    go_silent(job, settings.IMPORT_STALE_MINUTES + 1)
    with (
        mock.patch.object(tasks.run_import_job, "delay") as delay,
        django_capture_on_commit_callbacks(execute=True),
    ):
        client.post(retry)
    delay.assert_called_once_with(job.pk, False)
    tasks.run_import_job(job.pk, False)
    job.refresh_from_db()
    assert job.status == ImportStatus.DONE and Unit.objects.get().external_ref == "U-1"


def test_trust_9_the_sweep_fails_jobs_dead_for_long(hro, monkeypatch):
    monkeypatch.setattr(importing, "SYNC_ROW_LIMIT", 0)
    dead, alive = (
        ImportJob.objects.create(
            kind="units", file_name=name, content=b"", created_by=hro, total_rows=1
        )
        for name in ("dead.csv", "alive.csv")
    )
    go_silent(dead, settings.IMPORT_ABANDON_HOURS * 60 + 1)
    go_silent(alive, settings.IMPORT_STALE_MINUTES + 1)
    assert tasks.sweep_imports() == 1
    dead.refresh_from_db()
    alive.refresh_from_db()
    assert dead.status == ImportStatus.FAILED and alive.status == ImportStatus.CHECKING
    assert "no sign of work for 24 hours" in dead.error_messages()[0]
    assert any(
        entry["task"] == "hrddp.transfer.tasks.sweep_imports"
        for entry in settings.CELERY_BEAT_SCHEDULE.values()
    )
