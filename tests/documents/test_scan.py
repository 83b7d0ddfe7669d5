"""The optional virus scan (issue 17, "Safety"): with CLAMD_URL set, a file is scanned by clamd
before it is kept; a detection or a scan that could not be done refuses it (fail closed). With
CLAMD_URL empty nothing is scanned. Against a real clamd (tests/documents/clamd.py)."""

import socket

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile, TemporaryUploadedFile

from hrddp.documents.scan import Infected, ScanFailed, scan

from .clamd import EICAR, SIGNATURE, STREAM_MAX_BYTES

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def in_memory(content, name="letter.pdf"):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def on_disk(content, name="letter.pdf"):
    """What Django makes of an upload above FILE_UPLOAD_MAX_MEMORY_SIZE."""
    upload = TemporaryUploadedFile(name, "application/pdf", len(content), None)
    upload.write(content)
    upload.seek(0)
    return upload


def test_the_eicar_test_file_is_refused_and_the_signature_named(scanning):
    with pytest.raises(Infected) as refused:
        scan(in_memory(EICAR, "eicar.pdf"))

    error = refused.value
    assert isinstance(error, ValidationError)
    assert error.code == "infected"
    assert error.signature.startswith(SIGNATURE)
    assert error.messages == [f"This file was refused: the virus scanner found {error.signature}."]


def test_a_clean_pdf_passes_and_is_left_whole_at_its_start(scanning):
    upload = in_memory(PDF)

    assert scan(upload) is None
    assert upload.read() == PDF


@pytest.mark.parametrize("make", [in_memory, on_disk], ids=["in memory", "on disk"])
def test_a_large_file_is_streamed_to_its_end_and_rewound(scanning, make):
    """A 3 MB file with the test string at its very end, after a few thousand of the client's
    chunks: clamd sees all of it, and the caller gets the file back rewound."""
    content = PDF + b"\0" * (3 * 1024 * 1024)
    infected = make(content + EICAR)

    with pytest.raises(Infected):
        scan(infected)
    assert infected.tell() == 0

    clean = make(content)
    scan(clean)
    assert clean.read() == content


@pytest.mark.parametrize("make", [in_memory, on_disk], ids=["in memory", "on disk"])
def test_a_file_already_read_is_scanned_from_its_start(scanning, make):
    """The form's own checks (type, size) may have read the file before the scan."""
    upload = make(EICAR + PDF)
    upload.read()

    with pytest.raises(Infected):
        scan(upload)


def test_a_file_clamd_will_not_take_whole_is_refused(scanning):
    """Past clamd's StreamMaxLength it stops reading and answers an error: not a pass."""
    upload = on_disk(PDF + b"\0" * (STREAM_MAX_BYTES + 1024))

    with pytest.raises(ScanFailed) as refused:
        scan(upload)
    assert refused.value.code == "scan_failed"
    assert upload.tell() == 0


def closed_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_clamd_unreachable_refuses_the_file(settings):
    settings.CLAMD_URL = f"tcp://127.0.0.1:{closed_port()}"

    with pytest.raises(ScanFailed) as refused:
        scan(in_memory(PDF))

    error = refused.value
    assert isinstance(error, ValidationError)
    assert error.code == "scan_failed"
    assert error.messages == [
        "This file could not be checked for viruses; it was not saved. "
        "Try again later or tell your administrator."
    ]
    assert "127.0.0.1" in error.reason


def test_clamd_that_never_answers_refuses_the_file_after_the_timeout(settings):
    """A server that takes the connection but never answers (a hung clamd)."""
    with socket.socket() as hung:
        hung.bind(("127.0.0.1", 0))
        hung.listen()
        settings.CLAMD_URL = f"tcp://127.0.0.1:{hung.getsockname()[1]}"
        settings.CLAMD_TIMEOUT_SECONDS = 1

        with pytest.raises(ScanFailed) as refused:
            scan(in_memory(PDF))
    assert "timed out" in refused.value.reason


def test_a_missing_unix_socket_refuses_the_file(settings, tmp_path):
    settings.CLAMD_URL = f"unix://{tmp_path / 'clamd.ctl'}"

    with pytest.raises(ScanFailed) as refused:
        scan(in_memory(PDF))
    assert "clamd.ctl" in refused.value.reason


@pytest.mark.parametrize("url", ["http://127.0.0.1:3310", "tcp://127.0.0.1", "127.0.0.1:3310"])
def test_a_mistyped_clamd_url_refuses_the_file_rather_than_skip_the_scan(settings, url):
    settings.CLAMD_URL = url

    with pytest.raises(ScanFailed) as refused:
        scan(in_memory(PDF))
    assert "CLAMD_URL" in refused.value.reason


def test_without_clamd_url_nothing_is_scanned(settings):
    """The scan is optional: the type allow-list, not the scan, stops this file then."""
    settings.CLAMD_URL = ""
    upload = in_memory(EICAR, "eicar.pdf")

    assert scan(upload) is None
    assert upload.read() == EICAR
