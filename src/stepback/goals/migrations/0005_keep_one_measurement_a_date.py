"""Keep one measurement a date for each goal, before the database enforces it (0006).

Where a goal has several measurements on one date, the one entered last (latest
``created_at``, then highest id) stays and the others are deleted. Each goal changed gets
one audit entry, by no one, listing what was kept and what was removed, so the values can
be found again in the activity log.
"""

from django.db import migrations
from django.db.models import Count

#: The rows an audit entry lists (as text); the count of removed rows is always complete.
MAX_LISTED = 100


def _fact(row):
    value = row.value
    return f"{row.date.isoformat()} {int(value) if value.is_integer() else value!r}"


def keep_the_latest_value_a_date(apps, schema_editor):
    Measurement = apps.get_model("goals", "Measurement")
    Goal = apps.get_model("goals", "Goal")
    AuditEntry = apps.get_model("core", "AuditEntry")
    repeated = (
        Measurement.objects.values("goal_id", "date")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
        .order_by("goal_id", "date")
    )
    by_goal: dict[int, list[object]] = {}
    for group in repeated.iterator():
        by_goal.setdefault(group["goal_id"], []).append(group["date"])
    for goal_id, dates in by_goal.items():
        goal = Goal.objects.get(pk=goal_id)
        kept, removed = [], []
        for when in dates:
            rows = list(
                Measurement.objects.filter(goal_id=goal_id, date=when).order_by(
                    "-created_at", "-id"
                )
            )
            kept.append(rows[0])
            removed.extend(rows[1:])
        Measurement.objects.filter(pk__in=[row.pk for row in removed]).delete()
        AuditEntry.objects.create(
            organisation_id=goal.organisation_id,
            actor=None,
            verb="measurements.keep_latest",
            target_type="goal",
            target_id=goal_id,
            initiative_id=goal.initiative_id,
            changes={
                "removed": ", ".join(_fact(row) for row in removed[:MAX_LISTED]),
                "removed_count": len(removed),
                "kept": ", ".join(_fact(row) for row in kept[:MAX_LISTED]),
            },
        )
        Goal.objects.filter(pk=goal_id).update(
            measurement_count=Measurement.objects.filter(goal_id=goal_id).count()
        )


class Migration(migrations.Migration):
    dependencies = [
        ("goals", "0004_measurementimport_parsed_table"),
        ("core", "0002_tag_moved_from_observations"),
    ]

    operations = [
        migrations.RunPython(keep_the_latest_value_a_date, migrations.RunPython.noop),
    ]
