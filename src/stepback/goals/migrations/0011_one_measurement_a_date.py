"""One measurement a goal and date, enforced by the database (0010 removed repeats).

The unique index also serves every read of a goal's measurements by date, so the plain
index on the same columns goes."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("goals", "0010_keep_one_measurement_a_date"),
    ]

    operations = [
        migrations.AddConstraint(
            model_name="measurement",
            constraint=models.UniqueConstraint(
                fields=("goal", "date"), name="one_measurement_per_goal_date"
            ),
        ),
        migrations.RemoveIndex(
            model_name="measurement",
            name="initiatives_goal_id_25df3d_idx",
        ),
    ]
