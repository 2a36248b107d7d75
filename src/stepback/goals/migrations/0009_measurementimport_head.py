"""Store each import's first rows and its date columns' orders apart from its whole table,
so the pages before the check never load the whole table.

Imports uploaded before this have none; the first page that needs them makes them once."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("goals", "0008_goal_bounds"),
    ]

    operations = [
        migrations.AddField(
            model_name="measurementimport",
            name="parsed_head",
            field=models.BinaryField(
                help_text="The table's first rows, as parsed_table stores a table.", null=True
            ),
        ),
        migrations.AddField(
            model_name="measurementimport",
            name="column_orders",
            field=models.JSONField(
                blank=True, default=dict, help_text="Each date-like column's possible date orders."
            ),
        ),
    ]
