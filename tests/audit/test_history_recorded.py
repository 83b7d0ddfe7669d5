"""Every change to domain data is recorded below the ORM, and the history tables are append-only."""

import pytest
from django.apps import apps
from django.db import DatabaseError, connection, transaction

from hrddp.audit import sealing
from hrddp.registry.models import Unit, Violation
from tests.factories import UnitFactory, ViolationFactory

DOMAIN_APPS = ("accounts", "registry", "support", "screening", "community", "assessments")
# Tables derived from tracked ones by database triggers: their history is that of their source.
DERIVED = {
    # Follows Unit.parent, whose every change Unit's history records.
    "registry.UnitClosure",
    # The index of names, rebuilt from Person.name and Person.aliases (registry.matching).
    "registry.PersonNameKey",
}
# Kept out of the history on purpose: erasing a source destroys its key (domain.md 7), and a copy
# of the key in the history would defeat the erasure.
UNTRACKED_ON_PURPOSE = {
    "registry.SourceKey",
    # A background job's progress, like an import job: the outcomes it writes are tracked.
    "screening.ScreeningRun",
    # The password-reset throttle's counter: a keyed digest of the address asked for and the time,
    # kept an hour; no domain data, and a history of it would keep what the throttle forgets.
    "accounts.PasswordResetRequest",
}

pytestmark = pytest.mark.django_db


def events(model_label, obj_id):
    event_model = apps.get_model(model_label + "Event")
    return list(event_model.objects.filter(pgh_obj_id=obj_id).order_by("pgh_id"))


def test_every_model_holding_domain_data_is_tracked():
    tracked = {model.pgh_tracked_model._meta.concrete_model for model in sealing.event_models()}
    untracked = [
        model._meta.label
        for app_label in DOMAIN_APPS
        for model in apps.get_app_config(app_label).get_models(include_auto_created=True)
        if not model._meta.proxy
        and model not in tracked
        and not hasattr(model, "pgh_tracked_model")
        and model._meta.label not in DERIVED | UNTRACKED_ON_PURPOSE
    ]
    assert untracked == []


def test_user_history_keeps_no_password_or_sign_in_time(hro):
    event_model = apps.get_model("accounts.UserEvent")
    columns = {f.name for f in event_model._meta.fields}
    assert "password" not in columns and "last_login" not in columns
    before = event_model.objects.filter(pgh_obj_id=hro.pk).count()
    hro.set_password("another one")
    hro.save()
    assert event_model.objects.filter(pgh_obj_id=hro.pk).count() == before


def test_bulk_update_is_recorded():
    units = UnitFactory.create_batch(3)
    Unit.objects.filter(pk__in=[u.pk for u in units]).update(location="Kanda north")
    for unit in units:
        labels = [(e.pgh_label, e.location) for e in events("registry.Unit", unit.pk)]
        assert labels == [("insert", ""), ("update", "Kanda north")]


def test_raw_sql_update_and_delete_are_recorded():
    violation = ViolationFactory()
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE registry_violation SET location = 'Elsewhere' WHERE id = %s", [violation.pk]
        )
        cursor.execute("DELETE FROM registry_violation WHERE id = %s", [violation.pk])
    recorded = [(e.pgh_label, e.location) for e in events("registry.Violation", violation.pk)]
    assert recorded == [("insert", "Kanda"), ("update", "Elsewhere"), ("delete", "Elsewhere")]
    assert not Violation.objects.filter(pk=violation.pk).exists()


def test_many_to_many_changes_are_recorded(mission, ssr_advisor):
    from tests.factories import make_request

    unit, other = UnitFactory(), UnitFactory()
    request = make_request(mission, ssr_advisor, [unit])
    request.recipient_units.set([other])
    event_model = apps.get_model("support.RecipientUnitEvent")
    recorded = list(
        event_model.objects.filter(supportrequest_id=request.pk)
        .order_by("pgh_id")
        .values_list("pgh_label", "unit_id")
    )
    assert recorded == [("insert", unit.pk), ("delete", unit.pk), ("insert", other.pk)]


def test_web_changes_record_the_user_and_the_url(client, hro):
    from tests.factories import InstitutionFactory

    institution = InstitutionFactory()
    client.force_login(hro)
    url = f"/registry/institutions/{institution.pk}/edit/"
    response = client.post(url, {"name": "Renamed", "kind": "police", "country": "Kandara"})
    assert response.status_code == 302
    event = events("registry.Institution", institution.pk)[-1]
    assert (event.pgh_label, event.name) == ("update", "Renamed")
    assert event.pgh_context.metadata["user"] == hro.pk
    assert event.pgh_context.metadata["url"] == url


@pytest.mark.parametrize("statement", ["UPDATE {table} SET pgh_label = 'x'", "DELETE FROM {table}"])
def test_history_tables_refuse_update_and_delete(statement):
    violation = ViolationFactory(units=[UnitFactory()])
    violation.location = "Changed"
    violation.save()
    for table in ("registry_violationevent", "registry_unitevent", "registry_attributionevent"):
        with pytest.raises(DatabaseError, match="Cannot update or delete"):
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(statement.format(table=table))


def test_every_history_table_has_an_append_only_trigger():
    with connection.cursor() as cursor:
        for table, _, _ in sealing.sealed_tables():
            cursor.execute("SELECT tgname FROM pg_trigger WHERE tgrelid = %s::regclass", [table])
            names = {row[0] for row in cursor.fetchall()}
            assert "audit_seal" in names, table
            assert "audit_guard" in names or any(
                name.startswith("pgtrigger_append_only_") for name in names
            ), table


def test_history_context_cannot_be_edited_or_deleted(hro):
    import pghistory

    with pghistory.context(user=hro.pk, url="/somewhere/"):
        UnitFactory()
    context_id = events("registry.Unit", Unit.objects.get().pk)[0].pgh_context_id
    for statement in (
        "UPDATE pghistory_context SET metadata = '{}' WHERE id = %s",
        "DELETE FROM pghistory_context WHERE id = %s",
    ):
        with pytest.raises(DatabaseError, match="cannot be changed or deleted"):
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(statement, [context_id])


def test_seals_are_append_only():
    UnitFactory()
    for statement in ("UPDATE audit_historyseal SET row_pk = 'x'", "DELETE FROM audit_historyseal"):
        with pytest.raises(DatabaseError, match="Cannot update or delete"):
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(statement)


def test_management_commands_name_themselves_in_the_history(settings):
    from django.core.management import call_command

    from hrddp.registry.models import Institution

    call_command("seed_demo", scale=1)
    event = apps.get_model("registry.InstitutionEvent").objects.select_related("pgh_context")[0]
    assert event.pgh_context.metadata["command"] == "seed_demo"
    assert Institution.objects.exists()


def test_celery_tasks_name_themselves_in_the_history(settings, hro):
    from hrddp.celery import app

    @app.task(name="tests.audit.rename_unit")
    def rename_unit(pk):
        Unit.objects.filter(pk=pk).update(name="Renamed by a task")

    unit = UnitFactory()
    rename_unit.apply(args=[unit.pk])
    event = events("registry.Unit", unit.pk)[-1]
    assert event.pgh_context.metadata["task"] == "tests.audit.rename_unit"
