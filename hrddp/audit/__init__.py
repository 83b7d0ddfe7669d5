"""Tamper-evident history: every change to domain data is an event (django-pghistory), every event
is sealed, and ``manage.py verify_history`` checks the history is complete and unaltered."""

import pghistory
from django.db import connection


def track(*trackers, **kwargs):
    """Record every insert, update and delete of the decorated model in its event table, and the
    events of ``trackers`` (a ``pghistory.ManualEvent`` written by ``pghistory.create_event``).

    pghistory writes the events from database triggers, so bulk ``update()``, raw SQL and data
    migrations are recorded too; the event tables are append-only (``PGHISTORY_APPEND_ONLY``).
    The triggers are statement-level: a bulk insert or update of N rows writes its N events (and
    their seals) in one statement instead of N.
    """
    return pghistory.track(
        pghistory.InsertEvent(),
        pghistory.UpdateEvent(),
        pghistory.DeleteEvent(),
        *trackers,
        level=pghistory.Statement,
        **kwargs,
    )


def steady_history_triggers():
    """Call at the start of a transaction that writes many rows (an import, the demo seed).

    The history triggers (pgtrigger, pghistory) read two settings in a PL/pgSQL block that
    catches the error raised when a setting is unset; each caught error ends a subtransaction, and
    in a transaction of tens of thousands of rows every further row then costs more (measured on
    10,000-row inserts in one transaction: 6 s, 10 s, 14 s; with both settings set: 1.5 s each).
    ``pghistory.context`` sets the one (commands and imports run inside one); the other is set
    here to its neutral value, "ignore no trigger", for this transaction only."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT set_config('pgtrigger.ignore', '{}', true)")
