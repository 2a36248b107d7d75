"""What the pages show of the balance and the spread of the work: the judgements of an
initiative and its groups, and their charts, from the selectors' facts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.utils.translation import gettext as _

from stepback.accounts.models import Organisation, User
from stepback.initiatives.models import Initiative
from stepback.lib.ownershipcharts import balance_chart_spec, spread_chart_spec
from stepback.ownership import balance, selectors
from stepback.ownership.models import Barrier, Group, LearningSprint
from stepback.ownership.signals import SIGNAL_LABELS, SIGNAL_STYLES, reason_text

#: The "now" of a signal: the last four weeks.
RECENT_DAYS = 28


@dataclass(frozen=True)
class Shown:
    """A judgement as a page shows it."""

    signal: str
    label: str
    style: str
    reasons: list[str]
    figures: balance.Figures


def shown(judgement: balance.Judgement) -> Shown:
    return Shown(
        signal=judgement.signal.value,
        label=str(SIGNAL_LABELS[judgement.signal]),
        style=SIGNAL_STYLES[judgement.signal],
        reasons=[reason_text(reason) for reason in judgement.reasons],
        figures=judgement.figures,
    )


def recent(today: date) -> balance.Period:
    return balance.Period(today - timedelta(days=RECENT_DAYS - 1), today)


def judged(
    history: balance.History, period: balance.Period, today: date, thresholds: balance.Thresholds
) -> Shown:
    return shown(balance.assess(history, period, today, thresholds))


def signal_labels() -> dict[str, str]:
    return {str(signal): str(label) for signal, label in SIGNAL_LABELS.items()}


def balance_chart(
    history: balance.History, since: date, today: date, thresholds: balance.Thresholds
) -> dict[str, Any]:
    rows = [
        (
            period.start.isoformat(),
            judgement.figures.others_work_share,
            judgement.figures.attendance,
            judgement.signal.value,
        )
        for period, judgement in balance.over_time(
            history, balance.months(since, today), today, thresholds
        )
    ]
    return balance_chart_spec(
        rows,
        others_label=_("Work done by others"),
        attendance_label=_("Leader's check-in attendance"),
        signal_title=_("Signal"),
        signal_labels=signal_labels(),
        description=_(
            "The balance each month since the first hand-off: the share of the work done by "
            "others than the leader, the leader's check-in attendance, and the signal."
        ),
    )


@dataclass(frozen=True)
class InitiativeBalance:
    now: Shown | None
    chart: dict[str, Any] | None
    by_group: dict[int, Shown]
    since: date | None


def initiative_balance(
    initiative: Initiative, today: date, groups: list[Group] | None = None
) -> InitiativeBalance:
    """The initiative's balance over its handed-off groups, now and month by month."""
    histories = selectors.histories(initiative, groups)
    if not histories:
        return InitiativeBalance(None, None, {}, None)
    thresholds = selectors.thresholds_for(initiative.organisation)
    since = min(h.since for h in histories)
    combined = selectors.combined(histories)
    period = recent(today)
    return InitiativeBalance(
        now=judged(combined, period, today, thresholds),
        chart=balance_chart(combined, since, today, thresholds),
        by_group={h.group.pk: judged(h.history, period, today, thresholds) for h in histories},
        since=since,
    )


@dataclass(frozen=True)
class SprintBalance:
    sprint: LearningSprint
    judgement: Shown


def group_balance(group: Group, today: date) -> tuple[Shown | None, list[SprintBalance]]:
    """The group's balance over the last four weeks, and sprint by sprint since its hand-off."""
    found = selectors.histories(group.initiative, [group])
    if not found:
        return None, []
    thresholds = selectors.thresholds_for(group.organisation)
    history = found[0].history
    sprints = [
        SprintBalance(
            sprint,
            judged(history, balance.Period(sprint.starts_on, sprint.ends_on), today, thresholds),
        )
        for sprint in group.sprints.all()
        if sprint.starts_on
        and sprint.ends_on
        and sprint.ends_on >= found[0].since
        and sprint.starts_on <= today
    ]
    return judged(history, recent(today), today, thresholds), sprints


def spread_chart(initiative: Initiative, today: date) -> dict[str, Any] | None:
    months = selectors.spread(initiative, today)
    if not months:
        return None
    return spread_chart_spec(
        [(row.month, row.groups, row.people) for row in months],
        groups_label=_("Groups"),
        people_label=_("People involved"),
        description=_(
            "How the work spread from the prototype groups: the number of groups and of "
            "people involved each month."
        ),
    )


#: The dashboard judges at most this many initiatives (those with handed-off groups, by
#: title), so its query count stays fixed.
DASHBOARD_INITIATIVES = 10
DASHBOARD_BARRIERS = 10


@dataclass(frozen=True)
class DashboardPanel:
    initiatives: list[tuple[Initiative, Shown]]
    overdue: list[tuple[Barrier, int]]


def dashboard_panel(
    organisation: Organisation, user: User, *, only_theirs: bool, today: date
) -> DashboardPanel:
    """Each active initiative's balance now, and the overdue barriers: a leader's own
    (their initiatives' and those given to them), or all when ``only_theirs`` is false."""
    thresholds = selectors.thresholds_for(organisation)
    initiatives = (
        Initiative.objects.for_org(organisation)
        .active()
        .filter(groups__handed_off_on__isnull=False)
        .distinct()
        .order_by("title", "pk")[:DASHBOARD_INITIATIVES]
    )
    judged_now = []
    for initiative in initiatives:
        histories = selectors.histories(initiative)
        if histories:
            combined = selectors.combined(histories)
            judged_now.append((initiative, judged(combined, recent(today), today, thresholds)))
    barriers = selectors.open_barriers(organisation, leader=user if only_theirs else None).filter(
        raised_on__lt=today - timedelta(days=thresholds.overdue_days)
    )[:DASHBOARD_BARRIERS]
    return DashboardPanel(judged_now, [(b, b.age_days(today)) for b in barriers])
