"""Policy settings' own app (issue 14): the models come from the registry app (its migration
0014) with their tables, row, history and seals; only the history triggers are installed again,
under the names pgtrigger gives them here. The content types follow the models, so that
permissions and history keep pointing at them."""

import django.db.models.deletion
import pgtrigger.compiler
import pgtrigger.migrations
from django.db import migrations, models


def move_content_types(apps, schema_editor, source="registry", target="policy"):
    ContentType = apps.get_model("contenttypes", "ContentType")
    for model in ("policysettings", "policysettingsevent"):
        if not ContentType.objects.filter(app_label=target, model=model).exists():
            ContentType.objects.filter(app_label=source, model=model).update(app_label=target)


def restore_content_types(apps, schema_editor):
    move_content_types(apps, schema_editor, source="policy", target="registry")


def seed(apps, schema_editor):
    """The policy settings row, with the defaults of domain.md section 5: made by registry 0002
    when the model lived there; here for a test that empties the tables (tests/conftest.py)."""
    apps.get_model("policy", "PolicySettings").objects.get_or_create(pk=1)


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("registry", "0014_move_policy_settings_out"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("pghistory", "0007_auto_20250421_0444"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="PolicySettings",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        (
                            "lookback_days",
                            models.PositiveIntegerField(
                                default=365,
                                help_text="How far back a violation is 'recent'.",
                                verbose_name="lookback window (days)",
                            ),
                        ),
                        (
                            "pattern_threshold",
                            models.PositiveIntegerField(
                                default=3,
                                help_text="Countable grave violations within the lookback window that make a pattern.",
                                verbose_name="pattern threshold",
                            ),
                        ),
                        (
                            "review_period_days",
                            models.PositiveIntegerField(
                                default=180, verbose_name="review period (days)"
                            ),
                        ),
                        (
                            "validity_days",
                            models.PositiveIntegerField(
                                default=365, verbose_name="validity (days)"
                            ),
                        ),
                        (
                            "review_reminder_days",
                            models.PositiveIntegerField(
                                default=14, verbose_name="review reminder (days before)"
                            ),
                        ),
                        (
                            "intercession_due_days",
                            models.PositiveIntegerField(
                                default=7, verbose_name="intercession due (days)"
                            ),
                        ),
                        (
                            "response_due_days",
                            models.PositiveIntegerField(
                                default=30, verbose_name="response due (days)"
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "policy settings",
                        "db_table": "registry_policysettings",
                    },
                ),
                migrations.CreateModel(
                    name="PolicySettingsEvent",
                    fields=[
                        ("pgh_id", models.AutoField(primary_key=True, serialize=False)),
                        ("pgh_created_at", models.DateTimeField(auto_now_add=True)),
                        ("pgh_label", models.TextField(help_text="The event label.")),
                        ("id", models.BigIntegerField()),
                        (
                            "lookback_days",
                            models.PositiveIntegerField(
                                default=365,
                                help_text="How far back a violation is 'recent'.",
                                verbose_name="lookback window (days)",
                            ),
                        ),
                        (
                            "pattern_threshold",
                            models.PositiveIntegerField(
                                default=3,
                                help_text="Countable grave violations within the lookback window that make a pattern.",
                                verbose_name="pattern threshold",
                            ),
                        ),
                        (
                            "review_period_days",
                            models.PositiveIntegerField(
                                default=180, verbose_name="review period (days)"
                            ),
                        ),
                        (
                            "validity_days",
                            models.PositiveIntegerField(
                                default=365, verbose_name="validity (days)"
                            ),
                        ),
                        (
                            "review_reminder_days",
                            models.PositiveIntegerField(
                                default=14, verbose_name="review reminder (days before)"
                            ),
                        ),
                        (
                            "intercession_due_days",
                            models.PositiveIntegerField(
                                default=7, verbose_name="intercession due (days)"
                            ),
                        ),
                        (
                            "response_due_days",
                            models.PositiveIntegerField(
                                default=30, verbose_name="response due (days)"
                            ),
                        ),
                    ],
                    options={
                        "db_table": "registry_policysettingsevent",
                        "abstract": False,
                    },
                ),
                migrations.AddField(
                    model_name="policysettingsevent",
                    name="pgh_context",
                    field=models.ForeignKey(
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="pghistory.context",
                    ),
                ),
                migrations.AddField(
                    model_name="policysettingsevent",
                    name="pgh_obj",
                    field=models.ForeignKey(
                        db_constraint=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="events",
                        to="policy.policysettings",
                    ),
                ),
            ],
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="policysettings",
            trigger=pgtrigger.compiler.Trigger(
                name="insert_insert",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    func='WITH _pgh_attached_context AS ( SELECT _pgh_attach_context() AS value ) INSERT INTO "registry_policysettingsevent" ("id", "intercession_due_days", "lookback_days", "pattern_threshold", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "response_due_days", "review_period_days", "review_reminder_days", "validity_days") SELECT new_values."id", new_values."intercession_due_days", new_values."lookback_days", new_values."pattern_threshold", _pgh_attached_context.value, NOW(), \'insert\', new_values."id", new_values."response_due_days", new_values."review_period_days", new_values."review_reminder_days", new_values."validity_days" FROM ( SELECT new_values.* FROM new_values  ) AS new_values, _pgh_attached_context; RETURN NULL;',
                    hash="5479f7e78335224c7a4c7f10069862e6e75245fe",
                    level="STATEMENT",
                    operation="INSERT",
                    pgid="pgtrigger_insert_insert_96598",
                    referencing="REFERENCING NEW TABLE AS new_values ",
                    table="registry_policysettings",
                    when="AFTER",
                ),
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="policysettings",
            trigger=pgtrigger.compiler.Trigger(
                name="update_update",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    func='WITH _pgh_attached_context AS ( SELECT _pgh_attach_context() AS value ) INSERT INTO "registry_policysettingsevent" ("id", "intercession_due_days", "lookback_days", "pattern_threshold", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "response_due_days", "review_period_days", "review_reminder_days", "validity_days") SELECT new_values."id", new_values."intercession_due_days", new_values."lookback_days", new_values."pattern_threshold", _pgh_attached_context.value, NOW(), \'update\', new_values."id", new_values."response_due_days", new_values."review_period_days", new_values."review_reminder_days", new_values."validity_days" FROM ( SELECT new_values.* FROM old_values JOIN new_values ON (old_values."id") = (new_values."id") WHERE (old_values.* IS DISTINCT FROM new_values.*) ) AS new_values, _pgh_attached_context; RETURN NULL;',
                    hash="740b9f9cec45bf6f5a12903a6e40d4e29ed92761",
                    level="STATEMENT",
                    operation="UPDATE",
                    pgid="pgtrigger_update_update_84aa8",
                    referencing="REFERENCING OLD TABLE AS old_values  NEW TABLE AS new_values ",
                    table="registry_policysettings",
                    when="AFTER",
                ),
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="policysettings",
            trigger=pgtrigger.compiler.Trigger(
                name="delete_delete",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    func='WITH _pgh_attached_context AS ( SELECT _pgh_attach_context() AS value ) INSERT INTO "registry_policysettingsevent" ("id", "intercession_due_days", "lookback_days", "pattern_threshold", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "response_due_days", "review_period_days", "review_reminder_days", "validity_days") SELECT old_values."id", old_values."intercession_due_days", old_values."lookback_days", old_values."pattern_threshold", _pgh_attached_context.value, NOW(), \'delete\', old_values."id", old_values."response_due_days", old_values."review_period_days", old_values."review_reminder_days", old_values."validity_days" FROM ( SELECT old_values.* FROM old_values  ) AS old_values, _pgh_attached_context; RETURN NULL;',
                    hash="cbb130a9152736e3340c323c27eb9d3ee5dbcb0d",
                    level="STATEMENT",
                    operation="DELETE",
                    pgid="pgtrigger_delete_delete_902f0",
                    referencing="REFERENCING OLD TABLE AS old_values ",
                    table="registry_policysettings",
                    when="AFTER",
                ),
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="policysettingsevent",
            trigger=pgtrigger.compiler.Trigger(
                name="append_only",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    func="RAISE EXCEPTION 'pgtrigger: Cannot update or delete rows from % table', TG_TABLE_NAME;",
                    hash="b93fd773c7608524d240ae02eaa527be52459135",
                    operation="UPDATE OR DELETE",
                    pgid="pgtrigger_append_only_9992e",
                    table="registry_policysettingsevent",
                    when="BEFORE",
                ),
            ),
        ),
        migrations.RunPython(move_content_types, restore_content_types),
        migrations.RunPython(seed, migrations.RunPython.noop),
    ]
