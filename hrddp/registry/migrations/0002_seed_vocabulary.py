from django.db import migrations

from hrddp.registry.vocabulary import CATEGORIES


def seed(apps, schema_editor):
    Category = apps.get_model("registry", "ViolationCategory")
    Subtype = apps.get_model("registry", "ViolationSubtype")
    for order, (code, name, is_grave, subtypes) in enumerate(CATEGORIES, start=1):
        category, _ = Category.objects.update_or_create(
            code=code, defaults={"name": name, "is_grave": is_grave, "order": order}
        )
        for sub_code, sub_name in subtypes:
            Subtype.objects.update_or_create(category=category, code=sub_code, defaults={"name": sub_name})


def seed_policy(apps, schema_editor):
    # The policy settings row exists from the start, with the defaults of domain.md section 5.
    # (The model lives in the policy app since its migration 0001, whose seed does the same.)
    apps.get_model("registry", "PolicySettings").objects.get_or_create(pk=1)


class Migration(migrations.Migration):
    dependencies = [("registry", "0001_initial")]

    operations = [
        migrations.RunPython(seed, migrations.RunPython.noop),
        migrations.RunPython(seed_policy, migrations.RunPython.noop),
    ]
