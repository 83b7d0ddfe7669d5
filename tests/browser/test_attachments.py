"""Attaching evidence from a phone (issue 17): an HRO at 375 px attaches a medical certificate to a
violation, is told plainly when a file is refused, and downloads what was kept; the manager does
not see evidence that identifies the victim."""

import pytest
from playwright.sync_api import expect

from hrddp.documents.models import Attachment
from tests.browser.test_csp import csp_violations  # noqa: F401 (a fixture)
from tests.factories import ViolationFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def test_an_hro_attaches_evidence_from_a_phone_and_downloads_it(
    live_server,
    page,
    sign_in,
    hro,
    manager,
    tmp_path,
    csp_violations,  # noqa: F811
):
    violation = ViolationFactory(location="Kanda checkpoint")
    page.set_viewport_size({"width": 375, "height": 812})
    sign_in("hro")
    page.goto(f"{live_server.url}/registry/violations/{violation.pk}/")
    page.get_by_role("link", name="Attach a file").click()

    # A web page saved under a PDF's name is refused, and the title typed is kept.
    page.get_by_label("Title").fill("Medical certificate")
    page.get_by_label("File").set_input_files(
        {"name": "certificate.pdf", "mimeType": "application/pdf", "buffer": b"<html></html>"}
    )
    page.get_by_role("button", name="Attach").click()
    expect(page.get_by_text("is not of an accepted type, whatever its name says")).to_be_visible()
    expect(page.get_by_label("Title")).to_have_value("Medical certificate")
    assert not Attachment.objects.exists()

    page.get_by_label("File").set_input_files(
        {"name": "certificate.pdf", "mimeType": "application/pdf", "buffer": PDF}
    )
    page.get_by_label("Identifies a victim, witness or source").check()
    page.get_by_role("button", name="Attach").click()
    expect(page.get_by_text("File attached.")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 375

    with page.expect_download() as download:
        page.get_by_role("link", name="Medical certificate", exact=True).click()
    assert download.value.suggested_filename == "certificate.pdf"
    saved = tmp_path / "downloaded.pdf"
    download.value.save_as(saved)
    assert saved.read_bytes() == PDF
    assert csp_violations == []

    sign_in("manager")
    page.goto(f"{live_server.url}/registry/violations/{violation.pk}/")
    expect(page.get_by_text("Kanda checkpoint").first).to_be_visible()
    expect(page.get_by_role("link", name="Medical certificate", exact=True)).to_have_count(0)
