"""``verify_history`` covers the attached files (issue 17, "Safety"): "A checksum is kept with each
file and covered by ``verify_history``, so a file swapped in the store is detected." A file changed
in the store, or gone from it, is named with its row and the command fails."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from hrddp.audit.verify import verify
from hrddp.documents.services import add_attachment
from tests.factories import UserFactory, ViolationFactory

from .storage import PDF, pdf, replace_stored_file

pytestmark = pytest.mark.django_db


def run():
    out = StringIO()
    try:
        call_command("verify_history", stdout=out)
    except CommandError as error:
        return False, out.getvalue() + str(error)
    return True, out.getvalue()


@pytest.fixture
def evidence(media):
    return add_attachment(
        ViolationFactory(), pdf(), title="Medical certificate", user=UserFactory()
    )


def test_a_file_as_it_was_added_verifies(evidence):
    ok, output = run()
    assert ok, output
    assert "History verified" in output


def test_a_file_changed_in_the_store_is_named_and_fails_the_command(evidence):
    replace_stored_file(evidence, PDF.replace(b"Catalog", b"Forged!"))  # the same size

    ok, output = run()

    assert not ok
    assert f"file_changed: documents_attachment #{evidence.pk}" in output
    assert evidence.file.name in output
    assert [problem.kind for problem in verify().problems] == ["file_changed"]


def test_a_file_gone_from_the_store_is_named_and_fails_the_command(evidence, media):
    evidence.file.storage.delete(evidence.file.name)

    ok, output = run()

    assert not ok
    assert f"file_missing: documents_attachment #{evidence.pk}" in output
    assert [problem.kind for problem in verify().problems] == ["file_missing"]


def test_only_the_file_that_changed_is_named(evidence):
    other = add_attachment(ViolationFactory(), pdf(), title="Report", user=UserFactory())
    replace_stored_file(other, PDF + b"%% appended\n")

    problems = verify().problems

    assert [(problem.kind, problem.row) for problem in problems] == [
        ("file_changed", str(other.pk))
    ]


def test_a_download_leaves_the_history_verifiable(client_for, hro, ssr_advisor, mission):
    """A download is an event of the file's history, a copy of its row: the row itself unchanged."""
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse
    from django.utils import timezone

    from hrddp.support.models import Communication, CommunicationKind
    from tests.factories import UnitFactory, make_request

    letter = Communication.objects.create(
        request=make_request(mission, ssr_advisor, [UnitFactory()]),
        kind=CommunicationKind.OTHER,
        date=timezone.localdate(),
        counterpart="Chief of staff",
        summary="Delivered.",
        recorded_by=hro,
    )
    pdf = b"%PDF-1.4\n%%EOF\n"
    attachment = add_attachment(letter, SimpleUploadedFile("l.pdf", pdf), title="Letter", user=hro)
    response = client_for(ssr_advisor).get(reverse("documents:download", args=[attachment.pk]))
    assert b"".join(response.streaming_content) == pdf
    assert attachment.events.filter(pgh_label="download").count() == 1
    assert verify().ok, verify().problems
