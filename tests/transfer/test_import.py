"""Import from CSV and XLSX (issue 5): dry run, errors by line and column, idempotent re-import."""

import datetime
import io
from unittest import mock

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from hrddp import texts
from hrddp.registry.models import (
    Attribution,
    CommandAssignment,
    Institution,
    Person,
    Unit,
    VerificationChange,
    Violation,
)
from hrddp.transfer import importing, reading, tasks
from hrddp.transfer.columns import IMPORT_COLUMNS
from hrddp.transfer.models import ImportJob, ImportStatus
from hrddp.transfer.resources import RESOURCES
from tests.factories import InstitutionFactory, PersonFactory, UnitFactory

pytestmark = pytest.mark.django_db


def csv_bytes(header, *rows):
    lines = [",".join(header)] + [",".join(str(value) for value in row) for row in rows]
    return ("\n".join(lines) + "\n").encode()


def xlsx_bytes(header, *rows):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(list(header))
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


UNIT_HEADER = ["external_ref", "name", "aliases", "institution", "parent", "location"]


@pytest.fixture
def army(db):
    return InstitutionFactory(name="National Army", external_ref="INST-1")


def units_file(*rows):
    return csv_bytes(UNIT_HEADER, *rows)


def run(kind, content, user, name="file.csv", dry_run=False):
    return importing.import_file(kind, content, name, user, dry_run=dry_run)


@pytest.mark.parametrize("kind", sorted(RESOURCES))
def test_the_upload_page_documents_exactly_the_columns_each_kind_reads(kind):
    documented = [name for name, _required, _help in IMPORT_COLUMNS[kind]]
    read = [field.column_name for field in RESOURCES[kind]().get_import_fields()]
    assert sorted(documented) == sorted(read)


def test_dry_run_imports_nothing_and_lists_every_row(hro, army):
    content = units_file(
        ["U-1", "1st Brigade", "Lions;Red", "INST-1", "", "North"],
        ["U-2", "2nd Battalion", "", "INST-1", "U-1", "North"],
    )
    report = run("units", content, hro, dry_run=True)
    assert report.ok
    assert [(row["line"], row["ref"], row["outcome"]) for row in report.rows] == [
        (2, "U-1", "new"),
        (3, "U-2", "new"),
    ]
    assert not Unit.objects.exists()


def test_import_creates_units_with_parent_from_an_earlier_row(hro, army):
    content = units_file(
        ["U-1", "1st Brigade", "Lions;Red", "INST-1", "", "North"],
        ["U-2", "2nd Battalion", "", "INST-1", "U-1", "North"],
    )
    report = run("units", content, hro)
    assert report.imported
    battalion = Unit.objects.get(external_ref="U-2")
    assert battalion.parent.external_ref == "U-1"
    assert Unit.objects.get(external_ref="U-1").aliases == ["Lions", "Red"]


def test_errors_are_listed_by_line_and_column_and_nothing_is_imported(hro, army):
    content = units_file(
        ["U-1", "1st Brigade", "", "INST-1", "", ""],
        ["U-2", "", "", "INST-9", "", ""],
        ["U-1", "Again", "", "INST-1", "", ""],
    )
    report = run("units", content, hro)
    assert not report.ok
    by_line = {row["line"]: row for row in report.rows}
    assert by_line[2]["outcome"] == "new"
    assert by_line[3]["outcome"] == "error"
    columns = {column for column, _ in by_line[3]["errors"]}
    assert {"name", "institution"} <= columns
    assert any("INST-9" in texts.render_any(message) for _, message in by_line[3]["errors"])
    assert by_line[4]["errors"][0][0] == "external_ref"
    assert not Unit.objects.exists()


def test_importing_the_same_file_again_changes_nothing(hro, army):
    content = units_file(["U-1", "1st Brigade", "Lions", "INST-1", "", "North"])
    run("units", content, hro)
    again = run("units", content, hro)
    assert again.imported
    assert [row["outcome"] for row in again.rows] == ["unchanged"]
    assert Unit.objects.count() == 1


def test_an_edited_row_updates_its_record(hro, army):
    run("units", units_file(["U-1", "1st Brigade", "", "INST-1", "", "North"]), hro)
    unit = Unit.objects.get()
    edited = run("units", units_file(["U-1", "1st Brigade", "", "INST-1", "", "South"]), hro)
    assert [row["outcome"] for row in edited.rows] == ["update"]
    unit.refresh_from_db()
    assert unit.location == "South"
    assert Unit.objects.count() == 1


def test_a_row_without_a_reference_is_a_new_record_given_one(hro, army):
    """Never an existing record (issue 16: every record has a reference; an empty one matches
    none)."""
    typed = UnitFactory(name="Typed in the page", institution=army)
    report = run("units", units_file(["", "No reference", "", "INST-1", "", ""]), hro)
    assert report.imported and report.counts["new"] == 1
    new = Unit.objects.exclude(pk=typed.pk).get()
    assert new.name == "No reference" and new.external_ref.startswith("UNIT-")
    typed.refresh_from_db()
    assert typed.name == "Typed in the page"


def test_xlsx_import_reads_dates_and_numbers(hro):
    unit = UnitFactory(external_ref="U-7")
    person = PersonFactory(external_ref="123")
    content = xlsx_bytes(
        ["external_ref", "person", "unit", "role", "start", "end"],
        [1001, 123, "U-7", "commander", datetime.datetime(2021, 3, 1), None],
    )
    report = run("assignments", content, hro, name="assignments.xlsx")
    assert report.imported, report.rows
    assignment = CommandAssignment.objects.get(external_ref="1001")
    assert (assignment.person, assignment.unit) == (person, unit)
    assert assignment.start == datetime.date(2021, 3, 1)
    assert assignment.end is None
    again = run("assignments", content, hro, name="assignments.xlsx")
    assert [row["outcome"] for row in again.rows] == ["unchanged"]


def test_assignment_cannot_start_in_the_future_as_in_the_form(hro):
    UnitFactory(external_ref="U-7")
    PersonFactory(external_ref="P-1")
    future = (datetime.date.today() + datetime.timedelta(days=10)).isoformat()
    content = csv_bytes(["external_ref", "person", "unit", "start"], ["A-1", "P-1", "U-7", future])
    report = run("assignments", content, hro)
    # Stored as a message and its parameters (issue 16), read in the reader's language.
    errors = [[column, texts.render_any(error)] for column, error in report.rows[0]["errors"]]
    assert errors == [["start", "An assignment cannot start in the future."]]
    assert not CommandAssignment.objects.exists()


def test_institutions_and_people_import(hro):
    report = run(
        "institutions",
        csv_bytes(["external_ref", "name", "kind", "country"], ["I-1", "Police", "police", "X"]),
        hro,
    )
    assert report.imported
    assert Institution.objects.get(external_ref="I-1").kind == "police"
    bad = run(
        "institutions",
        csv_bytes(["external_ref", "name", "kind"], ["I-2", "Navy", "navy"]),
        hro,
    )
    assert bad.rows[0]["errors"][0][0] == "kind"
    report = run(
        "people",
        csv_bytes(
            ["external_ref", "name", "aliases", "rank"], ["P-1", "John Doe", "JD;Johnny", "Maj"]
        ),
        hro,
    )
    assert report.imported
    assert Person.objects.get(external_ref="P-1").aliases == ["JD", "Johnny"]


def test_a_file_lacking_a_required_column_imports_nothing(hro):
    report = run("people", csv_bytes(["external_ref", "rank"], ["P-1", "Maj"]), hro)
    assert not report.ok
    assert reading.render(report.errors[0]) == "The file lacks these columns: name."
    assert not Person.objects.exists()


VIOLATION_HEADER = [
    "external_ref",
    "date",
    "location",
    "narrative",
    "category",
    "subtype",
    "verification_status",
    "units",
    "responsibility",
]


def violations_file(*rows):
    return csv_bytes(VIOLATION_HEADER, *rows)


def test_violations_import_with_attributions_and_recorded_verification(hro):
    UnitFactory(external_ref="U-1")
    UnitFactory(external_ref="U-2")
    content = violations_file(
        ["V-1", "2024-05-01", "Kanda", "Beaten", "torture", "", "verified", "U-1;U-2", "command"],
        ["V-2", "2024-05-02", "Kanda", "Shot", "unlawful_killing", "summary_execution", "", "", ""],
    )
    report = run("violations", content, hro)
    assert report.imported, report.rows
    v1 = Violation.objects.get(external_ref="V-1")
    assert v1.verification_status == "verified"
    assert v1.reported_by == hro
    assert sorted(a.unit.external_ref for a in v1.attributions.all()) == ["U-1", "U-2"]
    assert {a.responsibility for a in v1.attributions.all()} == {"command"}
    change = VerificationChange.objects.get(violation=v1)
    assert (change.from_status, change.to_status, change.changed_by) == ("alleged", "verified", hro)
    assert report.monitored_ids == [v1.pk]
    v2 = Violation.objects.get(external_ref="V-2")
    assert v2.subtype.code == "summary_execution"
    assert v2.verification_status == "alleged"

    again = run("violations", content, hro)
    assert [row["outcome"] for row in again.rows] == ["unchanged", "unchanged"]
    assert Attribution.objects.count() == 2
    assert VerificationChange.objects.count() == 1


def test_an_edited_violation_row_updates_it_and_its_attributions(hro):
    UnitFactory(external_ref="U-1")
    UnitFactory(external_ref="U-2")
    run(
        "violations",
        violations_file(["V-1", "2024-05-01", "K", "N", "torture", "", "", "U-1", ""]),
        hro,
    )
    edited = run(
        "violations",
        violations_file(["V-1", "2024-05-01", "K", "N", "torture", "", "credible", "U-2", ""]),
        hro,
    )
    assert [row["outcome"] for row in edited.rows] == ["update"]
    violation = Violation.objects.get()
    assert violation.verification_status == "credible"
    assert [a.unit.external_ref for a in violation.attributions.all()] == ["U-2"]
    assert VerificationChange.objects.get().from_status == "alleged"


def test_an_edited_violation_row_updates_every_column_it_holds(hro):
    header = [
        "external_ref",
        "date",
        "date_precision",
        "location",
        "narrative",
        "category",
        "subtype",
        "victims_count",
        "children_involved",
        "verification_status",
        "source_reliability",
        "scale",
    ]
    first = ["V-1", "2024-05-01", "day", "K", "N", "torture", "", "1", "no", "", "high", "isolated"]
    run("violations", csv_bytes(header, first), hro)
    edited = [
        "V-1",
        "2023-02-01",
        "month",
        "Kanda",
        "Shot",
        "unlawful_killing",
        "summary_execution",
        "4",
        "yes",
        "credible",
        "low",
        "widespread",
    ]
    report = run("violations", csv_bytes(header, edited), hro)
    assert [row["outcome"] for row in report.rows] == ["update"], report.rows
    violation = Violation.objects.select_related("category", "subtype").get()
    assert (
        violation.date,
        violation.date_precision,
        violation.location,
        violation.narrative,
        violation.category.code,
        violation.subtype.code,
        violation.victims_count,
        violation.children_involved,
        violation.verification_status,
        violation.source_reliability,
        violation.scale,
    ) == (
        datetime.date(2023, 2, 1),
        "month",
        "Kanda",
        "Shot",
        "unlawful_killing",
        "summary_execution",
        4,
        True,
        "credible",
        "low",
        "widespread",
    )


def test_violation_rows_are_checked_as_the_form_checks_them(hro):
    future = (datetime.date.today() + datetime.timedelta(days=3)).isoformat()
    content = violations_file(
        ["V-1", future, "K", "N", "torture", "", "", "", ""],
        ["V-2", "2024-01-01", "K", "N", "torture", "summary_execution", "", "", ""],
        ["V-3", "2024-01-01", "K", "N", "nonsense", "", "", "U-404", "blame"],
        ["V-4", "01/02/2024", "K", "N", "torture", "", "rumoured", "", ""],
    )
    report = run("violations", content, hro)
    errors = {
        row["ref"]: {column: texts.render_any(error) for column, error in row["errors"]}
        for row in report.rows
    }
    assert "future" in errors["V-1"]["date"]
    assert "summary_execution" in errors["V-2"]["subtype"]
    assert set(errors["V-3"]) == {"category", "units", "responsibility"}
    assert set(errors["V-4"]) == {"date", "verification_status"}
    assert not Violation.objects.exists()


def test_only_an_hro_imports_a_verified_status(administrator):
    content = violations_file(["V-1", "2024-05-01", "K", "N", "torture", "", "verified", "", ""])
    report = run("violations", content, administrator)
    assert dict(report.rows[0]["errors"])["verification_status"].startswith("Only a human rights")
    assert not Violation.objects.exists()
    alleged = violations_file(["V-1", "2024-05-01", "K", "N", "torture", "", "alleged", "", ""])
    assert run("violations", alleged, administrator).imported


# The pages


def upload(client, kind, content, name="file.csv"):
    return client.post(
        reverse("transfer:import_start"),
        {"kind": kind, "file": SimpleUploadedFile(name, content)},
    )


def test_import_pages_walk_the_permission_ladder(
    client, client_for, manager, auditor, ssr_advisor, administrator, hro
):
    url = reverse("transfer:import_start")
    assert client.get(url).status_code == 302  # anonymous: to the login page
    for user in (manager, auditor, ssr_advisor):
        assert client_for(user).get(url).status_code == 403
    for user in (administrator, hro):
        assert client_for(user).get(url).status_code == 200


def test_browser_dry_run_then_import(client_for, hro, army):
    client = client_for(hro)
    content = units_file(["U-1", "1st Brigade", "", "INST-1", "", "North"])
    response = upload(client, "units", content)
    job = ImportJob.objects.get()
    assert response.url == reverse("transfer:import_job", args=[job.pk])
    assert job.status == ImportStatus.CHECKED
    page = client.get(response.url)
    assert b"U-1" in page.content and b">Import</button>" in page.content
    assert not Unit.objects.exists()
    client.post(reverse("transfer:import_confirm", args=[job.pk]))
    job.refresh_from_db()
    assert job.status == ImportStatus.DONE
    assert Unit.objects.get().external_ref == "U-1"
    # A second confirmation imports nothing more.
    client.post(reverse("transfer:import_confirm", args=[job.pk]))
    assert Unit.objects.count() == 1


def test_browser_file_with_errors_cannot_be_confirmed(client_for, hro, army):
    client = client_for(hro)
    upload(client, "units", units_file(["U-1", "", "", "INST-404", "", ""]))
    job = ImportJob.objects.get()
    assert job.status == ImportStatus.INVALID
    page = client.get(reverse("transfer:import_job", args=[job.pk]))
    assert b"INST-404" in page.content and b"<code>institution</code>" in page.content
    client.post(reverse("transfer:import_confirm", args=[job.pk]))
    job.refresh_from_db()
    assert job.status == ImportStatus.INVALID
    assert not Unit.objects.exists()


def test_browser_xlsx_upload(client_for, administrator, army):
    client = client_for(administrator)
    content = xlsx_bytes(UNIT_HEADER, ["U-1", "1st Brigade", None, "INST-1", None, "North"])
    upload(client, "units", content, name="units.xlsx")
    job = ImportJob.objects.get()
    assert job.status == ImportStatus.CHECKED, job.rows
    client.post(reverse("transfer:import_confirm", args=[job.pk]))
    assert Unit.objects.get().name == "1st Brigade"


def test_unreadable_file_is_refused_on_the_form(client_for, hro):
    response = upload(client_for(hro), "units", b"\xff\xfe\x00garbage", name="x.xlsx")
    assert response.status_code == 200
    assert b"could not be read" in response.content
    assert not ImportJob.objects.exists()


def test_another_importers_job_answers_404(client_for, hro, administrator, army):
    upload(client_for(hro), "units", units_file(["U-1", "B", "", "INST-1", "", ""]))
    job = ImportJob.objects.get()
    client = client_for(administrator)
    assert client.get(reverse("transfer:import_job", args=[job.pk])).status_code == 404
    assert client.post(reverse("transfer:import_confirm", args=[job.pk])).status_code == 404


def test_long_import_runs_as_a_task_with_a_progress_page(client_for, hro, army, monkeypatch):
    monkeypatch.setattr(importing, "SYNC_ROW_LIMIT", 2)
    client = client_for(hro)
    rows = [[f"U-{n}", f"Unit {n}", "", "INST-1", "", ""] for n in range(3)]
    with mock.patch.object(tasks.run_import_job, "delay"):
        upload(client, "units", units_file(*rows))
    job = ImportJob.objects.get()
    assert job.status == ImportStatus.CHECKING
    page = client.get(reverse("transfer:import_job", args=[job.pk]))
    assert page["Refresh"] == "2"
    # No script but the site menu's: the page refreshes itself.
    assert b"<progress" in page.content
    assert b"<script" not in page.content.replace(b'<script src="/static/js/nav.js"></script>', b"")
    # The task itself (what the worker runs), called directly.
    tasks.run_import_job(job.pk, True)
    job.refresh_from_db()
    assert job.status == ImportStatus.CHECKED and job.counts["new"] == 3
    assert "Refresh" not in client.get(reverse("transfer:import_job", args=[job.pk]))
    with mock.patch.object(tasks.run_import_job, "delay"):
        client.post(reverse("transfer:import_confirm", args=[job.pk]))
    job.refresh_from_db()
    assert job.status == ImportStatus.IMPORTING
    tasks.run_import_job(job.pk, False)
    job.refresh_from_db()
    assert job.status == ImportStatus.DONE and job.processed_rows == 3
    assert Unit.objects.count() == 3
    # A rerun of the same task changes nothing.
    tasks.run_import_job(job.pk, False)
    assert Unit.objects.count() == 3


# The command


def test_command_dry_run_prints_each_row_and_imports_nothing(tmp_path, hro, army, capsys):
    path = tmp_path / "units.csv"
    path.write_bytes(units_file(["U-1", "B", "", "INST-1", "", ""]))
    call_command("import_registry", str(path), "--kind", "units", "--dry-run")
    out = capsys.readouterr().out
    assert "line 2 [U-1]: new" in out and "dry run" in out
    assert not Unit.objects.exists()
    call_command("import_registry", str(path), "--kind", "units", "--user", "hro")
    assert Unit.objects.count() == 1


def test_command_fails_on_errors_naming_line_and_column(tmp_path, hro, army, capsys):
    path = tmp_path / "units.csv"
    path.write_bytes(units_file(["U-1", "B", "", "INST-404", "", ""]))
    with pytest.raises(CommandError, match="Nothing was imported"):
        call_command("import_registry", str(path), "--kind", "units")
    out = capsys.readouterr().out
    assert "line 2 [U-1]: error" in out and "institution: No" in out
    assert not Unit.objects.exists()


def test_command_refuses_a_user_who_may_not_import(tmp_path, manager, army):
    path = tmp_path / "units.csv"
    path.write_bytes(units_file(["U-1", "B", "", "INST-1", "", ""]))
    with pytest.raises(CommandError, match="neither"):
        call_command("import_registry", str(path), "--kind", "units", "--user", "manager")


def test_a_units_column_replaces_unit_attributions_and_keeps_person_ones(hro):
    from tests.factories import ViolationFactory

    old_unit, new_unit = UnitFactory(external_ref="U-1"), UnitFactory(external_ref="U-2")
    person = PersonFactory()  # no external reference: typed in the pages
    violation = ViolationFactory(
        external_ref="V-1",
        date=datetime.date(2024, 5, 1),
        location="K",
        narrative="N",
        verification_status="alleged",
        units=[old_unit],
        people=[person],
    )
    content = violations_file(["V-1", "2024-05-01", "K", "N", "torture", "", "", "U-2", ""])
    report = run("violations", content, hro)
    assert [row["outcome"] for row in report.rows] == ["update"], report.rows
    attributed = {(a.unit, a.person) for a in violation.attributions.all()}
    assert attributed == {(new_unit, None), (None, person)}
    again = run("violations", content, hro)
    assert [row["outcome"] for row in again.rows] == ["unchanged"]


def test_only_an_hro_takes_a_violation_out_of_verified(administrator, hro):
    content = violations_file(["V-1", "2024-05-01", "K", "N", "torture", "", "verified", "", ""])
    run("violations", content, hro)
    back = violations_file(["V-1", "2024-05-01", "K", "N", "torture", "", "alleged", "", ""])
    report = run("violations", back, administrator)
    assert "verification_status" in dict(report.rows[0]["errors"])
    assert Violation.objects.get().verification_status == "verified"


def test_an_imported_verified_grave_violation_in_a_supported_units_record_opens_an_intervention(
    hro, ssr_advisor, manager, mission, django_capture_on_commit_callbacks
):
    """Monitoring trigger (a) also fires for violations written in bulk by an import."""
    from assessments.models import Intervention
    from tests.factories import active_request

    unit = UnitFactory(external_ref="U-1")
    support = active_request(mission, ssr_advisor, hro, manager, units=[unit])
    recent = (datetime.date.today() - datetime.timedelta(days=10)).isoformat()
    content = violations_file(["V-1", recent, "K", "N", "torture", "", "verified", "U-1", ""])
    from hrddp.celery import app

    app.conf.task_always_eager = True
    try:
        with django_capture_on_commit_callbacks(execute=True):
            report = run("violations", content, hro)
    finally:
        app.conf.task_always_eager = False
    assert report.imported
    intervention = Intervention.objects.get(request=support)
    assert intervention.trigger.violation.external_ref == "V-1"
    support.refresh_from_db()
    assert support.status == "under_review"


def test_trust_3_an_imported_grave_violation_triggers_with_the_broker_down(
    hro, ssr_advisor, manager, mission, django_capture_on_commit_callbacks
):
    """Bulk writes send no signal: the import writes its checks itself, in its transaction."""
    from kombu.exceptions import OperationalError as BrokerUnreachable

    from assessments import reminders
    from assessments.models import Intervention
    from tests.factories import active_request

    unit = UnitFactory(external_ref="U-1")
    support = active_request(mission, ssr_advisor, hro, manager, units=[unit])
    recent = (datetime.date.today() - datetime.timedelta(days=10)).isoformat()
    content = violations_file(["V-1", recent, "K", "N", "torture", "", "verified", "U-1", ""])
    refused = BrokerUnreachable("Error 111 connecting to 127.0.0.1:6379. Connection refused.")
    with mock.patch("celery.app.task.Task.apply_async", side_effect=refused):
        with django_capture_on_commit_callbacks(execute=True):
            assert run("violations", content, hro).imported
    reminders.sweep()
    reminders.sweep()
    assert Intervention.objects.get(request=support).trigger.violation.external_ref == "V-1"
    support.refresh_from_db()
    assert support.status == "under_review"


def test_an_imported_alleged_violation_triggers_nothing(hro, ssr_advisor, manager, mission):
    from tests.factories import active_request

    unit = UnitFactory(external_ref="U-1")
    active_request(mission, ssr_advisor, hro, manager, units=[unit])
    content = violations_file(["V-1", "2024-05-01", "K", "N", "torture", "", "alleged", "U-1", ""])
    assert run("violations", content, hro).monitored_ids == []


def test_checking_an_unchanged_file_reads_in_a_constant_number_of_queries(hro, army):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries_for(count):
        rows = [[f"U-{n}", f"Unit {n}", "", "INST-1", "U-0" if n else "", ""] for n in range(count)]
        run("units", units_file(*rows), hro)
        with CaptureQueriesContext(connection) as queries:
            report = run("units", units_file(*rows), hro, dry_run=True)
        assert report.counts["unchanged"] == count
        # Row-by-row kinds put each row in a savepoint; what they read is read once for the file.
        return len([q for q in queries if "SAVEPOINT" not in q["sql"]])

    assert queries_for(3) == queries_for(30)


def analysed_tables():
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT DISTINCT tablename FROM pg_stats WHERE tablename IN "
            "('registry_unit', 'registry_institution')"
        )
        return {row[0] for row in cursor.fetchall()}


def test_a_long_import_leaves_the_planner_statistics_of_the_registry(hro, army, monkeypatch):
    """A bulk loader analyses what it loaded (developers' guide): autovacuum may be off."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "DELETE FROM pg_statistic WHERE starelid IN "
            "('registry_unit'::regclass, 'registry_institution'::regclass)"
        )
    content = units_file(
        ["U-1", "1st Brigade", "", "INST-1", "", "North"],
        ["U-2", "2nd Battalion", "", "INST-1", "U-1", "North"],
    )
    monkeypatch.setattr(importing, "ANALYSE_FROM_ROWS", 3)
    run("units", content, hro)
    assert analysed_tables() == set()

    monkeypatch.setattr(importing, "ANALYSE_FROM_ROWS", 2)
    run("units", content, hro, dry_run=True)
    assert analysed_tables() == set()

    run(
        "units",
        units_file(
            ["U-3", "3rd Brigade", "", "INST-1", "", "North"],
            ["U-4", "4th Brigade", "", "INST-1", "", "North"],
        ),
        hro,
    )
    assert analysed_tables() == {"registry_unit", "registry_institution"}
