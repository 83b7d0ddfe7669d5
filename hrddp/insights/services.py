"""Rebuilding the dashboard's summaries (models.SUMMARIES) from the registry.

Beat calls ``refresh_summaries`` every few minutes (tasks.refresh_summaries), and so should
anything that loads the registry in bulk (seed_demo, import) once it is done.
"""

import zlib

from django.db import connection, transaction

from .models import SUMMARIES, SummaryRefresh

# pg_advisory_xact_lock takes a number; this one is ours.
REFRESH_LOCK = zlib.crc32(b"hrddp.insights.refresh_summaries")


def refresh_summaries():
    """Rebuild every summary and record when; return that time.

    Safe to run twice and at once: refreshes queue on a lock, so their times only move forward,
    and CONCURRENTLY lets pages read the previous figures, never half-built ones, until the new
    ones commit together with their time. The time is taken before the registry is read, so the
    figures are at least as fresh as it says.
    """
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [REFRESH_LOCK])
        cursor.execute("SELECT clock_timestamp()")
        (refreshed_at,) = cursor.fetchone()
        for model in SUMMARIES:
            name = model._meta.db_table
            quoted = connection.ops.quote_name(name)
            cursor.execute(f"REFRESH MATERIALIZED VIEW CONCURRENTLY {quoted}")
            # Fresh statistics for the planner, as after any bulk load (a few thousand rows).
            cursor.execute(f"ANALYZE {quoted}")
            SummaryRefresh.objects.update_or_create(
                name=name, defaults={"refreshed_at": refreshed_at}
            )
    return refreshed_at
