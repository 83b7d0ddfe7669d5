"""Check that the history is complete and unaltered, and name every row that is not.

Run by ``manage.py verify_history``. Each check is one query per table (or one pass over the
chain), so the cost grows with the history, not with the number of checks. Apps above this one add
their own checks with ``register`` (hrddp.documents: every attached file is read from the store
and hashed, so that check grows with the files kept).
"""

import hashlib
from dataclasses import dataclass

from django.db import connection, transaction

from . import sealing

# What each kind of problem means, for the command's output.
KINDS = {
    "unprotected": "history table lacks a protecting trigger (seal or append-only)",
    "altered": "history row changed after it was sealed",
    "deleted": "history row deleted (its seal remains)",
    "unsealed": "history row without a seal (inserted with triggers disabled?)",
    "orphan_seals": "seals for a table that is not a history table",
    "chain_missing_seal": "seal removed from the chain",
    "chain_broken": "seal or chain link rewritten (chain hash does not match)",
    "anchor": "chain does not match the recorded anchor",
    "no_history": "record without any history (written with triggers disabled?)",
    "changed_without_history": "record differs from its latest history (changed unrecorded)",
    "deleted_without_history": "record gone without a delete event",
}

# Checks of higher apps, which this lowest layer does not know: each a callable yielding Problems,
# registered from its app's ``ready()`` with the kinds of problem it names (hrddp.documents: the
# attached files, missing from the store or changed in it).
CHECKS = []


def register(check, kinds):
    """Run ``check()`` (yields Problems) with every verification; ``kinds`` are the meanings of the
    kinds of problem it names, {kind: meaning}, for the command's output."""
    for kind, meaning in kinds.items():
        if KINDS.setdefault(kind, meaning) != meaning:
            raise ValueError(f"Kind of problem {kind!r} already means {KINDS[kind]!r}.")
    if check not in CHECKS:
        CHECKS.append(check)
    return check


@dataclass(frozen=True)
class Problem:
    kind: str
    table: str
    row: str
    detail: str = ""

    def __str__(self):
        detail = f" ({self.detail})" if self.detail else ""
        return f"{self.kind}: {self.table} #{self.row}{detail} — {KINDS[self.kind]}"


@dataclass
class Report:
    problems: list
    tables: int
    rows: int
    chain_length: int
    chain_head: str

    @property
    def ok(self):
        return not self.problems


def verify(anchors=(), link=True):
    """Verify the whole history; ``anchors`` are (position, hex hash) recorded earlier."""
    if link:
        with transaction.atomic():
            sealing.link()
    problems = []
    with connection.cursor() as cursor:
        problems += check_triggers(cursor)
        rows = 0
        for table, pk, unsealed in sealing.sealed_tables():
            found, count = check_seals(cursor, table, pk, unsealed)
            problems += found
            rows += count
        problems += check_orphan_seals(cursor)
        for event_model in sealing.event_models():
            problems += check_complete(cursor, event_model)
    chain_problems, length, head = check_chain(dict(anchors))
    problems += chain_problems
    for check in CHECKS:
        problems += check()
    return Report(
        problems=problems,
        tables=len(sealing.sealed_tables()),
        rows=rows,
        chain_length=length,
        chain_head=head,
    )


def check_triggers(cursor):
    """Every history table has its seal trigger and an append-only trigger, both enabled."""
    tables = [table for table, _, _ in sealing.sealed_tables()]
    cursor.execute(
        "SELECT c.relname, t.tgname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
        "WHERE t.tgrelid = ANY(%s::regclass[]) AND t.tgenabled <> 'D'",
        [tables],
    )
    names = {table: set() for table in tables}
    for table, name in cursor.fetchall():
        names[table].add(name)
    problems = []
    for table in tables:
        if "audit_seal" not in names[table]:
            problems.append(Problem("unprotected", table, "-", "no seal trigger"))
        guarded = "audit_guard" in names[table] or any(
            name.startswith("pgtrigger_append_only_") for name in names[table]
        )
        if not guarded:
            problems.append(Problem("unprotected", table, "-", "UPDATE and DELETE not refused"))
    return problems


def check_seals(cursor, table, pk, unsealed):
    """(a) altered, (b) deleted and (c) unsealed rows of one history table."""
    quoted = connection.ops.quote_name(table)
    cursor.execute(
        f"""
        WITH seal AS (
            SELECT DISTINCT ON (row_pk) row_pk, row_hash FROM audit_historyseal
            WHERE table_name = %s ORDER BY row_pk, id DESC
        ), present AS (
            SELECT e.{pk}::text AS row_pk, audit_row_hash(e, %s::text[]) AS row_hash
            FROM {quoted} e
        ), problem AS (
            SELECT coalesce(present.row_pk, seal.row_pk) AS row_pk,
                   CASE WHEN present.row_pk IS NULL THEN 'deleted'
                        WHEN seal.row_pk IS NULL THEN 'unsealed'
                        ELSE 'altered' END AS kind
            FROM present FULL JOIN seal ON seal.row_pk = present.row_pk
            WHERE present.row_hash IS DISTINCT FROM seal.row_hash
        )
        -- One row for the count even when nothing is wrong: no second query per table.
        SELECT (SELECT count(*) FROM present), problem.row_pk, problem.kind
        FROM (SELECT 1) AS one LEFT JOIN problem ON true
        ORDER BY 2
        """,
        [table, sealing._array(unsealed)],
    )
    found = cursor.fetchall()
    problems = [Problem(kind, table, row_pk) for _, row_pk, kind in found if row_pk is not None]
    return problems, found[0][0]


def check_orphan_seals(cursor):
    known = [table for table, _, _ in sealing.sealed_tables()]
    cursor.execute(
        "SELECT table_name, count(*) FROM audit_historyseal "
        "WHERE NOT (table_name = ANY(%s)) GROUP BY table_name ORDER BY table_name",
        [known],
    )
    return [
        Problem("orphan_seals", table, "-", f"{count} seals") for table, count in cursor.fetchall()
    ]


def check_complete(cursor, event_model):
    """(e) Every current record has a latest event equal to it; every record gone was deleted."""
    tracked = event_model.pgh_tracked_model._meta.concrete_model
    names = {f.name for f in tracked._meta.concrete_fields}
    columns = [
        f.column
        for f in event_model._meta.concrete_fields
        if f.name in names and not f.name.startswith("pgh_")
    ]
    qn = connection.ops.quote_name
    current = ", ".join(f"t.{qn(c)}" for c in columns)
    recorded = ", ".join(f"e.{qn(c)}" for c in columns)
    pk = qn(tracked._meta.pk.column)
    cursor.execute(
        f"""
        WITH e AS (
            SELECT DISTINCT ON (pgh_obj_id) * FROM {qn(event_model._meta.db_table)}
            ORDER BY pgh_obj_id, pgh_id DESC
        )
        SELECT coalesce(t.{pk}, e.pgh_obj_id)::text, e.pgh_id,
               CASE WHEN e.pgh_obj_id IS NULL THEN 'no_history'
                    WHEN t.{pk} IS NULL THEN 'deleted_without_history'
                    ELSE 'changed_without_history' END
        FROM {qn(tracked._meta.db_table)} t FULL JOIN e ON e.pgh_obj_id = t.{pk}
        WHERE (t.{pk} IS NULL AND e.pgh_label <> 'delete')
           OR e.pgh_obj_id IS NULL
           OR (t.{pk} IS NOT NULL
               AND (e.pgh_label = 'delete' OR ROW({current}) IS DISTINCT FROM ROW({recorded})))
        ORDER BY 1
        """
    )
    table = tracked._meta.db_table
    return [
        Problem(kind, table, row, f"latest event {event_id}" if event_id else "")
        for row, event_id, kind in cursor.fetchall()
    ]


def check_chain(anchors):
    """(d) Walk the chain: each link's hash follows from the previous one and its seal."""
    problems = []
    previous = b""
    length, head, seen = 0, "", set()
    with connection.chunked_cursor() as cursor:
        cursor.execute(
            "SELECT l.position, l.seal_id, l.chain_hash, s.id, s.table_name, s.row_pk, s.row_hash "
            "FROM audit_chainlink l LEFT JOIN audit_historyseal s ON s.id = l.seal_id "
            "ORDER BY l.position"
        )
        for position, seal_id, chain_hash, found, table, row_pk, row_hash in cursor:
            chain_hash = bytes(chain_hash)
            if found is None:
                problems.append(
                    Problem(
                        "chain_missing_seal", "audit_chainlink", str(position), f"seal {seal_id}"
                    )
                )
            else:
                expected = hashlib.sha256(
                    previous + f"{seal_id}:{table}:{row_pk}".encode() + bytes(row_hash)
                ).digest()
                if expected != chain_hash:
                    problems.append(
                        Problem(
                            "chain_broken",
                            "audit_chainlink",
                            str(position),
                            f"seal {seal_id}: {table} #{row_pk}",
                        )
                    )
            if position in anchors and chain_hash.hex() != anchors[position].lower():
                problems.append(Problem("anchor", "audit_chainlink", str(position)))
            # Carry on from the stored hash, so that one rewritten link is named once.
            previous = chain_hash
            length, head = length + 1, f"{position}:{chain_hash.hex()}"
            seen.add(position)
    for position in sorted(set(anchors) - seen):
        problems.append(Problem("anchor", "audit_chainlink", str(position), "position missing"))
    return problems, length, head
