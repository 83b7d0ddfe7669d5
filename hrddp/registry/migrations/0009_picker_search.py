"""Word indexes for the pickers' searches (issue 11): a unit's name and aliases, a person's rank,
name and aliases, as PostgreSQL full-text documents ('simple': no stemming, case aside).

pg_trgm is not available everywhere this runs (the embedded PostgreSQL of ``make run``), so a
search finds words by their beginning through a GIN index instead of scanning every name.
``array_to_string`` is only STABLE (for arrays of types whose text form may change), which an
index refuses; on an array of varchar it cannot change, so the wrapper is declared IMMUTABLE.
"""

from django.db import migrations

FUNCTION = """
CREATE OR REPLACE FUNCTION picker_document(name text, aliases varchar[], extra text DEFAULT '')
RETURNS tsvector
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$
    SELECT to_tsvector(
        'simple'::regconfig,
        coalesce(extra, '') || ' ' || coalesce(name, '') || ' '
        || coalesce(array_to_string(aliases, ' '), '')
    )
$$;
"""

INDEXES = """
CREATE INDEX registry_unit_picker_document ON registry_unit
    USING gin (picker_document(name, aliases));
CREATE INDEX registry_person_picker_document ON registry_person
    USING gin (picker_document(name, aliases, rank));
"""

DROP = """
DROP INDEX IF EXISTS registry_person_picker_document;
DROP INDEX IF EXISTS registry_unit_picker_document;
DROP FUNCTION IF EXISTS picker_document(text, varchar[], text);
"""


class Migration(migrations.Migration):
    dependencies = [("registry", "0008_violation_triage_index")]

    operations = [migrations.RunSQL(FUNCTION + INDEXES, DROP)]
