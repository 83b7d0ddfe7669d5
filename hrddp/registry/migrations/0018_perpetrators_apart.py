"""Violations reported before the perpetrators had their own field carry them at the end of the
narrative, after a framing sentence written in the reporter's language: move them apart."""

from django.db import migrations

PREFIXES = [
    "\n\nPerpetrators as described by the reporter: ",
    "\n\nAuteurs, tels que décrits par la personne à l’origine du signalement : ",
]


def split(apps, schema_editor):
    Violation = apps.get_model("registry", "Violation")
    for prefix in PREFIXES:
        for violation in Violation.objects.filter(
            staff_report=True, narrative__contains=prefix, perpetrators_described=""
        ).only("pk", "narrative"):
            narrative, _, who = violation.narrative.rpartition(prefix)
            Violation.objects.filter(pk=violation.pk).update(
                narrative=narrative, perpetrators_described=who.strip()
            )


def join(apps, schema_editor):
    Violation = apps.get_model("registry", "Violation")
    for violation in Violation.objects.exclude(perpetrators_described="").only(
        "pk", "narrative", "perpetrators_described"
    ):
        Violation.objects.filter(pk=violation.pk).update(
            narrative=violation.narrative + PREFIXES[0] + violation.perpetrators_described,
            perpetrators_described="",
        )


class Migration(migrations.Migration):
    dependencies = [("registry", "0017_violation_perpetrators_described")]
    operations = [migrations.RunPython(split, join)]
