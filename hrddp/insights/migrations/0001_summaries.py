"""The dashboard's summaries of the registry, as materialized views (plain SQL: no extension).

Each has a unique index so that ``REFRESH MATERIALIZED VIEW CONCURRENTLY`` can rebuild it while
pages read the previous figures. The rule of each is the one of hrddp.insights.queries, computed
live there; tests/insights/test_summaries.py checks that the two agree.

A view depends on the registry columns it reads: a later migration that changes the type of
one of them (registry_violation.date, .verification_status, .category_id, ...) must drop the
view first and create it again after.
"""

import django.db.models.deletion
from django.db import migrations, models

# Countable grave (domain.md 3.1): grave category, credible or verified. Each violation counts
# once per institution, whether it reaches it through a unit, through people assigned to its
# units on the violation's date, or both (UNION removes the duplicates).
GRAVE_BY_INSTITUTION = """
CREATE MATERIALIZED VIEW insights_grave_by_institution_day AS
SELECT pairs.institution_id, pairs.date, count(*) AS violations
FROM (
    SELECT unit.institution_id, violation.id, violation.date
    FROM registry_violation violation
    JOIN registry_violationcategory category ON category.id = violation.category_id
    JOIN registry_attribution attribution ON attribution.violation_id = violation.id
    JOIN registry_unit unit ON unit.id = attribution.unit_id
    WHERE category.is_grave AND violation.verification_status IN ('credible', 'verified')
    UNION
    SELECT unit.institution_id, violation.id, violation.date
    FROM registry_violation violation
    JOIN registry_violationcategory category ON category.id = violation.category_id
    JOIN registry_attribution attribution ON attribution.violation_id = violation.id
    JOIN registry_commandassignment assignment
        ON assignment.person_id = attribution.person_id
        AND assignment.start <= violation.date
        AND (assignment."end" IS NULL OR assignment."end" >= violation.date)
    JOIN registry_unit unit ON unit.id = assignment.unit_id
    WHERE category.is_grave AND violation.verification_status IN ('credible', 'verified')
) pairs
GROUP BY pairs.institution_id, pairs.date;
CREATE UNIQUE INDEX insights_grave_by_institution_day_key
    ON insights_grave_by_institution_day (institution_id, date);
"""

VIOLATIONS_BY_DAY = """
CREATE MATERIALIZED VIEW insights_violations_by_day AS
SELECT violation.date, category.is_grave, violation.verification_status, count(*) AS violations
FROM registry_violation violation
JOIN registry_violationcategory category ON category.id = violation.category_id
GROUP BY violation.date, category.is_grave, violation.verification_status;
CREATE UNIQUE INDEX insights_violations_by_day_key
    ON insights_violations_by_day (date, is_grave, verification_status);
"""

# The views were filled by CREATE: their figures are as of now.
REFRESHED = """
INSERT INTO insights_summaryrefresh (name, refreshed_at) VALUES
    ('insights_grave_by_institution_day', now()),
    ('insights_violations_by_day', now());
"""


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("registry", "0006_history"),
    ]

    operations = [
        migrations.CreateModel(
            name="SummaryRefresh",
            fields=[
                (
                    "name",
                    models.CharField(
                        max_length=63, primary_key=True, serialize=False, verbose_name="summary"
                    ),
                ),
                ("refreshed_at", models.DateTimeField(verbose_name="refreshed at")),
            ],
            options={
                "verbose_name": "summary refresh",
                "verbose_name_plural": "summary refreshes",
            },
        ),
        migrations.CreateModel(
            name="GraveViolationsByInstitutionDay",
            fields=[
                (
                    "pk",
                    models.CompositePrimaryKey(
                        "institution",
                        "date",
                        blank=True,
                        editable=False,
                        primary_key=True,
                        serialize=False,
                    ),
                ),
                (
                    "institution",
                    models.ForeignKey(
                        db_constraint=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="registry.institution",
                    ),
                ),
                ("date", models.DateField()),
                ("violations", models.PositiveIntegerField()),
            ],
            options={
                "db_table": "insights_grave_by_institution_day",
                "managed": False,
            },
        ),
        migrations.CreateModel(
            name="ViolationsByDay",
            fields=[
                (
                    "pk",
                    models.CompositePrimaryKey(
                        "date",
                        "is_grave",
                        "verification_status",
                        blank=True,
                        editable=False,
                        primary_key=True,
                        serialize=False,
                    ),
                ),
                ("date", models.DateField()),
                ("is_grave", models.BooleanField()),
                (
                    "verification_status",
                    models.CharField(
                        choices=[
                            ("alleged", "Alleged"),
                            ("credible", "Credible"),
                            ("verified", "Verified"),
                            ("discounted", "Discounted"),
                        ],
                        max_length=10,
                    ),
                ),
                ("violations", models.PositiveIntegerField()),
            ],
            options={
                "db_table": "insights_violations_by_day",
                "managed": False,
            },
        ),
        migrations.RunSQL(
            GRAVE_BY_INSTITUTION,
            "DROP MATERIALIZED VIEW insights_grave_by_institution_day;",
        ),
        migrations.RunSQL(VIOLATIONS_BY_DAY, "DROP MATERIALIZED VIEW insights_violations_by_day;"),
        migrations.RunSQL(REFRESHED, migrations.RunSQL.noop),
    ]
