"""Copied by benchmarks/mutation.sh to mutants/conftest.py, for the tests mutmut runs there.

- Each module's mutants are tested by its own test files only (``MUTATION_TESTS``, set by the
  script): the others are deselected, so a surviving mutant does not run half the suite.
- The test database is made once by the script (migrations and seeded vocabularies); each run
  of a mutant's tests opens it instead of asking ``migrate`` whether it is up to date, which
  costs seconds a mutant.
"""

import os

import pytest


def pytest_collection_modifyitems(config, items):
    files = set(os.environ.get("MUTATION_TESTS", "").split())
    if not files:
        return
    keep = [item for item in items if item.nodeid.split("::")[0] in files]
    dropped = [item for item in items if item.nodeid.split("::")[0] not in files]
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = keep


@pytest.fixture(scope="session")
def django_db_setup(django_db_blocker):
    from django.conf import settings
    from django.db import connections

    for alias in connections:
        connection = connections[alias]
        name = connection.settings_dict["TEST"]["NAME"]
        connection.close()
        connection.settings_dict["NAME"] = name
        settings.DATABASES[alias]["NAME"] = name
    yield
