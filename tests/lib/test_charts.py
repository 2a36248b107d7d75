"""Unit tests for the goal chart specs, server-side SVG and the browser bundle (no Django)."""

from __future__ import annotations

import json
import re
import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from stepback.lib import charts, vega
from stepback.lib.charts import ProjectionBand, goal_chart_spec
from stepback.lib.vega import render_svg

CHARTS_JS = Path(charts.__file__).resolve().parents[1] / "static" / "js" / "charts.js"

MEASURED = [(date(2025, 1, 1), 40.0), (date(2025, 2, 1), 38.0), (date(2025, 3, 1), 35.5)]
PLANNED = [(date(2025, 1, 1), 40.0), (date(2025, 12, 31), 20.0)]
MILESTONES = [(date(2025, 6, 30), 30.0), (date(2025, 9, 30), 25.0, "Pilot live")]
PROJECTION = ProjectionBand(when=date(2025, 12, 31), value=24.0, low=20.0, high=29.0)


@dataclass(frozen=True)
class PaceProjection:
    """The shape of ``stepback.goals.pace.Projection``, without importing it."""

    value: float
    low: float
    high: float
    when: date


def full_spec(**overrides: Any) -> dict[str, Any]:
    kwargs: dict[str, Any] = {
        "title": "Waiting time",
        "unit": "days",
        "measurements": MEASURED,
        "planned_path": PLANNED,
        "milestones": MILESTONES,
        "projection": PROJECTION,
    }
    kwargs.update(overrides)
    return goal_chart_spec(**kwargs)


def layer(spec: dict[str, Any], name: str) -> dict[str, Any]:
    (found,) = [one for one in spec["layer"] if one.get("name") == name]
    return found


def values(spec: dict[str, Any], name: str) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = layer(spec, name)["data"]["values"]
    return rows


def legend_domain(spec: dict[str, Any]) -> list[str]:
    domain: list[str] = spec["layer"][0]["encoding"]["color"]["scale"]["domain"]
    return domain


@pytest.fixture(scope="module")
def full_svg() -> str:
    return render_svg(full_spec())


def test_it_layers_every_series_with_a_plain_words_legend() -> None:
    spec = full_spec()

    assert spec["$schema"].startswith("https://vega.github.io/schema/vega-lite/v")
    assert [one["name"] for one in spec["layer"]] == [
        "likely_range",
        "projection",
        "planned_path",
        "measured",
        "milestones",
        "milestone_labels",
    ]
    assert legend_domain(spec) == [
        "Measured",
        "Planned path",
        "Milestone",
        "Projection",
        "Likely range",
    ]
    # Every coloured layer shares one scale, so there is exactly one legend.
    scales = [
        one["encoding"]["color"]["scale"] for one in spec["layer"] if "color" in one["encoding"]
    ]
    assert all(scale == scales[0] for scale in scales)
    assert len(set(scales[0]["range"])) == len(scales[0]["range"])
    assert layer(spec, "planned_path")["mark"]["strokeDash"]
    assert layer(spec, "measured")["mark"]["point"]
    assert layer(spec, "milestones")["mark"]["shape"] == "diamond"
    assert layer(spec, "likely_range")["mark"]["type"] == "area"
    assert spec["encoding"]["y"]["title"] == "days"
    assert spec["title"]["text"] == ["Waiting time"]
    json.dumps(spec)  # plain data, ready for json_script


def test_it_inlines_the_data_with_iso_dates() -> None:
    spec = full_spec()

    measured = values(spec, "measured")
    assert [(row["date"], row["value"]) for row in measured] == [
        ("2025-01-01", 40.0),
        ("2025-02-01", 38.0),
        ("2025-03-01", 35.5),
    ]
    assert measured[0]["date_label"] == "1 Jan 2025"
    assert [row["date"] for row in values(spec, "planned_path")] == ["2025-01-01", "2025-12-31"]
    assert [row["label"] for row in values(spec, "milestones")] == ["30 days", "Pilot live"]
    iso = re.compile(r"^\d{4}-\d{2}-\d{2}$")
    for one in spec["layer"]:
        for row in one["data"]["values"]:
            assert "date" not in row or iso.match(row["date"])


def test_it_projects_from_the_latest_measurement_to_the_target_date() -> None:
    spec = full_spec(measurements=list(reversed(MEASURED)))  # any order in, sorted out

    start, end = values(spec, "projection")
    assert (start["date"], start["value"], start["low"], start["high"]) == (
        "2025-03-01",
        35.5,
        35.5,
        35.5,
    )
    assert (end["date"], end["value"], end["low"], end["high"]) == ("2025-12-31", 24, 20, 29)
    assert values(spec, "likely_range") == [start, end]


def test_it_accepts_a_pace_projection_object() -> None:
    pace_like = PaceProjection(value=24.0, low=29.0, high=20.0, when=date(2025, 12, 31))

    spec = full_spec(projection=pace_like)

    end = values(spec, "projection")[-1]
    assert (end["low"], end["high"]) == (20.0, 29.0)  # swapped bounds are put in order


def test_it_draws_lower_is_better_goals_the_same_way() -> None:
    rising = full_spec(
        measurements=[(when, 100 - value) for when, value in MEASURED],
        planned_path=[(when, 100 - value) for when, value in PLANNED],
        milestones=(),
        projection=ProjectionBand(date(2025, 12, 31), 76, 71, 80),
    )
    falling = full_spec(milestones=())

    assert [one["name"] for one in rising["layer"]] == [one["name"] for one in falling["layer"]]
    assert rising["encoding"] == falling["encoding"]
    assert rising["encoding"]["y"]["scale"]["zero"] is False
    assert [row["value"] for row in values(falling, "measured")] == [40.0, 38.0, 35.5]


def test_it_leaves_out_layers_without_data() -> None:
    spec = goal_chart_spec(title="Reading", unit="%", measurements=MEASURED, planned_path=[])

    assert [one["name"] for one in spec["layer"]] == ["measured"]
    assert legend_domain(spec) == ["Measured"]


def test_it_makes_a_compact_sparkline() -> None:
    spec = full_spec(compact=True, width=160)

    assert spec["width"] == 160
    assert spec["height"] <= 80
    assert "title" not in spec
    assert spec["encoding"]["x"]["axis"] is None
    assert spec["encoding"]["y"]["axis"] is None
    assert all(one["encoding"]["color"]["legend"] is None for one in spec["layer"])
    assert "milestone_labels" not in [one["name"] for one in spec["layer"]]
    assert all("tooltip" not in one["encoding"] for one in spec["layer"])
    assert "autosize" not in spec


def test_it_describes_the_chart_for_screen_readers() -> None:
    description = full_spec()["description"]

    assert description.startswith("Chart of Waiting time in days.")
    assert "3 measurements from 1 Jan 2025 (40 days) to 1 Mar 2025 (35.5 days)" in description
    assert "Pilot live by 30 Sep 2025" in description
    assert "likely between 20 days and 29 days" in description
    assert full_spec(description="Custom")["description"] == "Custom"


def test_it_renders_svg_with_title_axis_titles_legend_and_label(full_svg: str) -> None:
    assert full_svg.startswith("<svg ")
    assert 'aria-label="Chart of Waiting time in days.' in full_svg
    for text in ("Waiting time", ">days<", ">Date<", "Planned path", "Likely range", "Pilot live"):
        assert text in full_svg
    width = re.search(r'^<svg [^>]*\bwidth="(\d+)"', full_svg)
    assert width and int(width.group(1)) >= vega.SERVER_WIDTH  # plot width, plus axes


def test_it_renders_without_changing_the_spec() -> None:
    spec = full_spec()
    before = json.dumps(spec, sort_keys=True)

    render_svg(spec)

    assert spec["width"] == "container"
    assert json.dumps(spec, sort_keys=True) == before


def test_it_draws_the_plan_without_a_measured_line_when_nothing_is_measured() -> None:
    spec = goal_chart_spec(
        title="Nothing yet",
        unit="%",
        measurements=[],
        planned_path=PLANNED,
        baseline=PLANNED[0],
        target=PLANNED[-1],
    )

    names = [one["name"] for one in spec["layer"]]
    assert "measured" not in names
    assert legend_domain(spec) == ["Planned path", "Baseline", "Target"]
    # Labelled beside their points, so the legend (which must fit a phone) leaves them out.
    assert spec["layer"][0]["encoding"]["color"]["legend"]["values"] == ["Planned path"]
    svg = render_svg(spec)
    assert "Nothing yet" in svg
    assert "Measured" not in svg
    assert "Baseline 40%" in svg and "Target 20%" in svg


def test_it_marks_the_baseline_and_the_target() -> None:
    spec = full_spec(baseline=(date(2025, 1, 1), 40.0), target=(date(2025, 12, 31), 20.0))

    assert values(spec, "baseline")[0]["value"] == 40.0
    assert values(spec, "target")[0]["date"] == "2025-12-31"
    assert values(spec, "target_label")[0]["label"] == "Target 20 days"
    assert "Baseline 40 days on 1 Jan 2025. Target 20 days by 31 Dec 2025." in spec["description"]
    compact = full_spec(compact=True, target=(date(2025, 12, 31), 20.0))
    assert "target" in [one["name"] for one in compact["layer"]]
    assert "target_label" not in [one["name"] for one in compact["layer"]]


def test_it_wraps_a_long_title_to_lines_a_phone_fits() -> None:
    title = "Students at or above the reading benchmark (Years 7 to 9)"
    lines = full_spec(title=title)["title"]["text"]

    assert len(lines) == 2
    assert " ".join(lines) == title
    assert all(len(line) <= charts.TITLE_LINE for line in lines)


def test_it_renders_an_empty_chart() -> None:
    spec = goal_chart_spec(title="Nothing at all", unit="%", measurements=[], planned_path=[])

    assert render_svg(spec).startswith("<svg ")


def test_it_renders_a_projection_without_measurements_and_a_compact_chart() -> None:
    lonely = goal_chart_spec(
        title="Plan only", unit="", measurements=[], planned_path=PLANNED, projection=PROJECTION
    )
    assert len(values(lonely, "projection")) == 1

    assert render_svg(lonely).startswith("<svg ")
    assert render_svg(full_spec(compact=True)).startswith("<svg ")


def test_it_also_renders_with_vega_lite_5() -> None:
    import vl_convert

    fives = [v for v in vl_convert.get_vegalite_versions() if v.startswith("5.")]
    spec = {**full_spec(), "width": 400, "$schema": vega.SCHEMA.replace("/v6", "/v5")}
    spec.pop("autosize")

    assert "Likely range" in vl_convert.vegalite_to_svg(spec, vl_version=fives[-1])


def test_it_embeds_csp_safely_and_again_after_htmx_swaps() -> None:
    source = CHARTS_JS.read_text()
    code = re.sub(r"/\*.*?\*/|//[^\n]*", "", source, flags=re.DOTALL)

    assert "ast: true" in code
    assert "defaultStyle: false" in code
    assert "disableDefaultStyle: true" in code
    assert "Function(" not in code and "eval(" not in code
    for event in ("htmx:load", "htmx:afterSwap", "htmx:beforeCleanupElement"):
        assert f'"{event}"' in code


@pytest.mark.slow
def test_it_bundles_vega_embed_for_the_browser() -> None:
    vega.vega_embed_bundle.cache_clear()
    started = time.perf_counter()
    bundle = vega.vega_embed_bundle()
    elapsed = time.perf_counter() - started

    assert "window.vegaEmbed=" in bundle
    assert "window.vegaLite=" in bundle
    assert 300_000 < len(bundle) < 3_000_000
    assert elapsed < 30
    assert vega.vega_embed_bundle() is bundle  # cached
    assert vega.vega_embed_bundle_version().startswith(f"vl{vega.vega_lite_version()}-")
