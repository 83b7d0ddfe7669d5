"""A long job's progress, written where its page can read it while the job is still working."""

from django.db import connections
from django.utils import timezone


class Progress:
    """Writes a job's ``processed_rows`` (and ``heartbeat_at`` where the model has it) through a
    connection of its own: the job's transaction stays open (an import is all or nothing, an
    export reads one snapshot) while the progress page reads the count."""

    def __init__(self, model, job_id):
        self.table = model._meta.db_table
        self.heartbeat = any(field.name == "heartbeat_at" for field in model._meta.fields)
        self.job_id = job_id
        self.connection = connections.create_connection("default")

    def __call__(self, processed):
        columns, values = ["processed_rows = %s"], [processed]
        if self.heartbeat:
            columns.append("heartbeat_at = %s")
            values.append(timezone.now())
        with self.connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {self.table} SET {', '.join(columns)} WHERE id = %s",
                [*values, self.job_id],
            )

    def close(self):
        self.connection.close()
