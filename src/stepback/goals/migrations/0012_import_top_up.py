"""An import counts the rows its goal already has (skipped) and lists the dates that have
another value, which the person may replace; imports checked before this count none."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("goals", "0011_one_measurement_a_date"),
    ]

    operations = [
        migrations.AddField(
            model_name="measurementimport",
            name="changes",
            field=models.JSONField(blank=True, default=list),
        ),
        migrations.AddField(
            model_name="measurementimport",
            name="new_count",
            field=models.PositiveIntegerField(default=0),
        ),
        migrations.AddField(
            model_name="measurementimport",
            name="replace_rows",
            field=models.JSONField(blank=True, default=list),
        ),
        migrations.AddField(
            model_name="measurementimport",
            name="replaced_count",
            field=models.PositiveIntegerField(default=0),
        ),
        migrations.AddField(
            model_name="measurementimport",
            name="stored_count",
            field=models.PositiveIntegerField(default=0),
        ),
    ]
