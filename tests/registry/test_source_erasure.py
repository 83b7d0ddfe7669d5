"""A source's identity and contact are stored encrypted with a key of the source's own, and can be
erased (domain.md 7; issue 12, hole 8): an HRO asks with a reason, a manager of one of the HRO's
entities confirms, and the key is destroyed, so the identity is gone from the table, its history
and every later backup, while the history still verifies."""

import io
import subprocess

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.formats import date_format

from hrddp.accounts.models import Role
from hrddp.ops.postgres import client_program
from hrddp.registry import services
from hrddp.registry.models import Source, SourceErasure, SourceKey
from tests.conftest import force_sign_in
from tests.factories import SourceFactory, UserFactory, ViolationFactory

WITNESS = "Amina Witness-Identity"
PHONE = "+000 555 0199"
REASON = "The witness was threatened after the last patrol."


def column_values(table):
    """Every identity and contact value of ``table`` as stored, read with plain SQL."""
    with connection.cursor() as cursor:
        cursor.execute(f'SELECT identity, contact FROM "{table}"')
        return [value for row in cursor.fetchall() for value in row]


def client_of(user):
    """Signed in, with the second factor a manager needs."""
    return force_sign_in(Client(), user)


@pytest.mark.django_db
def test_trust_8_identity_and_contact_are_stored_encrypted_in_the_table_and_its_history():
    source = SourceFactory(identity=WITNESS, contact=PHONE)
    source.description = "Now living elsewhere."
    source.save()

    stored = column_values("registry_source") + column_values("registry_sourceevent")

    assert len(stored) == 2 * 3  # the source, its insert and its update events
    assert not [value for value in stored if WITNESS in value or PHONE in value]
    # Each source has its own key.
    other = SourceFactory(identity=WITNESS, contact=PHONE)
    assert other.key_id != source.key_id
    # Read through the model, the values are as recorded, and unchanged values are not rewritten.
    again = Source.objects.get(pk=source.pk)
    assert (again.identity, again.contact) == (WITNESS, PHONE)
    again.save()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(DISTINCT identity) FROM registry_sourceevent WHERE pgh_obj_id = %s",
            [source.pk],
        )
        assert cursor.fetchone()[0] == 1


@pytest.mark.django_db
def test_trust_8_erasure_takes_an_hro_and_a_manager_of_the_same_entity(
    hro, manager, auditor, mission, agency
):
    source = SourceFactory(identity=WITNESS)
    other_manager = UserFactory(username="undp-manager", roles=[(agency, Role.MANAGER)])
    hro_and_manager = UserFactory(
        username="both", roles=[(mission, Role.HRO), (mission, Role.MANAGER)]
    )

    with pytest.raises(PermissionDenied):
        services.request_erasure(source, manager, REASON)
    with pytest.raises(PermissionDenied):
        services.request_erasure(source, auditor, REASON)
    services.request_erasure(source, hro_and_manager, REASON)
    assert Source.objects.get(pk=source.pk).identity == WITNESS  # asked for, not done

    for not_allowed in (hro, hro_and_manager, other_manager, auditor):
        with pytest.raises(PermissionDenied):
            services.confirm_erasure(source, not_allowed)
    assert Source.objects.get(pk=source.pk).identity == WITNESS

    services.confirm_erasure(source, manager)
    erased = Source.objects.get(pk=source.pk)
    assert (erased.identity, erased.contact, erased.key_id) == ("", "", None)
    assert erased.erasure.reason == REASON
    assert erased.erasure.confirmed_by == manager
    with pytest.raises(services.ErasureRefused):
        services.confirm_erasure(source, manager)


def erase_with_the_pages(source, hro, manager):
    page = reverse("registry:source_erasure", args=[source.pk])
    asked = client_of(hro).post(page, {"reason": REASON})
    assert asked.status_code == 302
    confirm = reverse("registry:source_erasure_confirm", args=[source.pk])
    confirmed = client_of(manager).post(confirm)
    assert confirmed.status_code == 302


@pytest.mark.django_db(transaction=True)
def test_trust_8_after_erasure_the_identity_is_gone_from_table_history_and_a_new_backup(
    hro, manager, tmp_path
):
    source = SourceFactory(identity=WITNESS, contact=PHONE)
    key = source.key
    source.description = "Moved."
    source.save()
    tokens = column_values("registry_sourceevent")
    before = tmp_path / "before.dump"
    call_command("backup", output=before, unencrypted=True, stdout=io.StringIO())
    assert key.wrapped in sql_of(before)  # the key was in the backup made before the erasure

    erase_with_the_pages(source, hro, manager)

    # The table: nothing left. The key: gone.
    assert [value for value in column_values("registry_source") if value] == []
    assert not SourceKey.objects.filter(pk=key.pk).exists()
    # The history: the rows are all there, with the same tokens, and none can be read any more.
    assert set(tokens) <= set(column_values("registry_sourceevent"))
    events = source.events.all()
    assert len(events) == 3  # insert, update, erasure
    assert {event.identity for event in events} == {""}
    assert {event.contact for event in events} == {""}
    # A backup made now holds neither the identity nor the key that could decrypt its tokens.
    after = tmp_path / "after.dump"
    call_command("backup", output=after, unencrypted=True, stdout=io.StringIO())
    dump = sql_of(after)
    assert WITNESS not in dump and PHONE not in dump
    assert key.wrapped not in dump
    assert REASON in dump  # the reason is recorded
    # The history is whole and unaltered.
    call_command("verify_history", stdout=io.StringIO())


def sql_of(backup):
    pg_restore = client_program("pg_restore", connection.pg_version // 10000)
    return subprocess.run(
        [str(pg_restore), "--file=-", str(backup)], capture_output=True, text=True, check=True
    ).stdout


@pytest.mark.django_db
def test_trust_8_pages_show_erased_with_date_and_reason_instead_of_the_identity(hro, manager):
    source = SourceFactory(identity=WITNESS, contact=PHONE)
    violation_page = reverse("registry:violation_detail", args=[source.violation_id])
    assert WITNESS in client_of(hro).get(violation_page).content.decode()

    erase_with_the_pages(source, hro, manager)

    page = client_of(hro).get(violation_page).content.decode()
    erased_at = Source.objects.get(pk=source.pk).erased_at
    assert WITNESS not in page and PHONE not in page
    assert f"Erased on {date_format(erased_at, 'DATE_FORMAT')}" in page
    assert REASON in page
    # The violation's form no longer takes an identity for this source.
    form = client_of(hro).get(reverse("registry:violation_update", args=[source.violation_id]))
    assert form.context["formsets"]["sources"].forms[0].fields["identity"].disabled


@pytest.mark.django_db
def test_trust_8_only_hros_ask_and_managers_confirm_on_the_erasure_page(
    hro, manager, auditor, ssr_advisor
):
    source = SourceFactory(violation=ViolationFactory(), identity=WITNESS)
    page = reverse("registry:source_erasure", args=[source.pk])
    confirm = reverse("registry:source_erasure_confirm", args=[source.pk])

    assert client_of(ssr_advisor).get(page).status_code == 404
    assert client_of(auditor).get(page).status_code == 403
    assert client_of(manager).post(page, {"reason": REASON}).status_code == 403
    assert client_of(hro).post(page, {"reason": ""}).status_code == 400
    assert not SourceErasure.objects.exists()
    assert client_of(manager).post(confirm).status_code == 409  # nothing asked for yet

    assert client_of(hro).post(page, {"reason": REASON}).status_code == 302
    assert client_of(hro).post(confirm).status_code == 403
    assert client_of(auditor).post(confirm).status_code == 403
    assert WITNESS not in client_of(manager).get(page).content.decode()
    assert client_of(manager).post(confirm).status_code == 302
    assert Source.objects.get(pk=source.pk).identity == ""


@pytest.mark.django_db
def test_trust_8_the_violation_page_reads_sealed_identities_in_the_same_queries_for_any_count(hro):
    """An HRO's violation page and its edit page, the sources and their history decrypted with
    each source's key: the keys are read together, not one query per source or history value."""

    def queries_for(count):
        violation = ViolationFactory()
        for number in range(count):
            source = SourceFactory(violation=violation, identity=f"{WITNESS} {number}")
            source.contact = f"{PHONE} {number}"
            source.save()
        client = client_of(hro)
        counts = []
        for name in ("registry:violation_detail", "registry:violation_update"):
            url = reverse(name, args=[violation.pk])
            client.get(url)  # the session's first page warms what every page reads once
            with CaptureQueriesContext(connection) as captured:
                page = client.get(url).content.decode()
            assert f"{PHONE} {count - 1}" in page
            counts.append(len(captured))
        return counts

    assert queries_for(8) == queries_for(1)


@pytest.mark.django_db
def test_trust_8_a_new_master_key_reads_every_identity_after_rewrap_source_keys(settings, hro):
    """Rotating the master key (README): the new key first, ``rewrap_source_keys``, then the old
    key removed; every identity, in the table and its history, still reads in clear."""
    from cryptography.fernet import Fernet

    from hrddp.audit.history import record_history
    from hrddp.registry.checks import field_encryption_key

    old, new = settings.FIELD_ENCRYPTION_KEYS[0], Fernet.generate_key().decode()
    source = SourceFactory(identity=WITNESS, contact=PHONE)
    source.contact = PHONE + "1"
    source.save()
    settings.FIELD_ENCRYPTION_KEYS = [new, old]
    call_command("rewrap_source_keys", stdout=io.StringIO())
    settings.FIELD_ENCRYPTION_KEYS = [new]

    assert Source.objects.get(pk=source.pk).identity == WITNESS
    history = record_history(source, ["registry.SourceEvent"], reader=hro)
    values = {value for row in history.rows for _label, *pair in row.changes for value in pair}
    assert {PHONE, PHONE + "1"} <= values
    settings.FIELD_ENCRYPTION_KEYS = []
    assert [error.id for error in field_encryption_key(None)] == ["registry.E001"]
