"""A real S3 API for the tests: moto's server, in a thread of the test process, on a free port.

The product reaches it as it reaches any S3-compatible object store, through the AWS_* variables
(hrddp/settings.py); ``ObjectStore.env`` holds them, for a subprocess's environment, and
``ObjectStore.storages`` the matching STORAGES setting, for the test process.
"""

import contextlib
import secrets
from dataclasses import dataclass, field

REGION = "us-east-1"


@dataclass
class ObjectStore:
    endpoint: str
    bucket: str
    client: object = field(repr=False)

    @property
    def env(self):
        """The variables that point the product's default storage at this bucket."""
        return {
            "AWS_STORAGE_BUCKET_NAME": self.bucket,
            "AWS_S3_ENDPOINT_URL": self.endpoint,
            "AWS_S3_REGION_NAME": REGION,
            "AWS_ACCESS_KEY_ID": "testing",
            "AWS_SECRET_ACCESS_KEY": "testing",
        }

    def storages(self, settings):
        """``settings.STORAGES`` with the default storage in this bucket, as the product's
        settings make it from ``env``."""
        from hrddp.settings import s3_storage

        return {
            **settings.STORAGES,
            "default": s3_storage(
                self.bucket,
                endpoint_url=self.endpoint,
                region=REGION,
                access_key="testing",
                secret_key="testing",
            ),
        }

    def keys(self, prefix=""):
        """The names of the objects in the bucket under ``prefix``."""
        pages = self.client.get_paginator("list_objects_v2").paginate(
            Bucket=self.bucket, Prefix=prefix
        )
        return sorted(item["Key"] for page in pages for item in page.get("Contents", ()))

    def read(self, key):
        return self.client.get_object(Bucket=self.bucket, Key=key)["Body"].read()


@contextlib.contextmanager
def moto_server():
    """moto's S3 server on 127.0.0.1 and a free port, with an empty bucket; stopped on exit."""
    import boto3
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    try:
        host, port = server.get_host_and_port()
        endpoint = f"http://{host}:{port}"
        client = boto3.client(
            "s3",
            endpoint_url=endpoint,
            region_name=REGION,
            aws_access_key_id="testing",
            aws_secret_access_key="testing",
        )
        bucket = f"hrddp-{secrets.token_hex(4)}"
        client.create_bucket(Bucket=bucket)
        yield ObjectStore(endpoint=endpoint, bucket=bucket, client=client)
    finally:
        server.stop()
