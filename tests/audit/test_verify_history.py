"""``manage.py verify_history`` names every history row that was altered, deleted or forged, a
broken chain, and every record changed without leaving history.

Tampering is done as the database superuser with ``session_replication_role = replica``, which
switches every trigger off: the one way around the append-only triggers and the seals.
"""

import re
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from hrddp.audit import sealing
from hrddp.audit.verify import verify
from hrddp.registry.models import Unit
from tests.factories import UnitFactory, ViolationFactory

pytestmark = pytest.mark.django_db


def run():
    out = StringIO()
    try:
        call_command("verify_history", stdout=out)
    except CommandError as error:
        return False, out.getvalue() + str(error)
    return True, out.getvalue()


def tamper(sql, params=()):
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL session_replication_role = replica")
        cursor.execute(sql, params)
        cursor.execute("SET LOCAL session_replication_role = origin")


def event_id(table, obj_id):
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT max(pgh_id) FROM {table} WHERE pgh_obj_id = %s", [obj_id])
        return cursor.fetchone()[0]


@pytest.fixture
def unit():
    unit = UnitFactory(location="Kanda")
    ViolationFactory(units=[unit])
    unit.location = "Kanda north"
    unit.save()
    return unit


def test_a_clean_history_verifies(unit):
    ok, output = run()
    assert ok, output
    assert "History verified" in output


def test_the_report_counts_every_history_row(unit):
    with connection.cursor() as cursor:
        expected = 0
        for table, _, _ in sealing.sealed_tables():
            cursor.execute(f"SELECT count(*) FROM {connection.ops.quote_name(table)}")
            expected += cursor.fetchone()[0]
    report = verify()
    assert report.ok
    assert report.rows == expected > 0


def test_an_altered_history_row_is_named(unit):
    pgh_id = event_id("registry_unitevent", unit.pk)
    tamper("UPDATE registry_unitevent SET location = 'Nowhere' WHERE pgh_id = %s", [pgh_id])
    ok, output = run()
    assert not ok
    assert f"altered: registry_unitevent #{pgh_id}" in output


def test_a_deleted_history_row_is_named(unit):
    pgh_id = event_id("registry_unitevent", unit.pk)
    tamper("DELETE FROM registry_unitevent WHERE pgh_id = %s", [pgh_id])
    ok, output = run()
    assert not ok
    assert f"deleted: registry_unitevent #{pgh_id}" in output


def test_a_forged_history_row_is_named(unit):
    tamper(
        "INSERT INTO registry_unitevent (pgh_created_at, pgh_label, pgh_obj_id, id, name,"
        " aliases, institution_id, location, external_ref)"
        " SELECT now(), 'update', id, id, 'Forged', aliases, institution_id, location,"
        " external_ref FROM registry_unit WHERE id = %s",
        [unit.pk],
    )
    forged = event_id("registry_unitevent", unit.pk)
    ok, output = run()
    assert not ok
    assert f"unsealed: registry_unitevent #{forged}" in output
    # The forged snapshot no longer matches the record either.
    assert f"changed_without_history: registry_unit #{unit.pk}" in output


def test_a_removed_seal_breaks_the_chain(unit):
    assert run()[0]  # links every seal into the chain
    pgh_id = event_id("registry_unitevent", unit.pk)
    tamper(
        "DELETE FROM audit_historyseal WHERE table_name = 'registry_unitevent' AND row_pk = %s",
        [str(pgh_id)],
    )
    ok, output = run()
    assert not ok
    assert f"unsealed: registry_unitevent #{pgh_id}" in output
    assert "chain_missing_seal: audit_chainlink #" in output


def test_a_rewritten_seal_breaks_the_chain(unit):
    assert run()[0]
    pgh_id = event_id("registry_unitevent", unit.pk)
    # Alter the row and give its seal the matching hash: the seal agrees, the chain does not.
    tamper("UPDATE registry_unitevent SET location = 'Nowhere' WHERE pgh_id = %s", [pgh_id])
    tamper(
        "UPDATE audit_historyseal s SET row_hash = audit_row_hash(e, '{}')"
        " FROM registry_unitevent e WHERE s.table_name = 'registry_unitevent'"
        " AND s.row_pk = e.pgh_id::text AND e.pgh_id = %s",
        [pgh_id],
    )
    ok, output = run()
    assert not ok
    assert "altered: registry_unitevent" not in output
    assert re.search(
        rf"chain_broken: audit_chainlink #\d+ \(seal \d+: registry_unitevent #{pgh_id}\)", output
    )


def test_a_change_made_with_triggers_off_is_named(unit):
    tamper("UPDATE registry_unit SET name = 'Quietly renamed' WHERE id = %s", [unit.pk])
    ok, output = run()
    assert not ok
    assert f"changed_without_history: registry_unit #{unit.pk}" in output


def test_a_record_inserted_or_deleted_with_triggers_off_is_named(unit):
    other = UnitFactory()
    tamper("DELETE FROM registry_unit WHERE id = %s", [other.pk])
    tamper(
        "INSERT INTO registry_unit (name, aliases, institution_id, location, external_ref)"
        " SELECT 'Ghost', '{}', institution_id, '', '' FROM registry_unit WHERE id = %s",
        [unit.pk],
    )
    ghost = Unit.objects.get(name="Ghost")
    ok, output = run()
    assert not ok
    assert f"deleted_without_history: registry_unit #{other.pk}" in output
    assert f"no_history: registry_unit #{ghost.pk}" in output


def test_a_disabled_seal_trigger_is_named(unit):
    with connection.cursor() as cursor:
        cursor.execute("ALTER TABLE registry_unitevent DISABLE TRIGGER audit_seal")
    ok, output = run()
    assert not ok
    assert "unprotected: registry_unitevent" in output


def test_a_history_table_whose_updates_are_no_longer_refused_is_named(unit):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tgname FROM pg_trigger WHERE tgrelid = 'registry_unitevent'::regclass "
            "AND tgname LIKE 'pgtrigger_append_only_%%'"
        )
        (name,) = cursor.fetchone()
        cursor.execute(f"ALTER TABLE registry_unitevent DISABLE TRIGGER {name}")
    problems = [str(problem) for problem in verify().problems]
    assert problems == [
        "unprotected: registry_unitevent #- (UPDATE and DELETE not refused)"
        " — history table lacks a protecting trigger (seal or append-only)"
    ]


def test_the_chain_head_is_an_anchor_for_later_runs(unit):
    first = verify()
    assert first.ok
    position, digest = first.chain_head.split(":")
    UnitFactory()  # more history after the anchor
    assert verify(anchors=[(int(position), digest)]).ok
    broken = verify(anchors=[(int(position), "00" * 32)])
    assert [p.kind for p in broken.problems] == ["anchor"]


def test_beat_verifies_the_history_and_logs_each_problem(unit, caplog):
    from hrddp.audit.tasks import verify_history

    assert verify_history.apply().get() == 0
    tamper("UPDATE registry_unit SET name = 'Quietly renamed' WHERE id = %s", [unit.pk])
    assert verify_history.apply().get() == 1
    assert f"changed_without_history: registry_unit #{unit.pk}" in caplog.text
