"""Notifications and policy settings moved into apps of their own (issue 14) with their rows,
their history and its seals: the tables are the ones they were written to, the content types
(permissions, history) follow the models."""

import importlib

import pytest
from django.apps import apps
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.utils.translation import gettext_noop

from hrddp.audit.verify import verify
from hrddp.notifications import queries, services
from hrddp.notifications.models import Notification
from hrddp.policy.models import PolicySettings

pytestmark = pytest.mark.django_db

MOVES = [
    # (model, its app before, the migration that moves it, its table, its history table)
    (
        Notification,
        "assessments",
        "hrddp.notifications.migrations.0001_initial",
        "assessments_notification",
        "assessments_notificationevent",
    ),
    (
        PolicySettings,
        "registry",
        "hrddp.policy.migrations.0001_initial",
        "registry_policysettings",
        "registry_policysettingsevent",
    ),
]


@pytest.mark.parametrize("model, before, migration, table, event_table", MOVES)
def test_moved_model_keeps_its_tables(model, before, migration, table, event_table):
    assert model._meta.db_table == table
    assert model.events.rel.related_model._meta.db_table == event_table


@pytest.mark.parametrize("model, before, migration, table, event_table", MOVES)
def test_moved_model_content_types_and_permissions_are_the_new_apps(
    model, before, migration, table, event_table
):
    content_type = ContentType.objects.get_for_model(model)
    assert content_type.app_label == model._meta.app_label != before
    assert Permission.objects.filter(
        content_type=content_type, codename=f"change_{model._meta.model_name}"
    ).exists()


@pytest.mark.parametrize("model, before, migration, table, event_table", MOVES)
def test_moved_model_migration_renames_the_content_types_it_finds(
    model, before, migration, table, event_table
):
    # A database migrated from before the move holds the content types under the old app: the
    # migration renames them (same ids, so permissions and history keep pointing at them).
    event_model = model.events.rel.related_model
    names = [model._meta.model_name, event_model._meta.model_name]
    ContentType.objects.filter(model__in=names, app_label=model._meta.app_label).update(
        app_label=before
    )
    ids = set(ContentType.objects.filter(model__in=names).values_list("pk", flat=True))
    ContentType.objects.clear_cache()

    importlib.import_module(migration).move_content_types(apps, None)

    moved = ContentType.objects.filter(model__in=names, app_label=model._meta.app_label)
    assert set(moved.values_list("pk", flat=True)) == ids and len(ids) == 2


def test_moved_models_changes_are_still_recorded_and_sealed(hro):
    policy = PolicySettings.get_solo()
    policy.lookback_days = 200
    policy.save()
    services.notify([hro], (gettext_noop("Review due"), {}), (gettext_noop("Details."), {}))
    services.mark_read(hro)

    assert policy.events.filter(pgh_label="update").exists()
    assert Notification.objects.get().events.count() == 2  # sent, read
    assert verify().ok


def test_mark_read_marks_the_users_own_unread_only(hro, manager):
    for user in (hro, hro, manager):
        services.notify([user], (gettext_noop("Review due"), {}), (gettext_noop("Details."), {}))
    first = queries.notifications_of(hro).last()

    assert services.mark_read(hro, first) == 1
    assert services.mark_read(hro, first) == 0  # already read
    assert services.mark_read(hro) == 1
    assert queries.unread_notifications(hro).count() == 0
    assert queries.unread_notifications(manager).count() == 1
