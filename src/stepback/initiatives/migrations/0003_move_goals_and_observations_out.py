"""Goals, measurements, imports, observations and tags move to their own apps, in state
only: their tables keep their names and their rows (see goals 0001, observations 0001)."""
from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('initiatives', '0002_measurementimport_progress_at'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveField(
                    model_name='measurementimport',
                    name='goal',
                ),
                migrations.RemoveField(
                    model_name='observation',
                    name='goals',
                ),
                migrations.RemoveField(
                    model_name='measurement',
                    name='goal',
                ),
                migrations.RemoveField(
                    model_name='milestone',
                    name='goal',
                ),
                migrations.RemoveField(
                    model_name='measurement',
                    name='created_by',
                ),
                migrations.RemoveField(
                    model_name='measurement',
                    name='organisation',
                ),
                migrations.RemoveField(
                    model_name='measurementimport',
                    name='created_by',
                ),
                migrations.RemoveField(
                    model_name='measurementimport',
                    name='organisation',
                ),
                migrations.RemoveField(
                    model_name='observation',
                    name='author',
                ),
                migrations.RemoveField(
                    model_name='observation',
                    name='initiative',
                ),
                migrations.RemoveField(
                    model_name='observation',
                    name='organisation',
                ),
                migrations.RemoveField(
                    model_name='observation',
                    name='tags',
                ),
                migrations.RemoveField(
                    model_name='tag',
                    name='organisation',
                ),
                migrations.DeleteModel(
                    name='Goal',
                ),
                migrations.DeleteModel(
                    name='Milestone',
                ),
                migrations.DeleteModel(
                    name='Measurement',
                ),
                migrations.DeleteModel(
                    name='MeasurementImport',
                ),
                migrations.DeleteModel(
                    name='Observation',
                ),
                migrations.DeleteModel(
                    name='Tag',
                ),
            ],
            database_operations=[],
        ),
    ]
