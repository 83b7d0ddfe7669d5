"""Backup and restore (``manage.py backup`` and ``restore``, behind ``make backup`` and ``make
restore FILE=...``): a backup restored into a fresh database holds every record and every
history row, table by table.

pg_dump runs in another process and sees only committed rows, hence transactional tests. Every
table of the database is compared, found in information_schema, so tables added later (more
history, say) are covered without touching this test.
"""

import io
import os
import re
import subprocess
import sys
import uuid
from pathlib import Path
from urllib.parse import quote

import psycopg
import pyrage
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from hrddp.ops.postgres import client_program
from hrddp.registry.models import Source, Unit
from tests.factories import (
    SourceFactory,
    UnitFactory,
    UserFactory,
    ViolationFactory,
    active_request,
    add_risk,
)

transactional = pytest.mark.django_db(transaction=True)

BASE_DIR = Path(__file__).resolve().parent.parent
HISTORY_OF_CREATED_RECORDS = [
    "registry_unitevent",
    "registry_violationevent",
    "registry_sourceevent",
    "support_supportrequestevent",
    "assessments_assessmentevent",
    "assessments_riskevent",
]


def table_contents(cursor):
    """{table: (rows, md5 of all its rows)} for every table of the database."""
    cursor.execute(
        "SELECT table_name FROM information_schema.tables "
        "WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'"
    )
    contents = {}
    for (table,) in sorted(cursor.fetchall()):
        cursor.execute(
            "SELECT count(*), md5(coalesce(string_agg(t::text, E'\\n' ORDER BY t::text), '')) "
            f'FROM "{table}" AS t'
        )
        contents[table] = tuple(cursor.fetchone())
    return contents


def server_parameters():
    settings_dict = connection.settings_dict
    return {
        "host": settings_dict["HOST"] or settings_dict["OPTIONS"].get("host", ""),
        "port": str(settings_dict["PORT"] or ""),
        "user": settings_dict["USER"] or "",
        "password": settings_dict["PASSWORD"] or "",
    }


def connect(dbname):
    parameters = {key: value for key, value in server_parameters().items() if value}
    return psycopg.connect(dbname=dbname, autocommit=True, **parameters)


def database_url(dbname):
    server = server_parameters()
    credentials = f"{quote(server['user'])}:{quote(server['password'])}@"
    if server["host"].startswith("/"):  # a Unix socket directory (the embedded server)
        return f"postgresql://{credentials}/{dbname}?host={quote(server['host'])}"
    port = f":{server['port']}" if server["port"] else ""
    return f"postgresql://{credentials}{server['host']}{port}/{dbname}"


@pytest.fixture(autouse=True)
def backup_key(settings):
    """An age key pair: backups are encrypted to its public key, restored with its secret key."""
    identity = pyrage.x25519.Identity.generate()
    settings.BACKUP_AGE_RECIPIENTS = [str(identity.to_public())]
    settings.BACKUP_AGE_IDENTITY = str(identity)
    return identity


@pytest.fixture
def fresh_database():
    """An empty database on the same server, dropped afterwards."""
    name = f"{connection.settings_dict['NAME']}_restore_{uuid.uuid4().hex[:8]}"
    with connect("postgres") as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    yield name
    with connect("postgres") as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def records(mission, hro, ssr_advisor, manager):
    """Registry, support and assessment records, each with its history rows."""
    SourceFactory(violation=ViolationFactory(units=[UnitFactory(name="3rd Infantry Battalion")]))
    active_request(
        mission,
        ssr_advisor,
        hro,
        manager,
        units=[UnitFactory(name="5th Engineer Battalion")],
        prepare=lambda assessment: add_risk(assessment, 1, 2),
    )


def manage_in_another_process(dbname, *arguments):
    from django.conf import settings

    environment = {
        **os.environ,
        "DEBUG": "1",
        "DATABASE_URL": database_url(dbname),
        "BACKUP_AGE_IDENTITY": settings.BACKUP_AGE_IDENTITY,
    }
    return subprocess.run(
        [sys.executable, "manage.py", *arguments],
        cwd=BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=300,
    )


def restore_in_another_process(backup, dbname):
    completed = manage_in_another_process(dbname, "restore", "--no-input", str(backup))
    assert completed.returncode == 0, completed.stderr


@transactional
def test_a_backup_restored_into_a_fresh_database_holds_every_record_and_history_row(
    records, fresh_database, settings, tmp_path
):
    settings.VAR_DIR = tmp_path
    with connection.cursor() as cursor:
        before = table_contents(cursor)

    call_command("backup", stdout=io.StringIO())
    # The dump, and beside it its kept files (tests/documents/test_backup_files.py).
    backup, files = sorted((tmp_path / "backups").iterdir())
    assert re.fullmatch(r"hrddp-\d{8}T\d{6}Z\.dump\.age", backup.name)
    assert files.name == backup.name.replace(".dump.age", ".files.tar.age")

    restore_in_another_process(backup, fresh_database)

    with connect(fresh_database) as restored, restored.cursor() as cursor:
        after = table_contents(cursor)
        # A bulk loader analyses what it loaded (pg_dump keeps no planner statistics).
        cursor.execute("SELECT count(*) FROM pg_stats WHERE tablename = 'registry_violation'")
        analysed = cursor.fetchone()[0]
    assert after == before
    assert analysed > 0
    for table in HISTORY_OF_CREATED_RECORDS:
        assert before[table][0] > 0, f"{table} holds no history row"
    # The restored history is whole and unaltered: every seal matches, every record has its history.
    verified = manage_in_another_process(fresh_database, "verify_history")
    assert verified.returncode == 0, verified.stdout + verified.stderr


@transactional
def test_restore_replaces_what_the_configured_database_holds(records, tmp_path):
    backup = tmp_path / "before.dump"
    call_command("backup", output=backup, stdout=io.StringIO())
    with connection.cursor() as cursor:
        before = table_contents(cursor)

    UnitFactory(name="Unit created after the backup")
    UserFactory(username="late")
    call_command("restore", backup, interactive=False, stdout=io.StringIO())

    with connection.cursor() as cursor:
        assert table_contents(cursor) == before


@transactional
def test_restore_asks_before_replacing_the_database(records, tmp_path, monkeypatch):
    backup = tmp_path / "before.dump"
    call_command("backup", output=backup, stdout=io.StringIO())
    UnitFactory(name="Unit created after the backup")
    monkeypatch.setattr("builtins.input", lambda prompt: "no")

    with pytest.raises(CommandError, match="cancelled"):
        call_command("restore", backup)

    assert Unit.objects.filter(name="Unit created after the backup").exists()


@transactional
def test_backup_writes_no_file_when_pg_dump_fails(tmp_path, monkeypatch):
    monkeypatch.setitem(connection.settings_dict, "NAME", "no_such_database_for_backup")
    output = tmp_path / "failed.dump"

    with pytest.raises(CommandError, match="pg_dump failed"):
        call_command("backup", output=output)

    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("major", [16, 18])
def test_the_embedded_servers_own_client_programs_serve_its_version(major):
    """The embedded server is newer than a distribution's pg_dump, which refuses a newer server."""
    for name in ("pg_dump", "pg_restore"):
        program = client_program(name, major)
        assert f"(PostgreSQL) {major}." in version_line(program)


def test_a_server_newer_than_every_client_program_is_refused_by_name():
    with pytest.raises(CommandError, match="No pg_dump for PostgreSQL 99"):
        client_program("pg_dump", 99)


def version_line(program):
    return subprocess.run(
        [str(program), "--version"], capture_output=True, text=True, check=True
    ).stdout


# Hole 8 of issue 12: backups were written 0644 in a 0755 folder, in clear, with every identity,
# second-factor secret and recovery code.

WITNESS = "Amina Witness-Identity"


def mode(path):
    return path.stat().st_mode & 0o777


def readable_without_the_key(backup):
    """What anyone holding the file alone gets out of it: pg_restore's SQL, or an error."""
    pg_restore = client_program("pg_restore", connection.pg_version // 10000)
    completed = subprocess.run(
        [str(pg_restore), "--file=-", str(backup)], capture_output=True, text=True
    )
    return completed.stdout


@pytest.fixture
def usual_umask():
    """The umask most servers run with (group and others may read what is created)."""
    previous = os.umask(0o022)
    yield
    os.umask(previous)


@transactional
def test_trust_8_backup_file_is_0600_in_a_0700_folder(records, settings, tmp_path, usual_umask):
    settings.VAR_DIR = tmp_path

    call_command("backup", stdout=io.StringIO())

    folder = tmp_path / "backups"
    backup, files = sorted(folder.iterdir())
    assert mode(folder) == 0o700
    assert mode(backup) == 0o600
    assert mode(files) == 0o600


@transactional
def test_trust_8_an_existing_backup_folder_is_closed_to_others(settings, tmp_path, usual_umask):
    settings.VAR_DIR = tmp_path
    (tmp_path / "backups").mkdir(mode=0o755)

    call_command("backup", stdout=io.StringIO())

    assert mode(tmp_path / "backups") == 0o700


@transactional
def test_trust_8_backup_holds_no_identity_in_clear_and_restore_brings_it_back(records, tmp_path):
    backup = tmp_path / "backup.dump.age"
    call_command("backup", output=backup, stdout=io.StringIO())
    Source.objects.all().delete()

    assert backup.read_bytes().startswith(b"age-encryption.org/v1")
    assert WITNESS not in readable_without_the_key(backup)

    call_command("restore", backup, interactive=False, stdout=io.StringIO())
    assert Source.objects.get().identity == WITNESS


@transactional
def test_trust_8_no_backup_is_written_in_clear_unless_asked(settings, tmp_path, usual_umask):
    settings.BACKUP_AGE_RECIPIENTS = []
    output = tmp_path / "backups" / "plain.dump"

    with pytest.raises(CommandError, match="BACKUP_AGE_RECIPIENTS"):
        call_command("backup", output=output)
    assert not output.parent.exists() or list(output.parent.iterdir()) == []

    call_command("backup", output=output, unencrypted=True, stdout=io.StringIO())
    assert output.read_bytes().startswith(b"PGDMP")
    assert mode(output) == 0o600


@transactional
def test_trust_8_restore_refuses_a_backup_without_its_key(records, settings, tmp_path):
    backup = tmp_path / "backup.dump.age"
    call_command("backup", output=backup, stdout=io.StringIO())
    UnitFactory(name="Unit created after the backup")

    settings.BACKUP_AGE_IDENTITY = ""
    with pytest.raises(CommandError, match="--identity"):
        call_command("restore", backup, interactive=False)
    settings.BACKUP_AGE_IDENTITY = str(pyrage.x25519.Identity.generate())
    with pytest.raises(CommandError, match="Cannot decrypt"):
        call_command("restore", backup, interactive=False)

    assert Unit.objects.filter(name="Unit created after the backup").exists()


@transactional
def test_trust_8_restore_reads_the_key_from_an_identity_file(records, settings, tmp_path):
    backup = tmp_path / "backup.dump.age"
    call_command("backup", output=backup, stdout=io.StringIO())
    key_file = tmp_path / "backup-key.txt"
    key_file.write_text(f"# created: today\n{settings.BACKUP_AGE_IDENTITY}\n")
    settings.BACKUP_AGE_IDENTITY = ""
    Source.objects.all().delete()

    call_command("restore", backup, identity=key_file, interactive=False, stdout=io.StringIO())

    assert Source.objects.get().identity == WITNESS
