"""Per-month summaries of each goal's measurements, built here for the data already stored;
the write services keep them up to date from now on."""

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import Count, Max, Min, Sum

from stepback.goals.models import MonthStart


def build(apps, schema_editor):
    measurements = apps.get_model("goals", "Measurement")
    summaries = apps.get_model("goals", "MonthSummary")
    rows = (
        measurements.objects.annotate(month=MonthStart("date"))
        .values("goal_id", "month")
        .annotate(count=Count("id"), total=Sum("value"), first=Min("date"), last=Max("date"))
        .order_by()
    )
    summaries.objects.bulk_create(
        (
            summaries(
                goal_id=row["goal_id"],
                month=row["month"],
                count=row["count"],
                total=row["total"],
                first_date=row["first"],
                last_date=row["last"],
            )
            for row in rows.iterator()
        ),
        batch_size=2000,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("goals", "0005_drop_measurement_goal_index"),
    ]

    operations = [
        migrations.CreateModel(
            name="MonthSummary",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("month", models.DateField(help_text="The first day of the month.")),
                ("count", models.PositiveIntegerField()),
                ("total", models.FloatField(help_text="The sum of the month's values.")),
                ("first_date", models.DateField()),
                ("last_date", models.DateField()),
                (
                    "goal",
                    models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="month_summaries",
                        to="goals.goal",
                    ),
                ),
            ],
            options={
                "db_table": "goals_monthsummary",
                "ordering": ["goal", "month"],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("goal", "month"), name="one_summary_per_goal_month"
                    )
                ],
            },
        ),
        migrations.RunPython(build, migrations.RunPython.noop),
    ]
