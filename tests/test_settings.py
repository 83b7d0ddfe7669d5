"""Settings come from the environment: production refuses to start half-configured, development
falls back to the embedded defaults under var/.

Each case imports the settings in a fresh interpreter with a clean environment. A variable the
case means as unset is passed empty, which settings treat as unset and which keeps a developer's
own .env file from filling it in.
"""

import json
import logging
import re
import subprocess
import sys
from pathlib import Path

import pytest
from kombu import Connection

BASE_DIR = Path(__file__).resolve().parent.parent
PRODUCTION = {
    "DEBUG": "0",
    "SECRET_KEY": "a-long-random-value-for-this-test-only-3b8f0d9c2e7a41f6",
    "ALLOWED_HOSTS": "hrddp.example.org",
    "DATABASE_URL": "postgres://hrddp@db.example.org:5432/hrddp",
}
UNSET = {"DATABASE_URL": "", "CELERY_BROKER_URL": "", "EMAIL_URL": "", "EMAIL_FILE_PATH": ""}


def import_settings(environment, before="", after="", names=()):
    """Import the settings in a fresh interpreter, running ``before`` and ``after`` around it."""
    code = f"import json, sys\n{before}\nimport hrddp.settings as s\n{after}"
    return subprocess.run(
        [sys.executable, "-c", code, *names],
        cwd=BASE_DIR,
        env={**UNSET, **environment},
        capture_output=True,
        text=True,
        timeout=60,
    )


def settings_values(environment, names, before=""):
    show = "print(json.dumps({name: getattr(s, name) for name in sys.argv[1:]}, default=str))"
    completed = import_settings(environment, before, show, names)
    assert completed.returncode == 0, completed.stderr
    return json.loads(completed.stdout.splitlines()[-1])


def named_in_error(stderr):
    message = next(
        line for line in stderr.splitlines() if line.startswith("django.core.exceptions.")
    )
    return set(re.findall(r"SECRET_KEY|ALLOWED_HOSTS|DATABASE_URL", message))


def test_production_refuses_to_start_without_secret_key_allowed_hosts_and_database_url():
    completed = import_settings({"DEBUG": "0", "SECRET_KEY": "", "ALLOWED_HOSTS": ""})

    assert completed.returncode != 0
    assert "ImproperlyConfigured" in completed.stderr
    assert named_in_error(completed.stderr) == {"SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL"}


@pytest.mark.parametrize("missing", ["SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL"])
def test_production_names_exactly_the_missing_variable(missing):
    completed = import_settings({**PRODUCTION, missing: ""})

    assert completed.returncode != 0
    assert named_in_error(completed.stderr) == {missing}


def test_production_starts_with_the_three_variables_and_secure_cookies():
    values = settings_values(
        PRODUCTION, ["DEBUG", "ALLOWED_HOSTS", "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE"]
    )

    assert values == {
        "DEBUG": False,
        "ALLOWED_HOSTS": ["hrddp.example.org"],
        "SESSION_COOKIE_SECURE": True,
        "CSRF_COOKIE_SECURE": True,
    }


def test_development_without_broker_or_mail_url_uses_the_filesystem_transport_and_file_mailbox():
    values = settings_values(
        {"DEBUG": "1", "DATABASE_URL": PRODUCTION["DATABASE_URL"]},
        ["CELERY_BROKER_URL", "EMAIL_BACKEND", "MAILER_EMAIL_BACKEND", "EMAIL_FILE_PATH"],
    )

    assert values == {
        "CELERY_BROKER_URL": "filesystem://localhost/",
        "EMAIL_BACKEND": "mailer.backend.DbBackend",
        "MAILER_EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "EMAIL_FILE_PATH": str(BASE_DIR / "var" / "mail"),
    }


def test_development_without_database_url_uses_the_embedded_server_under_var():
    # The embedded server is replaced by a stand-in: starting a real one is `make test`'s business.
    stand_in = """
import hrddp.embedded
hrddp.embedded.embedded_database_url = lambda var_dir: (
    "postgresql://postgres:@/hrddp?host=" + str(var_dir / "pgdata")
)
"""
    values = settings_values({"DEBUG": "1"}, ["DATABASES"], before=stand_in)

    database = values["DATABASES"]["default"]
    assert database["ENGINE"] == "django.db.backends.postgresql"
    assert database["NAME"] == "hrddp"
    assert database["OPTIONS"]["host"] == str(BASE_DIR / "var" / "pgdata")


def test_broker_and_mail_server_come_from_the_environment_when_given():
    values = settings_values(
        {
            **PRODUCTION,
            "CELERY_BROKER_URL": "redis://cache.example.org:6379/0",
            "EMAIL_URL": "smtp://mailer:secret@smtp.example.org:587",
        },
        ["CELERY_BROKER_URL", "EMAIL_BACKEND", "MAILER_EMAIL_BACKEND", "EMAIL_HOST", "EMAIL_PORT"],
    )

    assert values == {
        "CELERY_BROKER_URL": "redis://cache.example.org:6379/0",
        "EMAIL_BACKEND": "mailer.backend.DbBackend",
        "MAILER_EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "smtp.example.org",
        "EMAIL_PORT": 587,
    }


def test_env_example_documents_every_variable_settings_reads():
    settings_source = (BASE_DIR / "hrddp" / "settings.py").read_text()
    read = set(re.findall(r'\benv(?:\.\w+)?\(\s*"([A-Z][A-Z0-9_]*)"', settings_source))
    example = (BASE_DIR / ".env.example").read_text()
    documented = set(re.findall(r"^#?\s*([A-Z][A-Z0-9_]*)=", example, flags=re.MULTILINE))

    assert read, "no env(...) call found in settings.py"
    assert read <= documented, f"missing from .env.example: {sorted(read - documented)}"


def test_the_development_broker_url_names_a_host_so_kombu_does_not_warn_at_each_start(caplog):
    """Issue 16: three "No hostname was supplied" warnings at each start of `make run` came from
    kombu reading a host-less "filesystem://" (in web, worker and beat)."""
    url = settings_values(
        {"DEBUG": "1", "DATABASE_URL": PRODUCTION["DATABASE_URL"]}, ["CELERY_BROKER_URL"]
    )["CELERY_BROKER_URL"]

    with caplog.at_level(logging.WARNING, logger="kombu.connection"):
        Connection(url).info()

    assert url.startswith("filesystem://")
    assert not [r for r in caplog.records if "No hostname was supplied" in r.getMessage()]
