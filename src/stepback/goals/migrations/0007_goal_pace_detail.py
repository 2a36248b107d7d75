"""Store the rest of the judgement the goal page shows (expected value, projection, the
baseline used), so the page reads it instead of judging again. Goals judged before this
have none until their next refresh, which the goal page makes on its first visit."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("goals", "0006_month_summaries"),
    ]

    operations = [
        migrations.AddField(
            model_name="goal",
            name="pace_detail",
            field=models.JSONField(blank=True, default=dict),
        ),
    ]
