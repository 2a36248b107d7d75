"""Tags move to ``core`` in state only; observations' tags point at ``core.Tag``, through
the same table as before."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('core', '0002_tag_moved_from_observations'),
        ('observations', '0002_field_rules'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name='observation',
                    name='tags',
                    field=models.ManyToManyField(blank=True, related_name='observations', to='core.tag'),
                ),
                migrations.DeleteModel(
                    name='Tag',
                ),
            ],
            database_operations=[],
        ),
    ]
