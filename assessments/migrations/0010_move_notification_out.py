"""Notifications move to their own app (hrddp/notifications, issue 14): the models leave this
app's state, their tables, rows, history and seals stay where they are.

The history triggers go with the models: pgtrigger names a trigger after its model's app, so the
old ones are dropped here and notifications 0001 installs them again under the new names (the
event table keeps its seal trigger, audit_seal, which no app owns).
"""

import pgtrigger.migrations
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("assessments", "0009_assessment_snapshots"),
    ]

    operations = [
        pgtrigger.migrations.RemoveTrigger(model_name="notification", name="insert_insert"),
        pgtrigger.migrations.RemoveTrigger(model_name="notification", name="update_update"),
        pgtrigger.migrations.RemoveTrigger(model_name="notification", name="delete_delete"),
        pgtrigger.migrations.RemoveTrigger(model_name="notificationevent", name="append_only"),
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveField(model_name="notificationevent", name="pgh_obj"),
                migrations.RemoveField(model_name="notificationevent", name="pgh_context"),
                migrations.RemoveField(model_name="notificationevent", name="user"),
                migrations.DeleteModel(name="Notification"),
                migrations.DeleteModel(name="NotificationEvent"),
            ],
        ),
    ]
