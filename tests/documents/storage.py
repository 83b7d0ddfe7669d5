"""Where the tests keep attached files: a folder of their own (``media``), or a bucket of a real S3
API (``s3``: moto's server, started in this process and spoken to over HTTP by boto3 and
django-storages, as an object store would be). Each fixture makes its store the default storage,
with the options the product's settings build (hrddp.settings.s3_storage)."""

import uuid
from pathlib import Path
from types import SimpleNamespace

import boto3
import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile

from hrddp.settings import s3_storage

# The smallest content the type allow-list takes for a PDF (read from its first bytes).
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
REGION = "us-east-1"
KEYS = {"access_key": "moto-test-key", "secret_key": "moto-test-secret"}


def pdf(content=PDF, name="letter.pdf"):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def replace_stored_file(attachment, content):
    """Put other bytes in the store under the attachment's name (a file swapped in the store)."""
    storage = attachment.file.storage
    storage.delete(attachment.file.name)
    assert storage.save(attachment.file.name, ContentFile(content)) == attachment.file.name


@pytest.fixture
def media(settings):
    """The folder of this test's own that the default storage is (tests/conftest.py's
    ``stored_files_in_a_temporary_folder``, as MEDIA_ROOT is in the product)."""
    return Path(settings.MEDIA_ROOT)


@pytest.fixture(scope="session")
def s3_server():
    """moto's S3 server on a free port of this machine, for the whole session."""
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture
def s3(s3_server, settings):
    """A new, empty bucket on the S3 server, made the default storage; ``s3.client`` is a boto3
    client of that server, to look at the bucket apart from the product."""
    bucket = f"hrddp-test-{uuid.uuid4().hex[:12]}"
    client = boto3.client(
        "s3",
        endpoint_url=s3_server,
        region_name=REGION,
        aws_access_key_id=KEYS["access_key"],
        aws_secret_access_key=KEYS["secret_key"],
    )
    client.create_bucket(Bucket=bucket)
    settings.STORAGES = {
        **settings.STORAGES,
        "default": s3_storage(bucket, endpoint_url=s3_server, region=REGION, **KEYS),
    }
    yield SimpleNamespace(bucket=bucket, client=client, endpoint=s3_server)
    objects = client.list_objects_v2(Bucket=bucket).get("Contents", [])
    for item in objects:
        client.delete_object(Bucket=bucket, Key=item["Key"])
    client.delete_bucket(Bucket=bucket)
