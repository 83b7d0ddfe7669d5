"""The documents tests' fixtures: a real clamd (tests/documents/clamd.py)."""

from .clamd import clamd, scanning  # noqa: F401 (fixtures)
