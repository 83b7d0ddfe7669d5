"""Attached files through the API (issue 17; domain.md 7, "files follow the record they belong
to"): a record's files are listed under it and attached there (multipart) by whoever records it,
a file and its bytes answer 404 to whoever may not see it, evidence identifying a victim, witness
or source is for HROs only, a file refused by its content keeps nothing, and each download is an
event of the file's history, with who downloaded it."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from hrddp.documents.models import OWNER_FIELDS, Attachment
from hrddp.documents.services import add_attachment
from tests.factories import PersonFactory, ViolationFactory, active_request

pytestmark = pytest.mark.django_db

LETTER = b"%PDF-1.4\n% The signed policy letter.\n%%EOF\n"
EVIDENCE = b"%PDF-1.4\n% A photograph of the site.\n%%EOF\n"
HTML_AS_PDF = b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>\n"


def upload(name, content, content_type="application/pdf"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def files_url(kind, record):
    return reverse(f"api:{kind}-attachments", args=[record.pk])


def detail_url(attachment):
    return reverse("api:attachment-detail", args=[attachment.pk])


def download_url(attachment):
    return reverse("api:attachment-download", args=[attachment.pk])


def body_of(response):
    return b"".join(response.streaming_content)


def stored_files(tmp_path):
    """The files in the test's store (tests/conftest.py: attachments_in_a_temporary_folder)."""
    return [path for path in (tmp_path / "media").rglob("*") if path.is_file()]


@pytest.fixture
def active(mission, ssr_advisor, hro, manager, unit):
    return active_request(mission, ssr_advisor, hro, manager, units=[unit])


@pytest.fixture
def communication(active):
    return active.communications.first()


@pytest.fixture
def violation(unit):
    return ViolationFactory(units=[unit], people=[PersonFactory()], date=timezone.localdate())


@pytest.fixture
def letter(communication, ssr_advisor):
    return add_attachment(
        communication, upload("letter.pdf", LETTER), title="Signed letter", user=ssr_advisor
    )


@pytest.fixture
def statement(violation, hro):
    """Evidence naming a witness: HROs only."""
    return add_attachment(
        violation,
        upload("statement.pdf", EVIDENCE),
        title="Witness statement",
        user=hro,
        identifies_people=True,
    )


def test_every_kind_of_record_with_files_has_its_api_route(communication):
    for kind in OWNER_FIELDS:
        assert reverse(f"api:{kind}-attachments", args=[1]).endswith("/1/attachments/")


def test_an_ssr_advisor_attaches_a_letter_to_a_communication_of_their_request_and_its_entity_downloads_it(  # noqa: E501
    api_for, ssr_advisor, manager, communication
):
    response = api_for(ssr_advisor).post(
        files_url("communication", communication),
        {
            "file": upload("../../etc/Signed letter (copy).pdf", LETTER),
            "title": "Signed policy letter",
            "date": timezone.localdate().isoformat(),
        },
        format="multipart",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    attachment = Attachment.objects.get()
    assert attachment.communication == communication and attachment.added_by == ssr_advisor
    assert body["id"] == attachment.pk
    assert (body["record_kind"], body["record_id"]) == ("communication", communication.pk)
    assert body["title"] == "Signed policy letter" and body["added_by"] == "ssr"
    assert body["filename"] == "Signed_letter_copy.pdf"
    assert body["content_type"] == "application/pdf" and body["size"] == len(LETTER)
    assert body["identifies_people"] is False
    assert body["download_url"].endswith(download_url(attachment))

    listed = api_for(manager).get(files_url("communication", communication))
    assert listed.status_code == 200
    assert [row["id"] for row in listed.json()["results"]] == [attachment.pk]
    download = api_for(manager).get(download_url(attachment))
    assert download.status_code == 200
    assert body_of(download) == LETTER
    assert download["Content-Type"] == "application/pdf"
    assert download["Content-Disposition"] == 'attachment; filename="Signed_letter_copy.pdf"'


def test_an_hro_attaches_evidence_to_a_violation_and_registry_readers_download_it(
    api_for, hro, manager, auditor, violation
):
    response = api_for(hro).post(
        files_url("violation", violation),
        {
            "file": upload("photo.pdf", EVIDENCE),
            "title": "Photograph of the site",
            "identifies_people": False,
        },
        format="multipart",
    )
    assert response.status_code == 201, response.json()
    attachment = Attachment.objects.get(violation=violation)
    assert response.json()["record_kind"] == "violation"
    for reader in (hro, manager, auditor):
        download = api_for(reader).get(download_url(attachment))
        assert download.status_code == 200, reader
        assert body_of(download) == EVIDENCE


def test_evidence_identifying_people_is_for_hros_only(
    api_for, hro, manager, auditor, violation, statement
):
    assert statement.identifies_people
    listed = api_for(hro).get(files_url("violation", violation)).json()["results"]
    assert [row["id"] for row in listed] == [statement.pk]
    assert listed[0]["identifies_people"] is True
    assert body_of(api_for(hro).get(download_url(statement))) == EVIDENCE
    for reader in (manager, auditor):
        api = api_for(reader)
        assert api.get(files_url("violation", violation)).json()["results"] == []
        assert api.get(detail_url(statement)).status_code == 404
        assert api.get(download_url(statement)).status_code == 404


def test_an_hro_marks_evidence_as_identifying_people_on_upload(api_for, hro, manager, violation):
    response = api_for(hro).post(
        files_url("violation", violation),
        {
            "file": upload("statement.pdf", EVIDENCE),
            "title": "Statement",
            "identifies_people": True,
        },
        format="multipart",
    )
    assert response.status_code == 201, response.json()
    assert response.json()["identifies_people"] is True
    attachment = Attachment.objects.get()
    assert attachment.identifies_people
    assert api_for(manager).get(download_url(attachment)).status_code == 404


def test_only_evidence_on_a_violation_identifies_people(api_for, ssr_advisor, communication):
    response = api_for(ssr_advisor).post(
        files_url("communication", communication),
        {"file": upload("letter.pdf", LETTER), "title": "Letter", "identifies_people": True},
        format="multipart",
    )
    assert response.status_code == 400
    assert "identifies_people" in response.json()
    assert not Attachment.objects.exists()


def test_an_ssr_advisor_of_another_entity_finds_neither_the_record_nor_its_files(
    api_for, outsider, communication, letter
):
    api = api_for(outsider)
    assert api.get(files_url("communication", communication)).status_code == 404
    assert api.get(detail_url(letter)).status_code == 404
    assert api.get(download_url(letter)).status_code == 404
    response = api.post(
        files_url("communication", communication),
        {"file": upload("letter.pdf", LETTER), "title": "Planted"},
        format="multipart",
    )
    assert response.status_code == 404
    assert Attachment.objects.count() == 1


def test_an_ssr_advisor_does_not_read_the_registry_nor_its_evidence(
    api_for, ssr_advisor, violation, hro
):
    evidence = add_attachment(violation, upload("photo.pdf", EVIDENCE), title="Photo", user=hro)
    api = api_for(ssr_advisor)
    assert api.get(files_url("violation", violation)).status_code == 404
    assert api.get(download_url(evidence)).status_code == 404


def test_who_sees_the_record_but_does_not_record_it_may_not_attach(
    api_for, auditor, manager, communication, violation
):
    for user, kind, record in (
        (auditor, "communication", communication),
        (manager, "violation", violation),
    ):
        response = api_for(user).post(
            files_url(kind, record),
            {"file": upload("letter.pdf", LETTER), "title": "Letter"},
            format="multipart",
        )
        assert response.status_code == 403, (user, kind)
        assert api_for(user).get(files_url(kind, record)).status_code == 200
    assert not Attachment.objects.exists()


def test_anonymous_callers_are_asked_to_authenticate(anonymous_api, communication, letter):
    assert anonymous_api.get(files_url("communication", communication)).status_code == 401
    assert anonymous_api.get(detail_url(letter)).status_code == 401
    assert anonymous_api.get(download_url(letter)).status_code == 401
    response = anonymous_api.post(
        files_url("communication", communication),
        {"file": upload("letter.pdf", LETTER), "title": "Letter"},
        format="multipart",
    )
    assert response.status_code == 401
    assert Attachment.objects.count() == 1


def test_a_file_is_refused_by_its_content_not_its_name_and_nothing_is_kept(
    api_for, ssr_advisor, communication, tmp_path
):
    response = api_for(ssr_advisor).post(
        files_url("communication", communication),
        {"file": upload("letter.pdf", HTML_AS_PDF), "title": "Letter"},
        format="multipart",
    )
    assert response.status_code == 400
    [message] = response.json()["file"]
    assert "not of an accepted type" in message and "letter.pdf" in message
    assert not Attachment.objects.exists()
    assert stored_files(tmp_path) == []


def test_a_file_larger_than_the_limit_is_refused_on_the_file(
    api_for, ssr_advisor, communication, settings, tmp_path
):
    settings.ATTACHMENT_MAX_BYTES = len(LETTER) - 1
    response = api_for(ssr_advisor).post(
        files_url("communication", communication),
        {"file": upload("letter.pdf", LETTER), "title": "Letter"},
        format="multipart",
    )
    assert response.status_code == 400
    assert "at most" in response.json()["file"][0]
    assert not Attachment.objects.exists() and stored_files(tmp_path) == []


def test_a_missing_title_or_a_future_date_is_a_400_on_the_field(
    api_for, ssr_advisor, communication
):
    api = api_for(ssr_advisor)
    tomorrow = (timezone.localdate() + timezone.timedelta(days=1)).isoformat()
    for fields, field in (
        ({"title": ""}, "title"),
        ({"title": "Letter", "date": tomorrow}, "date"),
    ):
        response = api.post(
            files_url("communication", communication),
            {"file": upload("letter.pdf", LETTER), **fields},
            format="multipart",
        )
        assert response.status_code == 400, fields
        assert field in response.json(), response.json()
    json_body = api.post(files_url("communication", communication), {"title": "Letter"})
    assert json_body.status_code == 400 and "file" in json_body.json()
    assert not Attachment.objects.exists()


def test_each_download_is_written_in_the_files_history_with_who_downloaded_it(
    api_for, manager, letter
):
    assert not letter.events.filter(pgh_label="download").exists()
    response = api_for(manager).get(download_url(letter))
    assert response.status_code == 200
    body_of(response)
    [event] = letter.events.filter(pgh_label="download")
    assert event.pgh_context.metadata["user"] == manager.pk


def test_a_refused_download_writes_no_history(api_for, outsider, letter):
    assert api_for(outsider).get(download_url(letter)).status_code == 404
    assert not letter.events.filter(pgh_label="download").exists()


def test_a_download_answers_the_file_whatever_the_caller_accepts(api_for, manager, letter):
    response = api_for(manager).get(download_url(letter), HTTP_ACCEPT="application/pdf")
    assert response.status_code == 200
    assert body_of(response) == LETTER


def test_the_metadata_of_a_file_is_read_by_who_sees_its_record(api_for, auditor, letter):
    response = api_for(auditor).get(detail_url(letter))
    assert response.status_code == 200
    body = response.json()
    assert body["title"] == "Signed letter" and body["sha256"] == letter.sha256
    assert body["record_kind"] == "communication"


def test_evidence_uploaded_without_saying_is_taken_to_identify_people(
    api_for, hro, manager, violation
):
    response = api_for(hro).post(
        files_url("violation", violation),
        {"file": upload("certificate.pdf", EVIDENCE), "title": "Medical certificate"},
        format="multipart",
    )
    assert response.status_code == 201, response.json()
    assert response.json()["identifies_people"] is True
    attachment = Attachment.objects.get()
    assert api_for(manager).get(download_url(attachment)).status_code == 404


def test_a_file_is_removed_through_the_api_with_a_reason(api_for, hro, manager, violation):
    evidence = add_attachment(violation, upload("r.pdf", EVIDENCE), title="R", user=hro)
    url = f"/api/v1/attachments/{evidence.pk}/remove/"
    assert api_for(manager).post(url, {"reason": "x"}, format="json").status_code == 404
    refused = api_for(hro).post(url, {}, format="json")
    assert refused.status_code == 400 and "reason" in refused.json()
    assert api_for(hro).post(url, {"reason": "Wrong file"}, format="json").status_code == 204
    assert not Attachment.objects.filter(pk=evidence.pk).exists()
