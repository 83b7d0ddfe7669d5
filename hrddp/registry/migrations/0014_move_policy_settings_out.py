"""Policy settings move to their own app (hrddp/policy, issue 14): the models leave this app's
state, their tables, row, history and seals stay where they are.

The history triggers go with the models: pgtrigger names a trigger after its model's app, so the
old ones are dropped here and policy 0001 installs them again under the new names (the event
table keeps its seal trigger, audit_seal, which no app owns).
"""

import pgtrigger.migrations
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("registry", "0013_single_line_names"),
    ]

    operations = [
        pgtrigger.migrations.RemoveTrigger(model_name="policysettings", name="insert_insert"),
        pgtrigger.migrations.RemoveTrigger(model_name="policysettings", name="update_update"),
        pgtrigger.migrations.RemoveTrigger(model_name="policysettings", name="delete_delete"),
        pgtrigger.migrations.RemoveTrigger(model_name="policysettingsevent", name="append_only"),
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveField(model_name="policysettingsevent", name="pgh_obj"),
                migrations.RemoveField(model_name="policysettingsevent", name="pgh_context"),
                migrations.DeleteModel(name="PolicySettings"),
                migrations.DeleteModel(name="PolicySettingsEvent"),
            ],
        ),
    ]
