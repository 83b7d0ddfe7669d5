"""The documents tests' fixtures: a real clamd (tests/documents/clamd.py), the store of attached
files in a folder or on a real S3 API (tests/documents/storage.py)."""

from .clamd import clamd, scanning  # noqa: F401 (fixtures)
from .storage import media, s3, s3_server  # noqa: F401 (fixtures)
