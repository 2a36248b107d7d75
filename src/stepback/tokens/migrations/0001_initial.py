"""ApiToken moves here from ``accounts``: in Django's state only.

The table keeps its name (``accounts_apitoken``) and its rows; nothing in the
database changes but the content type, which follows the model so that admin log
entries and permissions keep pointing at it. ``accounts.0004`` then drops the
model from the accounts app's state.
"""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


def _move_content_type(apps, schema_editor, source: str, target: str) -> None:
    ContentType = apps.get_model("contenttypes", "ContentType")
    db = schema_editor.connection.alias
    types = ContentType.objects.using(db)
    if types.filter(app_label=target, model="apitoken").exists():
        # Already there (made by a post-migrate pass): the old one has nothing left to name.
        types.filter(app_label=source, model="apitoken").delete()
    else:
        types.filter(app_label=source, model="apitoken").update(app_label=target)


def content_type_to_tokens(apps, schema_editor):
    _move_content_type(apps, schema_editor, "accounts", "tokens")


def content_type_to_accounts(apps, schema_editor):
    _move_content_type(apps, schema_editor, "tokens", "accounts")


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("accounts", "0003_invitation_send_count"),
        ("contenttypes", "0002_remove_content_type_name"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="ApiToken",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("name", models.CharField(max_length=100)),
                        (
                            "scope",
                            models.CharField(
                                choices=[("read", "Read only"), ("write", "Read and write")],
                                default="read",
                                max_length=10,
                            ),
                        ),
                        ("token_hash", models.CharField(max_length=64, unique=True)),
                        (
                            "hint",
                            models.CharField(
                                help_text="The first characters, to recognise it.",
                                max_length=12,
                            ),
                        ),
                        ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
                        ("last_used_at", models.DateTimeField(blank=True, null=True)),
                        ("revoked_at", models.DateTimeField(blank=True, null=True)),
                        (
                            "user",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="api_tokens",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "organisation",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="api_tokens",
                                to="accounts.organisation",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "accounts_apitoken",
                        "ordering": ["-created_at"],
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(content_type_to_tokens, content_type_to_accounts, elidable=False),
    ]
