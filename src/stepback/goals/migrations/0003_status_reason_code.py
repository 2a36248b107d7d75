"""A goal's pace reason is stored as a code with its parameters, rendered when shown.

A sentence stored before cannot be parsed back into a code: it becomes the ``legacy``
code with the sentence as its one parameter, and shows as before until the goal's pace is
next refreshed (at the latest by the nightly task).
"""

from django.db import migrations, models


def sentences_to_codes(apps, schema_editor):
    goal = apps.get_model("goals", "Goal")
    for row in goal.objects.exclude(status_reason="").only("pk", "status_reason").iterator():
        goal.objects.filter(pk=row.pk).update(
            status_reason_code="legacy", status_reason_params={"text": row.status_reason}
        )


def codes_to_sentences(apps, schema_editor):
    from stepback.goals.pace import render_reason

    goal = apps.get_model("goals", "Goal")
    for row in goal.objects.exclude(status_reason_code="").iterator():
        text = render_reason(row.status_reason_code, row.status_reason_params)
        goal.objects.filter(pk=row.pk).update(status_reason=text[:400])


class Migration(migrations.Migration):

    dependencies = [
        ("goals", "0002_field_rules"),
    ]

    operations = [
        migrations.AddField(
            model_name="goal",
            name="status_reason_code",
            field=models.CharField(blank=True, max_length=40),
        ),
        migrations.AddField(
            model_name="goal",
            name="status_reason_params",
            field=models.JSONField(blank=True, default=dict),
        ),
        migrations.RunPython(sentences_to_codes, codes_to_sentences),
        migrations.RemoveField(model_name="goal", name="status_reason"),
    ]
