"""The database side of the seals: SQL functions, the triggers that call them, the baseline.

Every history table (one per tracked model, plus pghistory's context table) has an AFTER INSERT
trigger ``audit_seal`` that writes, in the same transaction, one ``HistorySeal`` per new row with
``audit_row_hash(row)``: SHA-256 of the row as JSON, rendered with fixed settings (UTC, ...) so
that the same row always gives the same hash whatever the session's time zone. The trigger is
statement-level with a transition table: a bulk insert of events costs one extra INSERT.

The seal triggers are (re)installed after every ``migrate`` (``install``), so a model tracked
later is sealed without a migration of its own; ``verify_history`` names any history table that
has no seal trigger.
"""

import pghistory.models
from django.apps import apps
from django.db import DEFAULT_DB_ALIAS, connections

# pghistory upserts a context row each time a tracked change is made in it; ``updated_at`` moves
# with every upsert and is not part of what is sealed.
CONTEXT_TABLE = pghistory.models.Context._meta.db_table
CONTEXT_UNSEALED_COLUMNS = ("updated_at",)
CHAIN_LOCK = 7_340_011  # pg_advisory_xact_lock key: one linker at a time

FUNCTIONS_SQL = f"""
CREATE OR REPLACE FUNCTION audit_row_hash(r anyelement, unsealed text[] DEFAULT '{{}}')
RETURNS bytea LANGUAGE sql STABLE
SET TimeZone = 'UTC' SET DateStyle = 'ISO, MDY' SET IntervalStyle = 'postgres'
SET extra_float_digits = '1'
AS $$ SELECT sha256(convert_to((to_jsonb(r) - unsealed)::text, 'UTF8')) $$;

-- AFTER INSERT ... REFERENCING NEW TABLE AS sealed_rows FOR EACH STATEMENT
-- TG_ARGV[0]: primary key column; TG_ARGV[1]: columns left out of the hash.
CREATE OR REPLACE FUNCTION audit_seal_rows() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO audit_historyseal (table_name, row_pk, row_hash, sealed_at, adopted)
    SELECT TG_TABLE_NAME, to_jsonb(n) ->> TG_ARGV[0], audit_row_hash(n, TG_ARGV[1]::text[]),
           now(), false
    FROM sealed_rows n;
    RETURN NULL;
END $$;

-- The context table: a new version of a context row is sealed when its content changes.
CREATE OR REPLACE FUNCTION audit_seal_context_updates() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO audit_historyseal (table_name, row_pk, row_hash, sealed_at, adopted)
    SELECT TG_TABLE_NAME, n.id::text, audit_row_hash(n, TG_ARGV[0]::text[]), now(), false
    FROM sealed_rows n JOIN replaced_rows o ON o.id = n.id
    WHERE audit_row_hash(n, TG_ARGV[0]::text[]) <> audit_row_hash(o, TG_ARGV[0]::text[]);
    RETURN NULL;
END $$;

-- pghistory updates a context row only from inside its own event triggers (the user signs in
-- during a request, a nested pghistory.context adds a key): refuse any other UPDATE, and DELETE.
CREATE OR REPLACE FUNCTION audit_guard_context() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' OR pg_trigger_depth() < 2
       OR NEW.id <> OLD.id OR NEW.created_at <> OLD.created_at THEN
        RAISE EXCEPTION 'audit: history context % cannot be changed or deleted', OLD.id;
    END IF;
    RETURN NEW;
END $$;

-- Link the seals not yet in the chain, oldest first: hash = SHA-256(previous hash || seal).
CREATE OR REPLACE FUNCTION audit_link_seals() RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
    previous bytea;
    seal record;
    linked bigint := 0;
BEGIN
    PERFORM pg_advisory_xact_lock({CHAIN_LOCK});
    SELECT chain_hash INTO previous FROM audit_chainlink ORDER BY position DESC LIMIT 1;
    previous := coalesce(previous, ''::bytea);
    FOR seal IN
        SELECT s.* FROM audit_historyseal s
        WHERE NOT EXISTS (SELECT 1 FROM audit_chainlink l WHERE l.seal_id = s.id)
        ORDER BY s.id
    LOOP
        previous := audit_chain_step(previous, seal.id, seal.table_name, seal.row_pk,
                                     seal.row_hash);
        INSERT INTO audit_chainlink (seal_id, chain_hash, linked_at)
        VALUES (seal.id, previous, now());
        linked := linked + 1;
    END LOOP;
    RETURN linked;
END $$;

CREATE OR REPLACE FUNCTION audit_chain_step(
    previous bytea, seal_id bigint, table_name text, row_pk text, row_hash bytea
) RETURNS bytea LANGUAGE sql IMMUTABLE AS $$
    SELECT sha256(previous || convert_to(seal_id || ':' || table_name || ':' || row_pk, 'UTF8')
                  || row_hash)
$$;
"""

DROP_FUNCTIONS_SQL = """
DROP FUNCTION IF EXISTS audit_link_seals();
DROP FUNCTION IF EXISTS audit_chain_step(bytea, bigint, text, text, bytea);
DROP FUNCTION IF EXISTS audit_guard_context();
DROP FUNCTION IF EXISTS audit_seal_context_updates();
DROP FUNCTION IF EXISTS audit_seal_rows();
DROP FUNCTION IF EXISTS audit_row_hash(anyelement, text[]);
"""


def event_models():
    """Every concrete history (event) model: one table per tracked model."""
    return [
        model
        for model in apps.get_models()
        if issubclass(model, pghistory.models.Event)
        and not model._meta.proxy
        and model._meta.managed
        and hasattr(model, "pgh_tracked_model")
    ]


def sealed_tables():
    """(table, primary key column, columns left out of the hash) for every sealed table."""
    tables = [(model._meta.db_table, model._meta.pk.column, ()) for model in event_models()]
    return [*sorted(tables), (CONTEXT_TABLE, "id", CONTEXT_UNSEALED_COLUMNS)]


def _array(columns):
    return "{" + ",".join(columns) + "}"


def _has_trigger(cursor, table, name):
    cursor.execute(
        "SELECT 1 FROM pg_trigger WHERE tgrelid = %s::regclass AND tgname = %s", [table, name]
    )
    return cursor.fetchone() is not None


def install(using=None):
    """Install the seal triggers on every history table; return the tables newly sealed.

    A table sealed for the first time has its existing rows sealed too (``adopted``): they
    predate the seals, and from now on any change to them shows.
    """
    conn = connections[using or DEFAULT_DB_ALIAS]
    newly = []
    with conn.cursor() as cursor:
        cursor.execute(FUNCTIONS_SQL)
        for table, pk, unsealed in sealed_tables():
            qtable = conn.ops.quote_name(table)
            first = not _has_trigger(cursor, table, "audit_seal")
            cursor.execute(
                f"CREATE OR REPLACE TRIGGER audit_seal AFTER INSERT ON {qtable} "
                "REFERENCING NEW TABLE AS sealed_rows FOR EACH STATEMENT "
                f"EXECUTE FUNCTION audit_seal_rows('{pk}', '{_array(unsealed)}')"
            )
            if first:
                newly.append(table)
                cursor.execute(
                    "INSERT INTO audit_historyseal (table_name, row_pk, row_hash, adopted) "
                    f"SELECT %s, e.{pk}::text, audit_row_hash(e, %s::text[]), true "
                    f"FROM {qtable} e WHERE NOT EXISTS (SELECT 1 FROM audit_historyseal s "
                    f"WHERE s.table_name = %s AND s.row_pk = e.{pk}::text)",
                    [table, _array(unsealed), table],
                )
        qcontext = conn.ops.quote_name(CONTEXT_TABLE)
        cursor.execute(
            f"CREATE OR REPLACE TRIGGER audit_seal_update AFTER UPDATE ON {qcontext} "
            "REFERENCING NEW TABLE AS sealed_rows OLD TABLE AS replaced_rows "
            "FOR EACH STATEMENT EXECUTE FUNCTION "
            f"audit_seal_context_updates('{_array(CONTEXT_UNSEALED_COLUMNS)}')"
        )
        cursor.execute(
            f"CREATE OR REPLACE TRIGGER audit_guard BEFORE UPDATE OR DELETE ON {qcontext} "
            "FOR EACH ROW EXECUTE FUNCTION audit_guard_context()"
        )
    return newly


def link(using=None):
    """Append every seal not yet chained to the chain; return how many were linked."""
    with connections[using or DEFAULT_DB_ALIAS].cursor() as cursor:
        cursor.execute("SELECT audit_link_seals()")
        return cursor.fetchone()[0]


def baseline(using=None):
    """Give every row that has no history yet a ``baseline`` event: its state when history
    tracking began (rows written by data migrations that ran before their table was tracked).

    Works from the tables as they are (information_schema), not from the models, so that it
    can run inside a migration whatever the models look like later.
    """
    conn = connections[using or DEFAULT_DB_ALIAS]
    created = 0
    with conn.cursor() as cursor:
        for event_model in event_models():
            event_table = event_model._meta.db_table
            tracked = event_model.pgh_tracked_model._meta.concrete_model
            table, pk = tracked._meta.db_table, tracked._meta.pk.column
            columns = _columns(cursor, event_table)
            if not columns or not _columns(cursor, table):
                continue  # created by a later migration
            shared = [c for c in columns & _columns(cursor, table) if not c.startswith("pgh_")]
            quoted = ", ".join(conn.ops.quote_name(c) for c in sorted(shared))
            cursor.execute(
                f"INSERT INTO {conn.ops.quote_name(event_table)} "
                f"({quoted}, pgh_created_at, pgh_label, pgh_obj_id) "
                f"SELECT {quoted}, now(), 'baseline', t.{pk} FROM {conn.ops.quote_name(table)} t "
                f"WHERE NOT EXISTS (SELECT 1 FROM {conn.ops.quote_name(event_table)} e "
                f"WHERE e.pgh_obj_id = t.{pk})"
            )
            created += cursor.rowcount
    return created


def _columns(cursor, table):
    cursor.execute(
        "SELECT column_name FROM information_schema.columns "
        "WHERE table_schema = current_schema() AND table_name = %s",
        [table],
    )
    return {row[0] for row in cursor.fetchall()}
