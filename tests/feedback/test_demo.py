"""The demo's feedback: two channels with a few hundred items, some answered and published,
and pulse rounds whose first question feeds a goal, once a closed round."""

from __future__ import annotations

from stepback.demo import demo_load
from stepback.demo.feedback import DATA
from stepback.feedback.models import Channel, FeedbackItem, Round
from stepback.goals.models import Goal


def test_the_demo_has_channels_items_answers_and_rounds_feeding_a_goal(db: None) -> None:
    demo_load()
    assert Channel.objects.count() == 2
    items = FeedbackItem.objects.all()
    assert items.count() == sum(channel["count"] for channel in DATA["channels"])
    assert items.exclude(answer="").count() > 50
    assert items.filter(published=True).count() > 10
    assert items.filter(anonymous=False).exclude(name="").exists()
    closed = Round.objects.filter(closed=True, fed_goals=True)
    assert closed.count() == 3 and Round.objects.filter(closed=False).count() == 1
    goal = Goal.objects.get(name=DATA["survey"]["goal"])
    assert goal.measurements.count() == 3
    demo_load()
    assert FeedbackItem.objects.count() == items.count()
    assert goal.measurements.count() == 3
