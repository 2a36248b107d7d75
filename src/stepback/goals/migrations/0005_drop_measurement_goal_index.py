"""Drop the measurements' single-column goal index: the (goal, date) index serves every read
by goal (PostgreSQL's planner even preferred the narrower one, then sorted by date)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("goals", "0004_measurementimport_parsed_table"),
    ]

    operations = [
        migrations.AlterField(
            model_name="measurement",
            name="goal",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="measurements",
                to="goals.goal",
            ),
        ),
    ]
