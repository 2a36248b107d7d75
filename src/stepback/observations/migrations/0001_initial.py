"""Observations and tags, moved from ``initiatives`` in state only: the tables stay."""
import datetime
import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


MOVED_MODELS = ['observation', 'tag']


def move_content_types(apps, schema_editor):
    """Give the moved models' content types to this app, so permissions and admin history
    stay attached to them (a new database has none yet: nothing to do)."""
    content_type = apps.get_model("contenttypes", "ContentType")
    content_type.objects.filter(app_label="initiatives", model__in=MOVED_MODELS).update(
        app_label="observations"
    )


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('contenttypes', '0002_remove_content_type_name'),
        ('accounts', '0003_invitation_send_count'),
        ('goals', '0001_initial'),
        ('initiatives', '0003_move_goals_and_observations_out'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
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
                    },
                ),
                migrations.CreateModel(
                    name='Observation',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('date', models.DateField(default=datetime.date.today)),
                        ('kind', models.CharField(choices=[('visit', 'Classroom or site visit'), ('interview', 'Interview'), ('meeting', 'Meeting note'), ('other', 'Other')], default='other', max_length=20)),
                        ('title', models.CharField(max_length=200)),
                        ('body', models.TextField(blank=True)),
                        ('created_at', models.DateTimeField(default=django.utils.timezone.now)),
                        ('author', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('goals', models.ManyToManyField(blank=True, related_name='observations', to='goals.goal')),
                        ('initiative', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='observations', to='initiatives.initiative')),
                        ('organisation', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='observations', to='accounts.organisation')),
                        ('tags', models.ManyToManyField(blank=True, related_name='observations', to='observations.tag')),
                    ],
                    options={
                        'db_table': 'initiatives_observation',
                        'ordering': ['-date', '-id'],
                    },
                ),
                migrations.AddConstraint(
                    model_name='tag',
                    constraint=models.UniqueConstraint(fields=('organisation', 'name'), name='tag_unique'),
                ),
                migrations.AddIndex(
                    model_name='observation',
                    index=models.Index(fields=['initiative', 'date'], name='initiatives_initiat_316b4b_idx'),
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(move_content_types, migrations.RunPython.noop),
    ]
