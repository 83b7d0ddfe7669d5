"""Attached files in an S3-compatible object store (issue 17, "Storage": "any S3-compatible object
store when configured ... Test the S3 path against a real S3 API in the tests (for instance moto's
server mode), not a mock of the client"). moto's S3 server runs in this process and is spoken to
over HTTP; the bucket is looked at with boto3 apart from the product (tests/documents/storage.py).
"""

import io
from urllib.parse import parse_qs, urlsplit

import pyrage
import pytest
from django.core.management import call_command

from hrddp.audit.verify import verify
from hrddp.documents.models import Attachment
from hrddp.documents.services import add_attachment, open_for_download
from tests.factories import UserFactory, ViolationFactory

from .storage import PDF, pdf

PUBLIC_GRANTEES = (
    "http://acs.amazonaws.com/groups/global/AllUsers",
    "http://acs.amazonaws.com/groups/global/AuthenticatedUsers",
)


def objects(s3):
    listing = s3.client.list_objects_v2(Bucket=s3.bucket).get("Contents", [])
    return {item["Key"]: item["Size"] for item in listing}


def content(s3, key):
    return s3.client.get_object(Bucket=s3.bucket, Key=key)["Body"].read()


@pytest.mark.django_db
def test_an_attachment_is_a_private_object_of_the_bucket_and_downloads_whole(s3):
    hro = UserFactory()
    letter = add_attachment(ViolationFactory(), pdf(), title="Letter", user=hro)

    head = s3.client.head_object(Bucket=s3.bucket, Key=letter.file.name)
    assert head["ContentLength"] == len(PDF) == letter.size
    assert objects(s3) == {letter.file.name: len(PDF)}
    # Private: no grant to everyone or to any AWS user; only the bucket's owner.
    grants = s3.client.get_object_acl(Bucket=s3.bucket, Key=letter.file.name)["Grants"]
    assert [grant["Permission"] for grant in grants] == ["FULL_CONTROL"]
    assert not any(grant["Grantee"].get("URI") in PUBLIC_GRANTEES for grant in grants)
    # No public URL: what the store gives is signed and expires.
    query = parse_qs(urlsplit(letter.file.url).query)
    assert any(name.endswith("Signature") for name in query)
    assert any(name.endswith("Expires") for name in query)

    with open_for_download(letter, hro) as handle:
        assert handle.read() == PDF


@pytest.mark.django_db
def test_verify_history_detects_an_object_replaced_or_removed_in_the_bucket(s3):
    letter = add_attachment(ViolationFactory(), pdf(), title="Letter", user=UserFactory())
    assert verify().ok

    s3.client.put_object(Bucket=s3.bucket, Key=letter.file.name, Body=PDF + b"% forged\n")
    assert [(p.kind, p.table, p.row) for p in verify().problems] == [
        ("file_changed", "documents_attachment", str(letter.pk))
    ]

    s3.client.delete_object(Bucket=s3.bucket, Key=letter.file.name)
    assert [(p.kind, p.row) for p in verify().problems] == [("file_missing", str(letter.pk))]


@pytest.mark.django_db(transaction=True)
def test_a_backup_restored_puts_the_objects_back_in_the_bucket(s3, settings, tmp_path):
    identity = pyrage.x25519.Identity.generate()
    settings.BACKUP_AGE_RECIPIENTS = [str(identity.to_public())]
    settings.BACKUP_AGE_IDENTITY = str(identity)
    hro = UserFactory()
    evidence = add_attachment(ViolationFactory(), pdf(), title="Evidence", user=hro)
    dump = tmp_path / "backup.dump.age"
    call_command("backup", output=dump, stdout=io.StringIO())
    assert (tmp_path / "backup.files.tar.age").is_file()

    Attachment.objects.all().delete()
    s3.client.delete_object(Bucket=s3.bucket, Key=evidence.file.name)
    assert objects(s3) == {}

    call_command("restore", dump, interactive=False, stdout=io.StringIO())

    assert content(s3, evidence.file.name) == PDF
    grants = s3.client.get_object_acl(Bucket=s3.bucket, Key=evidence.file.name)["Grants"]
    assert [grant["Permission"] for grant in grants] == ["FULL_CONTROL"]
    assert verify().ok
    with open_for_download(Attachment.objects.get(pk=evidence.pk), hro) as handle:
        assert handle.read() == PDF
