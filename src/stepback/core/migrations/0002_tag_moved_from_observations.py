"""The organisation's tags move here from ``observations`` in state only: the table
``initiatives_tag`` and its rows stay where they are."""

import django.db.models.deletion
from django.db import migrations, models



def move_content_type(apps, schema_editor):
    """The tag's content type follows it, so its permissions stay attached."""
    content_type = apps.get_model("contenttypes", "ContentType")
    content_type.objects.filter(app_label="observations", model="tag").update(app_label="core")


class Migration(migrations.Migration):

    dependencies = [
        ('contenttypes', '0002_remove_content_type_name'),
        ('accounts', '0004_apitoken_moved_to_tokens'),
        ('core', '0001_initial'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='Tag',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('name', models.CharField(max_length=50)),
                        ('organisation', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='accounts.organisation')),
                    ],
                    options={
                        'db_table': 'initiatives_tag',
                        'ordering': ['name'],
                        'constraints': [models.UniqueConstraint(fields=('organisation', 'name'), name='tag_unique')],
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(move_content_type, migrations.RunPython.noop),
    ]
