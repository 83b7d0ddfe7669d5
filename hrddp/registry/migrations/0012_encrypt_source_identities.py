"""Encrypt the identities and contacts already recorded, each source with a key of its own.

The update is recorded in the history like any other change. History rows written before it keep
the clear values they were written with: the history is append-only and sealed (README, Erasing an
identity, says what that means for sources recorded before this migration).
"""

from django.db import migrations

from hrddp.registry.identities import new_wrapped_key, seal, unseal


def encrypt(apps, schema_editor):
    Source = apps.get_model("registry", "Source")
    SourceKey = apps.get_model("registry", "SourceKey")
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(
            "SELECT id, identity, contact FROM registry_source "
            "WHERE key_id IS NULL AND (identity <> '' OR contact <> '') ORDER BY id"
        )
        rows = cursor.fetchall()
    for pk, identity, contact in rows:
        key = SourceKey.objects.create(wrapped=new_wrapped_key())
        Source.objects.filter(pk=pk).update(
            key=key, identity=seal(key.wrapped, identity), contact=seal(key.wrapped, contact)
        )


def decrypt(apps, schema_editor):
    Source = apps.get_model("registry", "Source")
    SourceKey = apps.get_model("registry", "SourceKey")
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(
            "SELECT s.id, s.identity, s.contact, k.wrapped FROM registry_source s "
            "JOIN registry_sourcekey k ON k.id = s.key_id ORDER BY s.id"
        )
        rows = cursor.fetchall()
    for pk, identity, contact, wrapped in rows:
        Source.objects.filter(pk=pk).update(
            key=None, identity=unseal(wrapped, identity), contact=unseal(wrapped, contact)
        )
    SourceKey.objects.filter(source__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("registry", "0011_source_keys_and_erasure")]

    operations = [migrations.RunPython(encrypt, decrypt)]
