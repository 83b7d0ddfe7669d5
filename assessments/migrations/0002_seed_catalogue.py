from django.db import migrations

from assessments.catalogue import MEASURE_TYPES


def seed(apps, schema_editor):
    MeasureType = apps.get_model("assessments", "MeasureType")
    for order, (code, name, safeguard) in enumerate(MEASURE_TYPES, start=1):
        MeasureType.objects.update_or_create(
            code=code, defaults={"name": name, "is_accountability_safeguard": safeguard, "order": order}
        )


class Migration(migrations.Migration):
    dependencies = [("assessments", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
