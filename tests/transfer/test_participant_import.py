"""A list of participants imported into a support request (issue 15), following the registry
import: a dry run that changes nothing, errors by line and column, nothing imported on any error,
the same job pages and progress, and a list of 300 trainees imported whole."""

import datetime
import io
from unittest import mock

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from hrddp.screening.models import Participant
from hrddp.support.models import RequestStatus
from hrddp.transfer import importing, tasks
from hrddp.transfer.models import ImportJob, ImportKind, ImportStatus
from tests.factories import UnitFactory, make_request

pytestmark = pytest.mark.django_db

HEADER = [
    "name",
    "rank",
    "service_number",
    "date_of_birth",
    "place_of_birth",
    "unit",
    "role",
]


def csv_bytes(*rows, header=HEADER):
    lines = [",".join(header)] + [",".join(str(value) for value in row) for row in rows]
    return ("\n".join(lines) + "\n").encode()


def xlsx_bytes(*rows, header=HEADER):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(list(header))
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@pytest.fixture
def unit(db):
    return UnitFactory(name="3rd Battalion", external_ref="U-3")


@pytest.fixture
def draft(mission, ssr_advisor, unit):
    return make_request(mission, ssr_advisor, [unit], title="IHL training")


def run(draft, user, content, name="trainees.csv", dry_run=False):
    return importing.import_file(
        ImportKind.PARTICIPANTS, content, name, user, dry_run=dry_run, support_request=draft
    )


def import_url(support_request):
    return reverse("transfer:participant_import", kwargs={"request_pk": support_request.pk})


def upload(client, support_request, content, name="trainees.csv"):
    return client.post(
        import_url(support_request),
        {"file": SimpleUploadedFile(name, content, content_type="text/csv")},
    )


def trainees(count):
    return [
        [
            f"Trainee {n:03d} Mbuyi",
            "Sergeant",
            f"SN-{n:05d}",
            (datetime.date(1980, 1, 1) + datetime.timedelta(days=37 * n)).isoformat(),
            "Kananga",
            "U-3" if n % 2 else "3rd Battalion",
            "trainee",
        ]
        for n in range(count)
    ]


def test_dry_run_imports_nothing_and_lists_every_row(draft, ssr_advisor):
    report = run(
        draft,
        ssr_advisor,
        csv_bytes(
            ["Jean-Baptiste Mbuyi", "Captain", "FARDC-1", "1985-03-01", "Kananga", "U-3", ""],
            ["Amani Bahati", "", "", "", "", "", "trainer"],
        ),
        dry_run=True,
    )
    assert report.ok
    assert [(row["line"], row["ref"], row["outcome"]) for row in report.rows] == [
        (2, "Jean-Baptiste Mbuyi", "new"),
        (3, "Amani Bahati", "new"),
    ]
    assert not Participant.objects.exists()


def test_import_writes_every_column(draft, ssr_advisor, unit):
    report = run(
        draft,
        ssr_advisor,
        xlsx_bytes(
            ["Jean-Baptiste Mbuyi", "Captain", "FARDC-1", "1985-03-01", "Kananga", "U-3", ""],
            ["Amani Bahati", "", "", "", "", "3RD BATTALION", "Trainer"],
        ),
        name="trainees.xlsx",
    )
    assert report.imported, report.rows
    first, second = Participant.objects.order_by("name")[1], Participant.objects.order_by("name")[0]
    assert (first.name, first.rank, first.service_number, first.birth_date) == (
        "Jean-Baptiste Mbuyi",
        "Captain",
        "FARDC-1",
        datetime.date(1985, 3, 1),
    )
    assert (first.birth_place, first.unit, first.role) == ("Kananga", unit, "trainee")
    assert (second.name, second.unit, second.role) == ("Amani Bahati", unit, "trainer")
    assert {p.request for p in (first, second)} == {draft}
    assert {p.created_by for p in (first, second)} == {ssr_advisor}


def test_errors_by_line_and_column_and_nothing_imported(draft, ssr_advisor):
    UnitFactory(name="Twin Unit")
    UnitFactory(name="Twin Unit")
    report = run(
        draft,
        ssr_advisor,
        csv_bytes(
            ["Good Row", "", "", "", "", "", ""],
            ["", "", "", "", "", "", ""] + [],
            ["Bad Date", "", "", "01/02/1985", "", "", ""],
            ["Bad Unit", "", "", "", "", "U-404", ""],
            ["Bad Role", "", "", "", "", "", "general"],
            ["Ambiguous", "", "", "", "", "Twin Unit", ""],
            ["Too Early", "", "", "1850-01-01", "", "", ""],
        ),
    )
    assert not report.ok
    errors = {row["line"]: row["errors"] for row in report.rows if row["errors"]}
    columns = {line: [column for column, _message in found] for line, found in errors.items()}
    assert 2 not in errors
    assert columns[4] == ["date_of_birth"] and "YYYY-MM-DD" in errors[4][0][1]
    assert columns[5] == ["unit"] and "U-404" in errors[5][0][1]
    assert columns[6] == ["role"]
    assert columns[7] == ["unit"] and "2 units" in errors[7][0][1]
    assert columns[8] == ["date_of_birth"]
    assert not Participant.objects.exists()  # nothing, not even the good row


def test_an_empty_name_is_an_error_on_its_column(draft, ssr_advisor):
    report = run(draft, ssr_advisor, csv_bytes(["", "Captain", "", "", "", "", ""]))
    assert report.rows[0]["errors"][0][0] == "name"
    assert not Participant.objects.exists()


def test_a_missing_column_is_a_file_error(draft, ssr_advisor):
    report = run(draft, ssr_advisor, csv_bytes(["Captain"], header=["rank"]))
    assert not report.ok
    assert "name" in report.errors[0][1]["columns"]


def test_a_row_repeated_in_the_file_is_an_error(draft, ssr_advisor):
    row = ["Amani Bahati", "", "SN-1", "1990-01-01", "", "", ""]
    report = run(draft, ssr_advisor, csv_bytes(row, row))
    assert [r["outcome"] for r in report.rows] == ["new", "error"]
    assert "earlier row" in report.rows[1]["errors"][0][1]
    assert not Participant.objects.exists()


def test_importing_the_same_file_again_adds_nobody(draft, ssr_advisor):
    content = csv_bytes(*trainees(3))
    assert run(draft, ssr_advisor, content).imported
    report = run(draft, ssr_advisor, content)
    assert report.imported
    assert report.counts == {"new": 0, "update": 0, "unchanged": 3, "error": 0}
    assert Participant.objects.count() == 3


def test_no_import_once_the_request_went_for_decision(draft, ssr_advisor, to_decision):
    to_decision(draft)
    report = run(draft, ssr_advisor, csv_bytes(*trainees(2)))
    assert not report.ok
    from hrddp.transfer.reading import render

    assert "until the request goes for decision" in render(report.errors[0])
    assert not Participant.objects.exists()


def test_three_hundred_trainees_import_whole(draft, ssr_advisor, client_for):
    client = client_for(ssr_advisor)
    response = upload(client, draft, csv_bytes(*trainees(300)))
    job = ImportJob.objects.get()
    assert response["Location"] == reverse("transfer:import_job", args=[job.pk])
    assert (job.kind, job.request, job.status) == ("participants", draft, ImportStatus.CHECKED)
    assert job.counts["new"] == 300
    assert not Participant.objects.exists()
    page = client.get(reverse("transfer:import_job", args=[job.pk]))
    assert page.status_code == 200
    assert b"Trainee 000 Mbuyi" in page.content
    client.post(reverse("transfer:import_confirm", args=[job.pk]))
    job.refresh_from_db()
    assert job.status == ImportStatus.DONE
    assert Participant.objects.filter(request=draft).count() == 300
    assert Participant.objects.filter(unit__external_ref="U-3").count() == 300


def test_the_page_is_for_the_requests_ssr_advisors(draft, client_for, hro, outsider):
    assert client_for(hro).get(import_url(draft)).status_code == 403
    assert client_for(outsider).get(import_url(draft)).status_code == 404  # another entity's


def test_another_entitys_ssr_advisor_gets_404(draft, client_for, agency):
    from hrddp.accounts.models import Role
    from tests.factories import UserFactory

    other = UserFactory(username="undp-ssr", roles=[(agency, Role.REQUESTER)])
    assert client_for(other).get(import_url(draft)).status_code == 404
    assert upload(client_for(other), draft, csv_bytes(*trainees(1))).status_code == 404
    assert not ImportJob.objects.exists()


def test_the_list_links_to_the_import_page(draft, client_for, ssr_advisor):
    page = client_for(ssr_advisor).get(
        reverse("screening:participants", kwargs={"request_pk": draft.pk})
    )
    assert import_url(draft) in page.content.decode()


def test_the_registry_upload_page_does_not_offer_participants(client_for, hro):
    page = client_for(hro).get(reverse("transfer:import_start")).content.decode()
    assert 'value="participants"' not in page


def test_a_ssr_advisor_follows_only_their_participant_imports(draft, client_for, ssr_advisor, hro):
    registry_job = ImportJob.objects.create(
        kind=ImportKind.UNITS, file_name="u.csv", content=b"", created_by=ssr_advisor
    )
    assert (
        client_for(ssr_advisor)
        .get(reverse("transfer:import_job", args=[registry_job.pk]))
        .status_code
        == 404
    )


def test_a_long_list_runs_as_a_task_with_progress(draft, client_for, ssr_advisor, monkeypatch):
    monkeypatch.setattr(importing, "SYNC_ROW_LIMIT", 2)
    client = client_for(ssr_advisor)
    with mock.patch.object(tasks.run_import_job, "delay"):
        upload(client, draft, csv_bytes(*trainees(3)))
    job = ImportJob.objects.get()
    assert job.status == ImportStatus.CHECKING
    page = client.get(reverse("transfer:import_job", args=[job.pk]))
    assert b"<progress" in page.content
    tasks.run_import_job(job.pk, True)
    job.refresh_from_db()
    assert job.status == ImportStatus.CHECKED
    with mock.patch.object(tasks.run_import_job, "delay"):
        client.post(reverse("transfer:import_confirm", args=[job.pk]))
    tasks.run_import_job(job.pk, False)
    job.refresh_from_db()
    assert job.status == ImportStatus.DONE
    assert Participant.objects.filter(request=draft).count() == 3


def test_confirming_after_the_request_went_for_decision_imports_nothing(
    draft, client_for, ssr_advisor, to_decision
):
    client = client_for(ssr_advisor)
    upload(client, draft, csv_bytes(*trainees(2)))
    job = ImportJob.objects.get()
    assert job.status == ImportStatus.CHECKED
    to_decision(draft)
    draft.refresh_from_db()
    assert draft.status == RequestStatus.AWAITING_DECISION
    client.post(reverse("transfer:import_confirm", args=[job.pk]))
    job.refresh_from_db()
    assert job.status == ImportStatus.FAILED
    assert not Participant.objects.exists()


def test_the_import_page_links_the_participants_template_which_downloads(
    draft, client_for, ssr_advisor
):
    """Issue 16: a template per kind, offered where the file is uploaded."""
    client = client_for(ssr_advisor)
    page = client.get(import_url(draft)).content.decode()
    template = reverse("transfer:import_template", args=["participants"])
    for query in ("?format=xlsx", "?format=csv", "?format=csv&amp;convention=semicolon"):
        assert template + query in page
    response = client.get(template, {"format": "csv"})
    assert response.status_code == 200
    header = b"".join(response.streaming_content if response.streaming else [response.content])
    assert header.decode("utf-8-sig").splitlines()[0].split(",")[:2] == HEADER[:2]
