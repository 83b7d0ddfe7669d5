"""Indexes for the lists' orders and searches (issue 11): violations newest first and command
assignments latest first, read from an index instead of sorting the table; and the words of a
violation's location and narrative, so that the list's search box finds them through a GIN index
(as the pickers find names, migration 0009) instead of reading a million narratives."""

from django.conf import settings
from django.db import migrations, models

FUNCTION = """
CREATE OR REPLACE FUNCTION violation_document(location text, narrative text)
RETURNS tsvector
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$
    SELECT to_tsvector('simple'::regconfig, coalesce(location, '') || ' ' || coalesce(narrative, ''))
$$;
CREATE INDEX registry_violation_document ON registry_violation
    USING gin (violation_document(location, narrative));
"""

DROP = """
DROP INDEX IF EXISTS registry_violation_document;
DROP FUNCTION IF EXISTS violation_document(text, text);
"""


class Migration(migrations.Migration):
    dependencies = [
        ("registry", "0009_picker_search"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveIndex(model_name="violation", name="registry_vi_date_f3141f_idx"),
        migrations.AddIndex(
            model_name="commandassignment",
            index=models.Index(fields=["start", "id"], name="registry_co_start_d62928_idx"),
        ),
        migrations.AddIndex(
            model_name="violation",
            index=models.Index(fields=["date", "id"], name="registry_vi_date_5f9517_idx"),
        ),
        migrations.RunSQL(FUNCTION, DROP),
    ]
