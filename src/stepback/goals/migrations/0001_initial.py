"""Goals, milestones, measurements and imports, moved from ``initiatives`` in state only:
the tables (``initiatives_goal``, …) and their rows stay where they are."""
import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


MOVED_MODELS = ['goal', 'milestone', 'measurement', 'measurementimport']


def move_content_types(apps, schema_editor):
    """Give the moved models' content types to this app, so permissions and admin history
    stay attached to them (a new database has none yet: nothing to do)."""
    content_type = apps.get_model("contenttypes", "ContentType")
    content_type.objects.filter(app_label="initiatives", model__in=MOVED_MODELS).update(
        app_label="goals"
    )


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('contenttypes', '0002_remove_content_type_name'),
        ('accounts', '0003_invitation_send_count'),
        ('initiatives', '0003_move_goals_and_observations_out'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='Goal',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('name', models.CharField(max_length=200)),
                        ('description', models.TextField(blank=True)),
                        ('unit', models.CharField(blank=True, help_text='For example "%" or "teachers".', max_length=30)),
                        ('higher_is_better', models.BooleanField(default=True)),
                        ('baseline_value', models.FloatField(blank=True, null=True)),
                        ('baseline_date', models.DateField(blank=True, null=True)),
                        ('target_value', models.FloatField()),
                        ('target_date', models.DateField()),
                        ('on_pace_tolerance', models.FloatField(default=0.05, help_text='Share of the planned change a goal may be behind and still be on pace.')),
                        ('at_risk_tolerance', models.FloatField(default=0.15, help_text='Behind by more than the on-pace share but no more than this: at risk.')),
                        ('created_at', models.DateTimeField(default=django.utils.timezone.now)),
                        ('status', models.CharField(choices=[('on_pace', 'On pace'), ('at_risk', 'At risk'), ('off_track', 'Off track'), ('not_enough_data', 'Not enough data'), ('achieved', 'Achieved')], default='not_enough_data', max_length=20)),
                        ('status_reason', models.CharField(blank=True, max_length=400)),
                        ('latest_value', models.FloatField(blank=True, null=True)),
                        ('latest_date', models.DateField(blank=True, null=True)),
                        ('measurement_count', models.PositiveIntegerField(default=0)),
                        ('status_as_of', models.DateField(blank=True, null=True)),
                        ('initiative', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='goals', to='initiatives.initiative')),
                        ('organisation', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='goals', to='accounts.organisation')),
                    ],
                    options={
                        'db_table': 'initiatives_goal',
                        'ordering': ['initiative', 'name'],
                    },
                ),
                migrations.CreateModel(
                    name='Measurement',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('date', models.DateField()),
                        ('value', models.FloatField()),
                        ('note', models.CharField(blank=True, max_length=500)),
                        ('source', models.CharField(blank=True, max_length=200)),
                        ('idempotency_key', models.CharField(blank=True, max_length=100, null=True)),
                        ('created_at', models.DateTimeField(default=django.utils.timezone.now)),
                        ('created_by', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('goal', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='measurements', to='goals.goal')),
                        ('organisation', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='accounts.organisation')),
                    ],
                    options={
                        'db_table': 'initiatives_measurement',
                        'ordering': ['date', 'id'],
                    },
                ),
                migrations.CreateModel(
                    name='MeasurementImport',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('filename', models.CharField(max_length=255)),
                        ('content', models.BinaryField()),
                        ('state', models.CharField(choices=[('uploaded', 'Uploaded'), ('validating', 'Checking rows'), ('ready', 'Ready to import'), ('invalid', 'Has problems'), ('committing', 'Importing'), ('done', 'Imported'), ('failed', 'Failed')], default='uploaded', max_length=20)),
                        ('mapping', models.JSONField(blank=True, default=dict)),
                        ('date_order', models.CharField(blank=True, max_length=20)),
                        ('row_count', models.PositiveIntegerField(default=0)),
                        ('progress', models.PositiveIntegerField(default=0, help_text='Rows processed so far.')),
                        ('progress_at', models.DateTimeField(blank=True, help_text='When checking or committing last reported progress.', null=True)),
                        ('problems', models.JSONField(blank=True, default=list)),
                        ('imported_count', models.PositiveIntegerField(default=0)),
                        ('error', models.CharField(blank=True, max_length=500)),
                        ('created_at', models.DateTimeField(default=django.utils.timezone.now)),
                        ('created_by', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('goal', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='imports', to='goals.goal')),
                        ('organisation', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='accounts.organisation')),
                    ],
                    options={
                        'db_table': 'initiatives_measurementimport',
                        'ordering': ['-created_at'],
                    },
                ),
                migrations.CreateModel(
                    name='Milestone',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('date', models.DateField()),
                        ('value', models.FloatField()),
                        ('label', models.CharField(blank=True, max_length=100)),
                        ('goal', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='milestones', to='goals.goal')),
                    ],
                    options={
                        'db_table': 'initiatives_milestone',
                        'ordering': ['date'],
                    },
                ),
                migrations.AddIndex(
                    model_name='goal',
                    index=models.Index(fields=['organisation', 'status'], name='initiatives_organis_2ab3e6_idx'),
                ),
                migrations.AddConstraint(
                    model_name='goal',
                    constraint=models.CheckConstraint(condition=models.Q(('on_pace_tolerance__gte', 0), ('at_risk_tolerance__gte', models.F('on_pace_tolerance'))), name='goal_tolerances_ordered'),
                ),
                migrations.AddIndex(
                    model_name='measurement',
                    index=models.Index(fields=['goal', 'date'], name='initiatives_goal_id_25df3d_idx'),
                ),
                migrations.AddConstraint(
                    model_name='measurement',
                    constraint=models.UniqueConstraint(fields=('goal', 'idempotency_key'), name='one_measurement_per_idempotency_key'),
                ),
                migrations.AddConstraint(
                    model_name='milestone',
                    constraint=models.UniqueConstraint(fields=('goal', 'date'), name='one_milestone_per_goal_date'),
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(move_content_types, migrations.RunPython.noop),
    ]
