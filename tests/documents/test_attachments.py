"""Attached files (issue 17), through the pages: who may attach, see and download them (domain.md
7: files follow the record they belong to; evidence identifying a victim, witness or source is for
HROs only), and what is refused before anything is kept."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from hrddp.documents.models import Attachment
from hrddp.documents.services import add_attachment, sanitised_name
from hrddp.support.models import Communication, CommunicationKind
from tests.factories import UnitFactory, ViolationFactory, make_request

from .clamd import EICAR

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
HTML = b"<!DOCTYPE html><html><script>alert(document.cookie)</script></html>"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 64


def upload(name, content):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


@pytest.fixture
def letter_request(mission, ssr_advisor):
    return make_request(mission, ssr_advisor, [UnitFactory()])


@pytest.fixture
def communication(letter_request, hro):
    return Communication.objects.create(
        request=letter_request,
        kind=CommunicationKind.OTHER,
        date=timezone.localdate(),
        counterpart="Chief of staff",
        summary="Policy letter delivered.",
        recorded_by=hro,
    )


@pytest.fixture
def violation(db):
    return ViolationFactory()


def attach(client, record, name="letter.pdf", content=PDF, **fields):
    kind = record._meta.model_name
    return client.post(
        reverse("documents:add", args=[kind, record.pk]),
        {"title": "Signed letter", "file": upload(name, content), **fields},
    )


def stored_files(settings):
    from pathlib import Path

    root = Path(settings.STORAGES["default"]["OPTIONS"]["location"])
    return [path for path in root.rglob("*") if path.is_file()] if root.exists() else []


def download(client, attachment):
    return client.get(reverse("documents:download", args=[attachment.pk]))


def body(response):
    return b"".join(response.streaming_content)


# --- Letters follow the request's visibility -------------------------------------------------


def test_a_letter_attached_to_a_communication_is_downloadable_by_its_requests_entity(
    client_for, hro, ssr_advisor, manager, auditor, communication
):
    response = attach(client_for(hro), communication)
    assert response.status_code == 302
    assert response.url.endswith("#communications")
    attachment = Attachment.objects.get()
    assert attachment.communication == communication
    assert (attachment.added_by, attachment.size, attachment.content_type) == (
        hro,
        len(PDF),
        "application/pdf",
    )
    for reader in (hro, ssr_advisor, manager, auditor):
        response = download(client_for(reader), attachment)
        assert response.status_code == 200, reader
        assert body(response) == PDF
        assert response["Content-Disposition"] == 'attachment; filename="letter.pdf"'
        assert response["Content-Type"] == "application/pdf"


def test_a_letter_is_404_to_another_entity_and_to_anonymous_visitors(
    client, client_for, hro, outsider, communication
):
    attachment = add_attachment(communication, upload("letter.pdf", PDF), title="L", user=hro)
    assert download(client_for(outsider), attachment).status_code == 404
    client.logout()
    response = download(client, attachment)
    assert response.status_code == 302 and "login" in response.url


def test_a_file_that_does_not_exist_answers_404_like_one_the_user_may_not_see(client_for, hro):
    assert client_for(hro).get(reverse("documents:download", args=[987654])).status_code == 404


def test_the_requests_page_lists_the_letters_files_for_its_readers_only(
    client_for, hro, ssr_advisor, outsider, communication, letter_request
):
    attachment = add_attachment(
        communication, upload("letter.pdf", PDF), title="Policy letter, signed", user=hro
    )
    page = client_for(ssr_advisor).get(reverse("support:detail", args=[letter_request.pk]))
    assert "Policy letter, signed" in page.content.decode()
    assert reverse("documents:download", args=[attachment.pk]) in page.content.decode()


# --- Evidence follows the registry; identifying evidence is for HROs only ----------------------


def test_evidence_on_a_violation_is_downloadable_by_registry_readers_not_by_ssr_advisors(
    client_for, hro, manager, auditor, ssr_advisor, violation
):
    assert attach(client_for(hro), violation, name="report.pdf").status_code == 302
    attachment = Attachment.objects.get(violation=violation)
    assert not attachment.identifies_people
    for reader in (hro, manager, auditor):
        assert download(client_for(reader), attachment).status_code == 200, reader
    assert download(client_for(ssr_advisor), attachment).status_code == 404


def test_evidence_that_identifies_a_victim_or_source_is_for_hros_only(
    client_for, hro, manager, auditor, violation
):
    response = attach(client_for(hro), violation, name="medical.pdf", identifies_people="on")
    assert response.status_code == 302
    attachment = Attachment.objects.get()
    assert attachment.identifies_people
    assert download(client_for(hro), attachment).status_code == 200
    for reader in (manager, auditor):
        assert download(client_for(reader), attachment).status_code == 404, reader
        page = client_for(reader).get(reverse("registry:violation_detail", args=[violation.pk]))
        assert "medical.pdf" not in page.content.decode()
    page = client_for(hro).get(reverse("registry:violation_detail", args=[violation.pk]))
    assert "medical.pdf" in page.content.decode()


def test_only_hros_attach_evidence_to_a_violation(client_for, manager, ssr_advisor, violation):
    assert attach(client_for(manager), violation).status_code == 403
    assert attach(client_for(ssr_advisor), violation).status_code == 404
    assert not Attachment.objects.exists()


def test_identifies_people_is_only_offered_for_evidence(client_for, hro, communication):
    attach(client_for(hro), communication, identifies_people="on")
    assert Attachment.objects.get().identifies_people is False


def test_an_invisible_record_cannot_receive_a_file(client_for, outsider, communication):
    assert attach(client_for(outsider), communication).status_code == 404
    assert not Attachment.objects.exists()


# --- Every download is in the history --------------------------------------------------------


def test_each_download_is_written_in_the_attachments_history_with_who_downloaded_it(
    client_for, hro, ssr_advisor, communication
):
    attachment = add_attachment(communication, upload("letter.pdf", PDF), title="L", user=hro)
    download(client_for(ssr_advisor), attachment)
    events = attachment.events.filter(pgh_label="download")
    assert events.count() == 1
    assert events.get().pgh_context.metadata["user"] == ssr_advisor.pk


def test_a_refused_download_writes_nothing(client_for, hro, outsider, communication):
    attachment = add_attachment(communication, upload("letter.pdf", PDF), title="L", user=hro)
    download(client_for(outsider), attachment)
    assert not attachment.events.filter(pgh_label="download").exists()


# --- Safety: refused before anything is kept --------------------------------------------------


@pytest.mark.parametrize(
    "name, content",
    [("letter.pdf", HTML), ("photo.jpg", EXE), ("notes.docx", b"just some text"), ("x.pdf", b"")],
)
def test_a_file_whose_content_is_not_an_accepted_type_is_refused_whatever_its_name(
    client_for, hro, communication, settings, name, content
):
    response = attach(client_for(hro), communication, name=name, content=content)
    assert response.status_code == 400
    text = response.content.decode()
    assert "is not of an accepted type" in text or "file is empty" in text
    assert 'value="Signed letter"' in text  # what was typed is kept
    assert not Attachment.objects.exists()
    assert stored_files(settings) == []


def test_a_file_over_the_size_limit_is_refused_with_the_limit_named(
    client_for, hro, communication, settings
):
    settings.ATTACHMENT_MAX_BYTES = 1024
    response = attach(client_for(hro), communication, content=PDF + b"%" * 2000)
    assert response.status_code == 400
    assert "files of at most 1.0\xa0KB are accepted" in response.content.decode()
    assert not Attachment.objects.exists()
    assert stored_files(settings) == []


def test_a_file_carrying_the_eicar_test_string_is_refused_when_clamd_is_configured(
    scanning, client_for, hro, communication, settings
):
    response = attach(client_for(hro), communication, content=PDF + EICAR)
    assert response.status_code == 400
    assert "the virus scanner found Eicar-Test-Signature" in response.content.decode()
    assert not Attachment.objects.exists()
    assert stored_files(settings) == []


def test_a_clean_file_passes_the_scan_and_is_kept(scanning, client_for, hro, communication):
    assert attach(client_for(hro), communication).status_code == 302
    assert Attachment.objects.count() == 1


def test_the_stored_file_is_named_by_the_system_and_its_checksum_kept(hro, communication, settings):
    import hashlib

    attachment = add_attachment(
        communication, upload("../../etc/passwd.pdf", PDF), title="L", user=hro
    )
    assert attachment.sha256 == hashlib.sha256(PDF).hexdigest()
    assert "passwd" not in attachment.file.name and ".." not in attachment.file.name
    assert attachment.file.name.startswith("attachments/communication/")
    [stored] = stored_files(settings)
    assert stored.read_bytes() == PDF


@pytest.mark.parametrize(
    "name, extension, expected",
    [
        ("Lettre signée.pdf", "pdf", "Lettre_signée.pdf"),
        ("../../etc/passwd.pdf", "pdf", "passwd.pdf"),
        ("C:\\Users\\me\\scan.PDF", "pdf", "scan.pdf"),
        ("photo.jpg", "pdf", "photo.jpg.pdf"),
        ('evil"\r\nname.pdf', "pdf", "evilname.pdf"),
        ("....pdf", "pdf", "document.pdf"),
        ("a" * 300 + ".pdf", "pdf", "a" * 120 + ".pdf"),
    ],
)
def test_names_are_sanitised_and_end_with_the_contents_extension(name, extension, expected):
    assert sanitised_name(name, extension) == expected


def test_a_file_leaves_the_store_when_its_record_is_deleted(
    hro, communication, settings, django_capture_on_commit_callbacks
):
    add_attachment(communication, upload("letter.pdf", PDF), title="L", user=hro)
    assert len(stored_files(settings)) == 1
    with django_capture_on_commit_callbacks(execute=True):
        communication.delete()
    assert not Attachment.objects.exists()
    assert stored_files(settings) == []


# --- Evidence is HROs-only unless the HRO says otherwise ---------------------------------------


def test_evidence_is_taken_to_identify_people_unless_the_hro_says_it_does_not(
    client_for, hro, violation, communication
):
    import re

    form = client_for(hro).get(reverse("documents:add", args=["violation", violation.pk]))
    [checkbox] = re.findall(r'<input[^>]*name="identifies_people"[^>]*>', form.content.decode())
    assert "checked" in checkbox
    evidence = add_attachment(violation, upload("report.pdf", PDF), title="Report", user=hro)
    letter = add_attachment(communication, upload("letter.pdf", PDF), title="Letter", user=hro)
    assert evidence.identifies_people is True
    assert letter.identifies_people is False


def test_a_file_on_anything_but_a_violation_cannot_be_marked_as_identifying_people(
    hro, communication
):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as refused:
        add_attachment(
            communication, upload("l.pdf", PDF), title="L", user=hro, identifies_people=True
        )
    assert "identifies_people" in refused.value.error_dict
    assert not Attachment.objects.exists()


# --- Office documents: inert ones only --------------------------------------------------------


def office_file(*parts):
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in parts:
            archive.writestr(name, b"<x/>")
    return buffer.getvalue()


def test_a_plain_word_document_is_accepted(client_for, hro, communication):
    docx = office_file("word/document.xml", "[Content_Types].xml", "_rels/.rels")
    assert (
        attach(client_for(hro), communication, name="letter.docx", content=docx).status_code == 302
    )
    assert Attachment.objects.get().filename == "letter.docx"


@pytest.mark.parametrize(
    "parts",
    [
        ("word/document.xml", "[Content_Types].xml", "word/vbaProject.bin"),
        ("word/document.xml", "[Content_Types].xml", "word/activeX/activeX1.xml"),
        ("word/document.xml", "[Content_Types].xml", "word/embeddings/oleObject1.bin"),
        ("word/document.xml", "word/payload.exe"),
    ],
)
def test_a_word_document_with_macros_controls_or_programs_is_refused(
    client_for, hro, communication, settings, parts
):
    response = attach(
        client_for(hro), communication, name="letter.docx", content=office_file(*parts)
    )
    assert response.status_code == 400
    assert "is not a plain document" in response.content.decode()
    assert not Attachment.objects.exists()
    assert stored_files(settings) == []


# --- Downloads ----------------------------------------------------------------------------------


def test_a_download_is_sandboxed_should_a_browser_render_it(client_for, hro, communication):
    attachment = add_attachment(communication, upload("letter.pdf", PDF), title="L", user=hro)
    response = download(client_for(hro), attachment)
    assert response["Content-Security-Policy"].startswith("sandbox")


def test_a_file_missing_from_the_store_answers_404_and_no_download_is_recorded(
    client_for, hro, communication
):
    attachment = add_attachment(communication, upload("letter.pdf", PDF), title="L", user=hro)
    attachment.file.storage.delete(attachment.file.name)
    assert download(client_for(hro), attachment).status_code == 404
    assert not attachment.events.filter(pgh_label="download").exists()


# --- A file attached by mistake is removed, with why ----------------------------------------


def test_a_file_attached_by_mistake_is_removed_with_a_reason_kept_in_its_history(
    client_for, hro, communication, settings
):
    attachment = add_attachment(communication, upload("wrong.pdf", PDF), title="Wrong", user=hro)
    client = client_for(hro)
    url = reverse("documents:remove", args=[attachment.pk])
    assert client.get(url).status_code == 200

    refused = client.post(url, {"reason": "  "})
    assert refused.status_code == 400
    assert "Say why the file is removed" in refused.content.decode()
    assert Attachment.objects.filter(pk=attachment.pk).exists()

    removed = client.post(url, {"reason": "The letter to another ministry."})
    assert removed.status_code == 302 and removed.url.endswith("#communications")
    assert not Attachment.objects.filter(pk=attachment.pk).exists()
    [deleted] = Attachment.pgh_event_model.objects.filter(
        pgh_obj_id=attachment.pk, pgh_label="delete"
    )
    assert deleted.pgh_context.metadata["reason"] == "The letter to another ministry."
    assert deleted.pgh_context.metadata["user"] == hro.pk
    assert deleted.sha256 == attachment.sha256


def test_only_who_may_attach_removes_and_others_cannot_see_the_page(
    client_for, hro, manager, auditor, outsider, violation
):
    evidence = add_attachment(violation, upload("r.pdf", PDF), title="R", user=hro)
    url = reverse("documents:remove", args=[evidence.pk])
    assert client_for(manager).post(url, {"reason": "x"}).status_code == 404  # identifies people
    assert client_for(outsider).post(url, {"reason": "x"}).status_code == 404
    Attachment.objects.filter(pk=evidence.pk).update(identifies_people=False)
    assert client_for(manager).post(url, {"reason": "x"}).status_code == 403
    assert client_for(auditor).get(url).status_code == 403
    assert Attachment.objects.filter(pk=evidence.pk).exists()
