"""Tamper-evident history: every change to domain data is an event (django-pghistory), every event
is sealed, and ``manage.py verify_history`` checks the history is complete and unaltered."""

import pghistory


def track(**kwargs):
    """Record every insert, update and delete of the decorated model in its event table.

    pghistory writes the events from database triggers, so bulk ``update()``, raw SQL and data
    migrations are recorded too; the event tables are append-only (``PGHISTORY_APPEND_ONLY``).
    The triggers are statement-level: a bulk insert or update of N rows writes its N events (and
    their seals) in one statement instead of N.
    """
    return pghistory.track(
        pghistory.InsertEvent(),
        pghistory.UpdateEvent(),
        pghistory.DeleteEvent(),
        level=pghistory.Statement,
        **kwargs,
    )
