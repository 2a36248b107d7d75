"""Unit tests for the pure pace module (no Django needed)."""

from __future__ import annotations

import csv
import json
import math
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from stepback.goals.pace import (
    STALE_AFTER_DAYS,
    GoalSpec,
    Point,
    Reason,
    ReasonCode,
    Status,
    assess,
    expected_value,
    planned_path,
    render_reason,
    usable_points,
)
from stepback.goals.reasons import FALLBACK
from stepback.lib.formats import trim_number

# Reading score, 50% -> 75% from January 2024 to January 2027: 25 points planned.
READING = GoalSpec(
    higher_is_better=True,
    target_value=75,
    target_date=date(2027, 1, 1),
    baseline_value=50,
    baseline_date=date(2024, 1, 1),
    unit="%",
)
QUARTERS = [
    date(2024, 4, 1),
    date(2024, 7, 1),
    date(2024, 10, 1),
    date(2025, 1, 1),
    date(2025, 4, 1),
    date(2025, 7, 1),
    date(2025, 10, 1),
]


def series(dates: list[date], values: list[float]) -> list[Point]:
    return [Point(d, v) for d, v in zip(dates, values, strict=True)]


def test_it_labels_every_status() -> None:
    assert [s.label for s in Status] == [
        "On pace",
        "At risk",
        "Off track",
        "Not enough data",
        "Achieved",
    ]
    assert Status("on_pace") is Status.ON_PACE


def test_it_draws_the_planned_path_flat_outside_baseline_and_target() -> None:
    base = Point(date(2024, 1, 1), 50)
    assert expected_value(READING, date(2023, 6, 1), base) == 50
    assert expected_value(READING, date(2024, 1, 1), base) == 50
    assert expected_value(READING, date(2025, 7, 2), base) == pytest.approx(62.5, abs=0.05)
    assert expected_value(READING, date(2027, 1, 1), base) == 75
    assert expected_value(READING, date(2030, 1, 1), base) == 75


def test_it_judges_by_where_the_forecast_lands() -> None:
    as_of = date(2025, 10, 15)
    base = Point(date(2024, 1, 1), 50)
    # Quarterly with a little scatter: along the path, half its pace, and flat.
    wobble = [0.3, -0.2, 0.25, -0.3, 0.2, -0.25, 0.3]
    on_path = [expected_value(READING, d, base) + e for d, e in zip(QUARTERS, wobble, strict=True)]
    half = [50 + (v - 50) / 2 for v in on_path]
    flat = [50 + e for e in wobble]
    on = assess(READING, series(QUARTERS, on_path), as_of)
    slow = assess(READING, series(QUARTERS, half), as_of)
    stuck = assess(READING, series(QUARTERS, flat), as_of)
    assert on.status is Status.ON_PACE
    assert slow.status in (Status.AT_RISK, Status.OFF_TRACK)
    assert stuck.status is Status.OFF_TRACK
    for result in (on, slow, stuck):
        p = result.projection
        assert p is not None and p.low <= p.value <= p.high
    assert stuck.projection is not None and stuck.projection.high < 75  # even the hopeful end


def test_it_says_at_risk_when_the_band_straddles_the_target() -> None:
    base = Point(date(2024, 1, 1), 50)
    noise = [4.0, -5.0, 6.0, -4.0, 5.0, -6.0, -1.0]
    noisy = [expected_value(READING, d, base) - 2 + e for d, e in zip(QUARTERS, noise, strict=True)]
    result = assess(READING, series(QUARTERS, noisy), as_of=date(2025, 10, 15))
    p = result.projection
    assert p is not None and p.value < 75 < p.high
    assert result.status is Status.AT_RISK


def test_the_shape_of_the_plan_moves_the_expected_value_but_not_the_status() -> None:
    # A late start: flat for a year, then rising fast. Behind the straight plan, ahead of a
    # plan that starts slowly too (a milestone); the forecast, and so the status, is the same.
    goal = replace(READING, unit="points")
    late = series(QUARTERS, [50, 50, 50.5, 51, 53, 56, 60])
    straight = assess(goal, late, as_of=date(2025, 10, 15))
    back_loaded = replace(goal, milestones=(Point(date(2025, 10, 1), 57),))
    ahead = assess(back_loaded, late, as_of=date(2025, 10, 15))
    assert straight.shortfall is not None and straight.shortfall > goal.on_pace_tolerance
    assert ahead.shortfall is not None and ahead.shortfall < 0
    assert ahead.projection == straight.projection
    assert ahead.status is straight.status
    assert "behind the" in straight.reason.text and "ahead of the" in ahead.reason.text


def test_it_writes_a_reason_that_states_the_forecast_and_why() -> None:
    goal = GoalSpec(True, 75, date(2027, 6, 30), 50, date(2024, 6, 30), unit="%")
    measurements = [
        Point(date(2024, 12, 31), 53),
        Point(date(2025, 6, 30), 56),
        Point(date(2025, 12, 31), 56),
    ]
    result = assess(goal, measurements, as_of=date(2025, 12, 31))
    p = result.projection
    assert p is not None and result.status is not Status.ON_PACE
    text = result.reason.text
    assert text.startswith("At the pace of the last ")
    assert f"by June 2027 (likely {trim_number(p.low, 1)}% to {trim_number(p.high, 1)}%)" in text
    assert "short of 75%" in text
    assert text.endswith("Latest 56% is 6.5 points behind the 62.5% expected by now.")


def test_it_never_says_on_pace_and_short_of_the_target_in_one_breath() -> None:
    referrals = GoalSpec(True, 20, date(2026, 12, 31), 0, date(2025, 12, 31), unit="referrals")
    dates = [date(2026, m, 1) for m in range(2, 8)]
    for per_month in (1.0, 1.6, 1.7, 2.0, 3.0):
        points = [Point(d, per_month * (i + 1)) for i, d in enumerate(dates)]
        result = assess(referrals, points, as_of=date(2026, 7, 1))
        short = "short of 20 referrals" in result.reason.text
        assert short == (result.status is not Status.ON_PACE), result.reason.text


def test_it_forecasts_a_proportional_decline_on_the_ratio_scale() -> None:
    # Mortality falling by 8% a year: a straight line would dive towards zero and below.
    goal = GoalSpec(False, 20, date(2030, 1, 1), 90, date(2010, 1, 1), unit="deaths per 1,000")
    points = [Point(date(2010 + i, 1, 1), 90 * 0.92**i) for i in range(1, 11)]
    result = assess(goal, points, as_of=date(2020, 1, 15))
    p = result.projection
    assert p is not None and p.scale == "ratio"
    assert p.value == pytest.approx(90 * 0.92**20, rel=1e-3)
    assert 0 < p.low <= p.value <= p.high
    assert result.status is Status.ON_PACE
    assert "changing by the same percentage each year" in result.reason.text


def test_it_keeps_a_percentage_and_its_band_within_the_bounds() -> None:
    near_full = series(QUARTERS, [80, 86, 90, 93, 95, 96.5, 97.5])
    result = assess(READING, near_full, as_of=date(2025, 10, 15))
    p = result.projection
    assert p is not None and 0 <= p.low <= p.value <= p.high <= 100
    declared = replace(READING, unit="pupils", lower_bound=0, upper_bound=100)
    q = assess(declared, near_full, as_of=date(2025, 10, 15)).projection
    assert q is not None and q.high <= 100
    # A "%" series past 100 is not a share: no default bounds then.
    growth = replace(READING, target_value=300)
    assert GoalSpec.bounds(growth, [120.0]) == (None, None)


@pytest.mark.parametrize("extreme", [1.7e308, 1e15, 5e-324])
def test_it_never_fails_on_extreme_finite_values(extreme: float) -> None:
    goal = GoalSpec(True, extreme, date(2026, 1, 1), -extreme, date(2024, 1, 1), unit="%")
    points = [
        Point(date(2024, 6, 1), extreme),
        Point(date(2024, 6, 1), -extreme),
        Point(date(2024, 9, 1), -extreme),
        Point(date(2025, 1, 1), extreme),
        Point(date(2025, 3, 1), extreme / 3),
    ]
    result = assess(goal, points, as_of=date(2025, 6, 1))
    p = result.projection
    assert p is not None and all(math.isfinite(v) for v in (p.value, p.low, p.high))
    assert json.dumps(result.reason.params, allow_nan=False)
    assert result.reason.text != FALLBACK


def test_it_gives_a_wide_band_with_only_two_points() -> None:
    result = assess(READING, [Point(date(2025, 1, 1), 58)], as_of=date(2025, 1, 1))
    p = result.projection
    assert p is not None
    # From "progress stops at 58" to "progress doubles".
    assert p.low == pytest.approx(58, rel=0.01)
    assert p.high - p.value == pytest.approx(p.value - p.low, rel=0.2)


def test_it_uses_the_first_measurement_as_baseline_when_the_goal_has_none() -> None:
    goal = GoalSpec(higher_is_better=True, target_value=40, target_date=date(2026, 1, 1))
    measurements = [Point(date(2025, 1, 1), 20), Point(date(2025, 7, 2), 30)]
    result = assess(goal, measurements, as_of=date(2025, 7, 2))
    assert result.baseline == Point(date(2025, 1, 1), 20)
    assert result.expected == pytest.approx(30, abs=0.1)
    assert result.status is Status.ON_PACE


def test_it_says_not_enough_data_for_a_single_measurement() -> None:
    goal = GoalSpec(higher_is_better=True, target_value=40, target_date=date(2026, 1, 1))
    result = assess(goal, [Point(date(2025, 1, 1), 45)], as_of=date(2025, 2, 1))
    assert result.status is Status.NOT_ENOUGH_DATA
    assert result.reason.text == "Only one measurement so far; add another to judge pace."
    assert result.expected is None and result.projection is None
    assert result.latest == Point(date(2025, 1, 1), 45)


def test_it_says_not_enough_data_with_only_a_baseline_or_nothing() -> None:
    only_baseline = assess(READING, [], as_of=date(2025, 1, 1))
    assert only_baseline.status is Status.NOT_ENOUGH_DATA
    assert only_baseline.reason.text == "Only the baseline so far; add a measurement to judge pace."
    # A measurement on the baseline date is the baseline itself, not a second point.
    same_day = assess(READING, [Point(date(2024, 1, 1), 50)], as_of=date(2025, 1, 1))
    assert same_day.status is Status.NOT_ENOUGH_DATA
    assert "do not count" in same_day.reason.text
    nothing = assess(
        GoalSpec(higher_is_better=True, target_value=1, target_date=date(2026, 1, 1)),
        [],
        as_of=date(2025, 1, 1),
    )
    assert nothing.status is Status.NOT_ENOUGH_DATA
    assert nothing.reason.text.startswith("No measurements yet")
    before_baseline = assess(READING, [Point(date(2024, 6, 1), 55)], as_of=date(2023, 6, 1))
    assert before_baseline.status is Status.NOT_ENOUGH_DATA
    assert "January 2024" in before_baseline.reason.text


def test_it_ignores_measurements_after_as_of() -> None:
    measurements = [Point(date(2025, 1, 1), 58), Point(date(2025, 6, 1), 20)]
    result = assess(READING, measurements, as_of=date(2025, 3, 1))
    assert result.latest == Point(date(2025, 1, 1), 58)
    assert result.status is Status.ON_PACE


def test_it_averages_duplicate_dates_and_accepts_any_order() -> None:
    d1, d2 = date(2024, 7, 1), date(2025, 1, 1)
    shuffled = [Point(d2, 57), Point(d1, 54), Point(d2, 59), Point(d1, 55)]
    assert usable_points(shuffled, as_of=d2) == [Point(d1, 54.5), Point(d2, 58)]
    tidy = [Point(d1, 54.5), Point(d2, 58)]
    assert assess(READING, shuffled, d2) == assess(READING, tidy, d2)
    assert assess(READING, shuffled, d2) == assess(READING, list(reversed(shuffled)), d2)


def test_it_follows_milestones() -> None:
    # A slow start, then a fast finish: 50 -> 52 by January 2025 -> 75 by January 2027.
    goal = GoalSpec(
        higher_is_better=True,
        target_value=75,
        target_date=date(2027, 1, 1),
        baseline_value=50,
        baseline_date=date(2024, 1, 1),
        milestones=(Point(date(2025, 1, 1), 52),),
        unit="%",
    )
    base = Point(date(2024, 1, 1), 50)
    assert planned_path(goal, base) == (
        base,
        Point(date(2025, 1, 1), 52),
        Point(date(2027, 1, 1), 75),
    )
    assert expected_value(goal, date(2026, 1, 1), base) == pytest.approx(63.5, abs=0.05)
    # The plan gives "expected by now"; the status comes from the forecast either way.
    measurements = [Point(date(2024, 7, 1), 51), Point(date(2025, 1, 1), 52)]
    slow_plan = assess(goal, measurements, date(2025, 1, 1))
    straight_plan = assess(READING, measurements, date(2025, 1, 1))
    assert slow_plan.expected == 52 and "matches the 52% expected" in slow_plan.reason.text
    assert straight_plan.expected == pytest.approx(58.3, abs=0.05)
    assert slow_plan.status is straight_plan.status is Status.OFF_TRACK


def test_it_judges_a_past_target_date_by_the_latest_value_without_projection() -> None:
    late = [Point(date(2025, 1, 1), 60), Point(date(2027, 3, 1), 70)]
    result = assess(READING, late, as_of=date(2027, 4, 1))
    assert result.projection is None
    assert result.expected == 75
    assert result.status is Status.OFF_TRACK
    assert result.reason.text == (
        "The target date (January 2027) has passed and the latest 70% (March 2027) "
        "is 5 points short of 75%."
    )
    near = assess(READING, [Point(date(2027, 3, 1), 73)], as_of=date(2027, 4, 1))
    assert near.status is Status.AT_RISK  # 2 of the planned 25 points: within 15%
    met = assess(READING, [Point(date(2027, 3, 1), 76)], as_of=date(2027, 4, 1))
    assert met.status is Status.ACHIEVED


def test_it_projects_to_a_passed_target_date_when_no_measurement_came_after_it() -> None:
    measurements = [Point(date(2025, 1, 1), 58), Point(date(2026, 1, 1), 66)]
    result = assess(READING, measurements, as_of=date(2027, 6, 1))
    assert result.projection is not None and result.projection.when == date(2027, 1, 1)
    assert "it would have reached" in result.reason.text
    assert result.stale and "months old" in result.reason.text


def test_it_flags_stale_data_without_changing_the_status() -> None:
    measurements = [Point(date(2025, 1, 1), 58.3)]
    fresh = assess(READING, measurements, as_of=date(2025, 1, 1))
    old = assess(READING, measurements, as_of=date(2025, 1, 1).replace(month=9))
    assert not fresh.stale and old.stale
    assert (date(2025, 9, 1) - date(2025, 1, 1)).days > STALE_AFTER_DAYS
    assert fresh.status is old.status
    assert old.reason.text.endswith("The latest measurement is over 8 months old; add a newer one.")
    assert "expected by January 2025" in old.reason.text


def test_it_handles_zero_planned_change() -> None:
    # "Keep attendance at 90%": the planned change is zero, so the target's size is the scale.
    keep = GoalSpec(True, 90, date(2026, 1, 1), 90, date(2025, 1, 1), unit="%")
    as_of = date(2025, 6, 1)
    assert assess(keep, [Point(as_of, 91)], as_of).status is Status.ACHIEVED
    assert assess(keep, [Point(as_of, 70)], as_of).status is Status.OFF_TRACK
    # Target and baseline both zero: no division by zero.
    zero = GoalSpec(False, 0, date(2026, 1, 1), 0, date(2025, 1, 1))
    assert assess(zero, [Point(as_of, 0)], as_of).status is Status.ACHIEVED
    bad = assess(zero, [Point(as_of, 2)], as_of)
    assert bad.status is Status.OFF_TRACK and bad.shortfall == math.inf


def test_it_formats_numbers_and_units_sensibly() -> None:
    goal = GoalSpec(True, 1200, date(2027, 1, 1), 200, date(2024, 1, 1), unit="teachers")
    result = assess(goal, [Point(date(2025, 1, 1), 300.0000001)], as_of=date(2025, 1, 1))
    assert result.reason.text.endswith(
        "Latest 300 teachers is 234 behind the 534 teachers expected by now."
    )
    assert "1,200 teachers" in result.reason.text


def test_it_rejects_inconsistent_tolerances() -> None:
    with pytest.raises(ValueError):
        GoalSpec(True, 1, date(2026, 1, 1), on_pace_tolerance=0.2, at_risk_tolerance=0.1)
    with pytest.raises(ValueError):
        GoalSpec(True, math.nan, date(2026, 1, 1))


# --- Real trajectories: under-5 mortality and Millennium Development Goal 4 -------------------
# MDG 4: cut the 1990 under-5 mortality rate by two thirds by 2015. Values are deaths per 1,000
# live births (Gapminder child mortality, UN IGME based, CC BY 4.0), 1990..2015.
MALDIVES = [85.81, 81.02, 76.34, 71.71, 67.11, 62.43, 57.74, 53.03, 48.35, 43.75, 39.24, 34.93,
            30.95, 27.36, 27.11, 21.67, 19.48, 17.67, 16.19, 14.94, 13.85, 12.9, 12.05, 11.28,
            10.59, 9.98]  # fmt: skip
SOMALIA = [179.25, 176.03, 173.78, 172.67, 172.39, 172.39, 172.39, 172.39, 172.39, 172.39,
           172.39, 172.39, 172.39, 172.39, 172.39, 172.34, 171.88, 169.87, 166.27, 162.06,
           157.18, 152.13, 147.16, 142.29, 137.87, 133.38]  # fmt: skip
# shared/ lies beside the repository, on developer machines and in CI.
DATA = Path(__file__).resolve().parents[3] / "shared" / "data" / "under5-mortality-1990-2015.csv"


def mdg4(rates: list[float], as_of_year: int) -> tuple[GoalSpec, list[Point], date]:
    goal = GoalSpec(
        higher_is_better=False,
        target_value=rates[0] / 3,
        target_date=date(2015, 12, 31),
        baseline_value=rates[0],
        baseline_date=date(1990, 12, 31),
        unit="per 1,000",
    )
    points = [Point(date(1990 + i, 12, 31), v) for i, v in enumerate(rates)]
    return goal, points, date(as_of_year, 12, 31)


def test_it_says_a_country_that_met_mdg4_achieved_it() -> None:
    result = assess(*mdg4(MALDIVES, 2015))
    assert result.status is Status.ACHIEVED
    assert (
        result.reason.text
        == "Latest 10 per 1,000 (December 2015) beats the target of 28.6 per 1,000."
    )
    # Halfway, the Maldives were heading past the target.
    midway = assess(*mdg4(MALDIVES, 2002))
    assert midway.status is Status.ON_PACE
    assert midway.projection is not None and midway.projection.value < MALDIVES[0] / 3


def test_it_says_a_country_that_clearly_missed_mdg4_is_off_track() -> None:
    result = assess(*mdg4(SOMALIA, 2015))
    assert result.status is Status.OFF_TRACK
    assert result.reason.text.startswith("The target date (December 2015) has passed")
    # And it was visibly off track a decade earlier: even the hopeful end missed.
    early = assess(*mdg4(SOMALIA, 2005))
    assert early.status is Status.OFF_TRACK
    assert early.projection is not None and early.projection.low > SOMALIA[0] / 3


@pytest.mark.skipif(not DATA.exists(), reason="shared under-5 mortality data not available")
def test_it_classifies_every_country_by_its_2015_rate() -> None:
    rates: dict[str, dict[int, float]] = {}
    with DATA.open(newline="") as f:
        for row in csv.DictReader(f):
            rates.setdefault(row["country"], {})[int(row["year"])] = float(
                row["under5_deaths_per_1000"]
            )
    assert len(rates) == 197
    for country, by_year in rates.items():
        result = assess(*mdg4([by_year[y] for y in range(1990, 2016)], 2015))
        ratio = by_year[2015] / by_year[1990]  # 1/3 is the target; behind = (ratio - 1/3) / (2/3)
        if ratio <= 1 / 3:
            expected = Status.ACHIEVED
        elif ratio <= 1 / 3 + 0.15 * 2 / 3:
            expected = Status.AT_RISK
        else:
            expected = Status.OFF_TRACK
        assert result.status is expected, country


def test_it_gives_the_reason_as_a_code_with_json_safe_params() -> None:
    result = assess(READING, [Point(date(2025, 1, 1), 58.3)], as_of=date(2025, 9, 1))
    assert result.reason.code is ReasonCode.FORECAST
    params = result.reason.params
    assert json.loads(json.dumps(params, allow_nan=False)) == params
    assert {k: params[k] for k in ("unit", "decimals", "latest", "latest_date", "target")} == {
        "unit": "%",
        "decimals": 1,
        "latest": 58.3,
        "latest_date": "2025-01-01",
        "target": 75,
    }
    assert params["stale_months"] == 8 and params["by_now"] is False
    assert str(result.reason) == render_reason("forecast", params)
    assert str(result.reason).endswith(
        "Latest 58.3% matches the 58.3% expected by January 2025. "
        "The latest measurement is over 8 months old; add a newer one."
    )
    nothing = assess(READING, [], as_of=date(2023, 6, 1))
    assert nothing.reason == Reason(ReasonCode.BASELINE_IN_FUTURE, {"baseline_date": "2024-01-01"})
    assert nothing.reason.text == (
        "The baseline is dated January 2024; there is nothing to judge before then."
    )


def test_it_still_renders_a_reason_stored_by_the_straight_trend_method() -> None:
    params = {
        "unit": "%", "decimals": 1, "latest": 58.3, "latest_date": "2025-01-01", "target": 75,
        "target_date": "2027-01-01", "expected": 58.33, "projection": 74.91,
        "position": "matches", "by_now": False, "outcome": "short", "target_passed": False,
    }  # fmt: skip
    assert render_reason("trend", params) == (
        "Latest 58.3% matches the 58.3% expected by January 2025; at the current trend it "
        "reaches 74.9% by January 2027, short of 75%."
    )


def test_it_renders_a_legacy_sentence_as_it_was_stored() -> None:
    assert render_reason("legacy", {"text": "Latest 56% is behind."}) == "Latest 56% is behind."


@pytest.mark.parametrize(
    ("code", "params"),
    [
        ("no_such_code", {}),
        ("legacy", {}),
        ("baseline_in_future", {}),
        ("target_met", {"latest": 76, "latest_date": "2027-03-01", "target": 75}),  # no unit
        ("target_beaten", {"unit": "%", "decimals": 0, "latest": "76", "target": 75}),
        ("trend", {"unit": "%", "decimals": "1", "latest": 56.0}),
        ("target_date_passed", {"target_date": "not a date"}),
        ("trend", {"position": "sideways"}),
        ("legacy", {"text": None}),
        ("trend", None),
    ],
)
def test_it_falls_back_to_a_plain_sentence_for_what_it_cannot_render(
    code: str, params: dict[str, object]
) -> None:
    assert render_reason(code, params) == FALLBACK


@pytest.mark.parametrize("scale", ["linear", "ratio", "gap", "bounded"])
@pytest.mark.parametrize("result", ["beating", "right_at", "close", "short", "if_it_holds"])
@pytest.mark.parametrize("window_days", [3, 20, 30, 100, 365, 2000])
@pytest.mark.parametrize("target_passed", [False, True])
def test_it_renders_every_forecast_sentence(
    scale: str, result: str, window_days: int, target_passed: bool
) -> None:
    params = {
        "unit": "%", "decimals": 1, "latest": 56.0, "latest_date": "2025-12-31", "target": 75,
        "target_date": "2027-06-30", "expected": 62.5, "projection": 63.2, "low": 58.8,
        "high": 66.8, "scale": scale, "window_days": window_days, "result": result,
        "tolerance": 0.05, "position": "behind", "by_now": True, "target_passed": target_passed,
        "bound": 100.0, "lower": 0.0, "upper": 100.0,
    }  # fmt: skip
    text = render_reason("forecast", params)
    assert text != FALLBACK
    assert "63.2% by June 2027 (likely 58.8% to 66.8%)" in text
    assert text.endswith("Latest 56% is 6.5 points behind the 62.5% expected by now.")
