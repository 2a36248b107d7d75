"""Store each import's table as read at upload, so later steps never read the file again.

Imports uploaded before this have none (null); the first step that needs their table
reads the file once and stores it."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("goals", "0003_status_reason_code"),
    ]

    operations = [
        migrations.AddField(
            model_name="measurementimport",
            name="parsed_table",
            field=models.BinaryField(
                help_text="The uploaded file as read: compressed JSON of its table.", null=True
            ),
        ),
    ]
