"""Backups include the attached files and restore them (issue 17: "Backups include the files ...
and restore them; the restore test checks them"). ``manage.py backup`` writes them beside the dump,
in ``<name>.files.tar.age``, encrypted like it; ``restore`` writes them back through the storage.

pg_dump runs in another process and sees only committed rows, hence transactional tests.
"""

import io
import re
import shutil
import tarfile

import pyrage
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from hrddp.documents.models import Attachment
from hrddp.documents.services import add_attachment, open_for_download
from hrddp.ops.encryption import AGE_HEADER
from tests.factories import UserFactory, ViolationFactory

from .storage import PDF, pdf

transactional = pytest.mark.django_db(transaction=True)

EVIDENCE = PDF.replace(b"%%EOF", b"% photograph of the injuries\n%%EOF")


@pytest.fixture(autouse=True)
def backup_key(settings):
    identity = pyrage.x25519.Identity.generate()
    settings.BACKUP_AGE_RECIPIENTS = [str(identity.to_public())]
    settings.BACKUP_AGE_IDENTITY = str(identity)
    return identity


@pytest.fixture
def hro():
    return UserFactory(username="hro")


@pytest.fixture
def attachments(media, hro):
    """A letter and a piece of evidence, in the store and in the database."""
    return [
        add_attachment(ViolationFactory(), pdf(), title="Letter", user=hro),
        add_attachment(ViolationFactory(), pdf(EVIDENCE, "photo.pdf"), title="Evidence", user=hro),
    ]


def wipe(media):
    """Nothing left: no attachment in the database, no file in the store."""
    Attachment.objects.all().delete()
    shutil.rmtree(media)


def verify_history():
    out = io.StringIO()
    try:
        call_command("verify_history", stdout=out)
    except CommandError as error:
        raise CommandError(out.getvalue() + str(error)) from error
    return out.getvalue()


def mode(path):
    return path.stat().st_mode & 0o777


@transactional
def test_a_backup_holds_the_files_and_a_restore_brings_them_back_whole(
    attachments, media, hro, settings, tmp_path
):
    settings.VAR_DIR = tmp_path
    call_command("backup", stdout=io.StringIO())
    folder = tmp_path / "backups"
    dump, archive = sorted(folder.iterdir())
    assert re.fullmatch(r"hrddp-\d{8}T\d{6}Z\.dump\.age", dump.name)
    assert archive.name == dump.name.replace(".dump.age", ".files.tar.age")
    # Like the dump: encrypted, readable by its owner only, nothing of a file's content in clear.
    assert archive.read_bytes().startswith(AGE_HEADER)
    assert mode(archive) == 0o600
    assert b"photograph of the injuries" not in archive.read_bytes()

    wipe(media)
    call_command("restore", dump, interactive=False, stdout=io.StringIO())

    # Every file back, with its recorded SHA-256; and each downloads as it was uploaded.
    assert "History verified" in verify_history()
    for before in attachments:
        restored = Attachment.objects.get(pk=before.pk)
        with open_for_download(restored, hro) as handle:
            assert handle.read() == (EVIDENCE if before.title == "Evidence" else PDF)


@transactional
def test_an_unencrypted_backup_has_its_files_in_a_plain_tar_the_same_way(
    attachments, media, settings, tmp_path
):
    settings.BACKUP_AGE_RECIPIENTS = []
    settings.BACKUP_AGE_IDENTITY = ""
    dump = tmp_path / "plain.dump"
    call_command("backup", output=dump, unencrypted=True, stdout=io.StringIO())

    archive = tmp_path / "plain.files.tar"
    assert mode(archive) == 0o600
    with tarfile.open(archive) as tar:
        contents = {member.name: tar.extractfile(member).read() for member in tar}
    assert contents == {
        attachments[0].file.name: PDF,
        attachments[1].file.name: EVIDENCE,
    }

    wipe(media)
    call_command("restore", dump, interactive=False, stdout=io.StringIO())
    assert "History verified" in verify_history()


@transactional
def test_restore_takes_the_files_archive_named_with_files(attachments, media, tmp_path):
    dump = tmp_path / "backup.dump.age"
    call_command("backup", output=dump, stdout=io.StringIO())
    elsewhere = tmp_path / "kept apart.tar.age"
    (tmp_path / "backup.files.tar.age").rename(elsewhere)

    wipe(media)
    call_command("restore", dump, files_archive=elsewhere, interactive=False, stdout=io.StringIO())

    assert "History verified" in verify_history()


@transactional
def test_restore_without_the_files_archive_stops_before_touching_the_database(
    attachments, media, tmp_path
):
    dump = tmp_path / "backup.dump.age"
    call_command("backup", output=dump, stdout=io.StringIO())
    (tmp_path / "backup.files.tar.age").unlink()
    late = add_attachment(ViolationFactory(), pdf(), title="Added later", user=UserFactory())

    with pytest.raises(CommandError, match="--no-files"):
        call_command("restore", dump, interactive=False)
    assert Attachment.objects.filter(pk=late.pk).exists()

    # Asked for: the database alone, and verify_history names the files it lacks.
    wipe(media)
    call_command("restore", dump, with_files=False, interactive=False, stdout=io.StringIO())
    with pytest.raises(CommandError, match="problems"):
        verify_history()


@transactional
def test_backup_without_files_writes_the_dump_alone(attachments, tmp_path):
    call_command("backup", output=tmp_path / "db.dump.age", with_files=False, stdout=io.StringIO())

    assert [path.name for path in tmp_path.iterdir() if path.is_file()] == ["db.dump.age"]


@transactional
def test_a_file_missing_from_the_store_is_named_by_the_backup(attachments, tmp_path):
    letter = attachments[0]
    letter.file.storage.delete(letter.file.name)
    errors = io.StringIO()

    with pytest.raises(CommandError, match="1 files that records name were missing"):
        call_command("backup", output=tmp_path / "b.dump.age", stdout=io.StringIO(), stderr=errors)

    assert f"missing from the store: {letter.file.name}" in errors.getvalue()
    assert (tmp_path / "b.files.tar.age").exists()  # written all the same


@transactional
def test_a_restore_missing_files_that_records_name_fails_and_names_them(
    attachments, media, settings, tmp_path
):
    letter = attachments[0]
    letter.file.storage.delete(letter.file.name)
    settings.BACKUP_AGE_RECIPIENTS = []
    dump = tmp_path / "plain.dump"
    with pytest.raises(CommandError):
        call_command("backup", output=dump, unencrypted=True, stdout=io.StringIO())
    errors = io.StringIO()

    with pytest.raises(CommandError, match="1 files that records name are missing"):
        call_command("restore", dump, interactive=False, stdout=io.StringIO(), stderr=errors)

    assert f"in neither the archive nor the store: {letter.file.name}" in errors.getvalue()


@transactional
def test_restore_writes_only_files_the_database_names(attachments, media, settings, tmp_path):
    settings.BACKUP_AGE_RECIPIENTS = []
    dump = tmp_path / "plain.dump"
    call_command("backup", output=dump, unencrypted=True, stdout=io.StringIO())
    # An archive with a file of its own, which no record names.
    archive = tmp_path / "plain.files.tar"
    with tarfile.open(archive, "a") as tar:
        planted = tarfile.TarInfo("attachments/violation/planted")
        planted.size = len(PDF)
        tar.addfile(planted, io.BytesIO(PDF))
    errors = io.StringIO()

    call_command("restore", dump, interactive=False, stdout=io.StringIO(), stderr=errors)

    assert "named by no record of the backup: attachments/violation/planted" in errors.getvalue()
    assert not (media / "attachments" / "violation" / "planted").exists()
