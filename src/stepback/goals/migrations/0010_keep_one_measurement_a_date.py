"""Keep one measurement a date for each goal, before the database enforces it (0011).

Where a goal has several measurements on one date, the one entered last (latest
``created_at``, then highest id) stays and the others are deleted. Each goal changed gets
one audit entry, by no one, listing what was kept and what was removed, so the values can
be found again in the activity log; its month summaries and measurement count are rebuilt.
"""

from datetime import date

from django.db import migrations
from django.db.models import Count, Max, Min, Sum

from stepback.goals.models import MonthStart

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
    by_goal: dict[int, list[date]] = {}
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
        _rebuild_summaries(apps, goal_id, {when.replace(day=1) for when in dates})


def _rebuild_summaries(apps, goal_id, months):
    Measurement = apps.get_model("goals", "Measurement")
    MonthSummary = apps.get_model("goals", "MonthSummary")
    MonthSummary.objects.filter(goal_id=goal_id, month__in=months).delete()
    rows = (
        Measurement.objects.filter(goal_id=goal_id)
        .annotate(month=MonthStart("date"))
        .filter(month__in=months)
        .values("month")
        .annotate(count=Count("id"), total=Sum("value"), first=Min("date"), last=Max("date"))
        .order_by()
    )
    MonthSummary.objects.bulk_create(
        MonthSummary(
            goal_id=goal_id,
            month=row["month"],
            count=row["count"],
            total=row["total"],
            first_date=row["first"],
            last_date=row["last"],
        )
        for row in rows
    )


class Migration(migrations.Migration):
    dependencies = [
        ("goals", "0009_measurementimport_head"),
        ("core", "0002_tag_moved_from_observations"),
    ]

    operations = [
        migrations.RunPython(keep_the_latest_value_a_date, migrations.RunPython.noop),
    ]
