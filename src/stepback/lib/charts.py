"""Goal charts as Vega-Lite specs (plain dicts): what a goal's chart draws.

:func:`goal_chart_spec` builds a layered Vega-Lite spec from plain data (``(date, value)``
tuples), with the data inline as ``values`` and ISO date strings. One spec serves the screen
(``static/js/charts.js`` embeds it with the bundle from :mod:`stepback.lib.vega`) and the
PDF (:func:`stepback.lib.vega.render_svg`). Its words and figures (legend, titles,
description, Vega's number and time locale) come from :mod:`stepback.lib.chart_text`, in the
active language and the page's own formatting.

Dates are drawn on a UTC scale (axis labels in UTC) and tooltip dates are formatted here, in
Python: an ISO date such as ``2025-03-01`` is midnight UTC to JavaScript, so local-time
formatting would show the day before west of Greenwich.
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from datetime import date
from typing import Any, NamedTuple, Protocol

from stepback.lib import chart_text
from stepback.lib.chart_text import ChartStyle, series_name
from stepback.lib.vega import SCHEMA

__all__ = [
    "COLOURS",
    "ChartStyle",
    "ProjectionBand",
    "ProjectionLike",
    "goal_chart_spec",
]

#: Characters per title line: about what a 14 px title fits across a 390 px phone's chart.
TITLE_LINE = 38
COMPACT_HEIGHT = 56
# The series, by id (``chart_text.SERIES`` names them), in legend order.
MEASURED = "measured"
PLANNED = "planned_path"
MILESTONE = "milestone"
BASELINE = "baseline"
TARGET = "target"
PROJECTION = "projection"
LIKELY_RANGE = "likely_range"

#: Okabe-Ito colours (safe for the common colour-vision deficiencies), chosen to have at
#: least 3:1 contrast on white for lines and marks (WCAG 1.4.11). Layers also differ by
#: dash pattern and mark shape, so colour is never the only cue.
COLOURS: dict[str, str] = {
    MEASURED: "#0072B2",  # blue, 5.1:1
    PLANNED: "#595959",  # dark grey, 7:1
    MILESTONE: "#D55E00",  # vermillion, 3.8:1
    BASELINE: "#595959",  # the planned path's grey: the path starts there (a square, not a line)
    TARGET: "#882255",  # wine, 9.6:1 (a triangle)
    PROJECTION: "#007A5A",  # darkened bluish green, 5.3:1
    LIKELY_RANGE: "#009E73",  # drawn translucent as an area
}
TEXT_COLOUR = "#333333"
RANGE_OPACITY = 0.22
LEGEND_RANGE_OPACITY = 0.35  # the legend swatch is small: a little stronger than the area
PLANNED_DASH = [6, 4]
PROJECTION_DASH = [2, 3]


class ProjectionLike(Protocol):
    """Where the current pace leads: ``value`` expected on ``when``, likely ``low`` to ``high``.

    ``stepback.goals.pace.Projection`` satisfies this protocol, and so does
    :class:`ProjectionBand`.
    """

    @property
    def when(self) -> date: ...

    @property
    def value(self) -> float: ...

    @property
    def low(self) -> float: ...

    @property
    def high(self) -> float: ...


class ProjectionBand(NamedTuple):
    """A plain :class:`ProjectionLike`, for callers without a pace projection object."""

    when: date
    value: float
    low: float
    high: float


Milestone = tuple[date, float] | tuple[date, float, str]
Point = tuple[date, float]


class _Draw(NamedTuple):
    """What every layer needs to know: the goal's unit, sparkline or full chart, and how to
    write numbers and dates."""

    unit: str
    compact: bool
    style: ChartStyle


def goal_chart_spec(
    *,
    title: str,
    unit: str,
    measurements: Sequence[tuple[date, float]],
    planned_path: Sequence[tuple[date, float]],
    milestones: Sequence[Milestone] = (),
    projection: ProjectionLike | None = None,
    baseline: Point | None = None,
    target: Point | None = None,
    width: int | str = "container",
    height: int | None = None,
    compact: bool = False,
    description: str | None = None,
    style: ChartStyle | None = None,
) -> dict[str, Any]:
    """Build a layered Vega-Lite spec (v6; also valid v5) for one goal.

    Layers, each in the legend in plain words (``chart_text.SERIES``):

    * ``measurements``: "Measured", a solid line with points (tooltip: date and value);
    * ``planned_path``: "Planned path", a dashed line;
    * ``milestones``: "Milestone", diamonds labelled with the value and unit, or with the
      label given as a third tuple item ``(date, value, "Pilot live")``;
    * ``projection``: "Projection", a dotted line from the latest measurement to
      ``projection.value`` on ``projection.when``, over "Likely range", a translucent area
      that widens from the latest measurement to ``low`` to ``high`` on that date. Without
      measurements only the end point and its range are drawn;
    * ``baseline`` and ``target``: "Baseline", a square, and "Target", a triangle, each
      labelled with its value.

    A layer without data is left out (an empty mark would be an unlabelled shape to a screen
    reader), so a goal without measurements shows its plan, not a "Measured" line; the page
    says what to do next.

    Higher-is-better and lower-is-better goals are drawn the same way; the value axis does not
    start at zero, so small changes stay visible.

    ``width`` is pixels or ``"container"`` (fills the parent in the browser;
    ``vega.render_svg`` substitutes ``vega.SERVER_WIDTH``). ``height`` defaults to 240, or 56
    when ``compact``. ``compact=True`` gives a dashboard sparkline: no title, legend, axes or
    milestone labels. ``description`` (the accessible description, read by screen readers) is
    generated from the data when not given. ``style`` writes the numbers and dates (English,
    two decimals, when not given; ``core.l10n.chart_style`` gives the page's own).
    """
    draw = _Draw(unit, compact, style or ChartStyle())
    measured_rows = [_row(when, value, draw) for when, value in sorted(measurements)]
    planned_rows = [_row(when, value, draw) for when, value in sorted(planned_path)]
    milestone_rows = [_milestone_row(m, draw) for m in sorted(milestones, key=lambda m: m[0])]

    layers: list[dict[str, Any]] = []
    series: list[str] = []

    if projection is not None:
        band = _projection_rows(projection, measured_rows[-1] if measured_rows else None, draw)
        layers.append(_range_layer(band, draw))
        layers.append(_projection_layer(band, draw, single=not measured_rows))
        series += [PROJECTION, LIKELY_RANGE]
    if planned_rows:
        layers.append(_line_layer(planned_rows, PLANNED, draw, dash=PLANNED_DASH))
        series.append(PLANNED)
    if measured_rows:
        layers.append(_line_layer(measured_rows, MEASURED, draw, points=True))
        series.append(MEASURED)
    if milestone_rows:
        layers.append(_milestone_layer(milestone_rows, draw))
        if not compact:
            layers.append(_label_layer(milestone_rows, "milestone_labels"))
        series.append(MILESTONE)
    for key, point in ((BASELINE, baseline), (TARGET, target)):
        if point is not None:
            label = chart_text.end_label(key, point[1], unit, draw.style)
            row = {**_row(*point, draw), "label": label}
            layers.append(_end_layer(row, key, draw))
            if not compact:  # labelled beside the point, so the legend leaves them out
                side = (
                    {"align": "left", "dx": 9} if key == BASELINE else {"align": "right", "dx": -9}
                )
                label_layer = _label_layer([row], f"{key}_label")
                label_layer["mark"].update(side, dy=0, baseline="middle")
                layers.append(label_layer)
            series.append(key)
    if not layers:  # nothing at all to draw: an empty line keeps the spec valid
        layers.append(_line_layer([], MEASURED, draw))
        series.append(MEASURED)

    order = [MEASURED, PLANNED, MILESTONE, BASELINE, TARGET, PROJECTION, LIKELY_RANGE]
    keys = [key for key in order if key in series]
    domain = [series_name(key) for key in keys]
    for layer in layers:  # one shared colour scale, hence one legend
        colour = layer["encoding"].get("color")
        if colour is not None:
            colour["type"] = "nominal"
            colour["scale"] = {"domain": domain, "range": [COLOURS[key] for key in keys]}
            colour["legend"] = None if compact else _legend(keys)

    described = chart_text.Described(measured_rows, planned_rows, milestone_rows)
    spec: dict[str, Any] = {
        "$schema": SCHEMA,
        "description": description
        or chart_text.describe(
            title,
            unit,
            described,
            projection=projection,
            baseline=baseline,
            target=target,
            style=draw.style,
        ),
        "width": width,
        "height": height if height is not None else (COMPACT_HEIGHT if compact else 240),
        "background": "white",
        "padding": 2 if compact else 5,
        "encoding": {"x": _x_encoding(compact), "y": _y_encoding(draw)},
        "layer": layers,
        "config": _config(draw.style),
    }
    if not compact:
        # Vega does not wrap titles: lines short enough for a phone-wide chart.
        lines = textwrap.wrap(title, TITLE_LINE) or [title]
        spec["title"] = {"text": lines, "anchor": "start", "color": TEXT_COLOUR, "fontSize": 14}
    if width == "container":
        spec["autosize"] = {"type": "fit-x", "contains": "padding"}
    return spec


# --- layers -------------------------------------------------------------------------------


def _row(when: date, value: float, draw: _Draw) -> dict[str, Any]:
    return {"date": when.isoformat(), "date_label": draw.style.day(when), "value": float(value)}


def _milestone_row(milestone: Milestone, draw: _Draw) -> dict[str, Any]:
    when, value = milestone[0], milestone[1]
    label = milestone[2] if len(milestone) > 2 else draw.style.quantity(value, draw.unit)
    return {**_row(when, value, draw), "label": label}


def _projection_rows(
    projection: ProjectionLike, latest: dict[str, Any] | None, draw: _Draw
) -> list[dict[str, Any]]:
    end = {
        **_row(projection.when, projection.value, draw),
        "low": float(min(projection.low, projection.high)),
        "high": float(max(projection.low, projection.high)),
    }
    if latest is None:
        return [end]
    return [{**latest, "low": latest["value"], "high": latest["value"]}, end]


def _field(name: str, key: str, draw: _Draw) -> dict[str, Any]:
    """A quantity in the tooltip, titled with its unit and rounded like the page."""
    return {
        "field": name,
        "type": "quantitative",
        "title": chart_text.title(key, draw.unit),
        "format": draw.style.value_format,
    }


def _tooltip(draw: _Draw, *extra: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        {"field": "series", "type": "nominal", "title": str(chart_text.SERIES_TITLE)},
        # Formatted in Python: a time format in Vega would use the browser's time zone.
        {"field": "date_label", "type": "nominal", "title": str(chart_text.DATE_TITLE)},
        _field("value", "value", draw),
        *extra,
    ]


def _with_series(key: str) -> dict[str, Any]:
    return {"calculate": repr(series_name(key)), "as": "series"}


def _line_layer(
    rows: list[dict[str, Any]],
    key: str,
    draw: _Draw,
    *,
    dash: list[int] | None = None,
    points: bool = False,
) -> dict[str, Any]:
    mark: dict[str, Any] = {"type": "line", "strokeWidth": 1.5 if draw.compact else 2.5}
    if dash:
        mark["strokeDash"] = dash
    if points:
        mark["point"] = {"filled": True, "size": 16 if draw.compact else 45}
    layer: dict[str, Any] = {
        "name": key,
        "data": {"values": rows},
        "mark": mark,
        "encoding": {"color": {"datum": series_name(key)}},
    }
    if not draw.compact:
        layer["transform"] = [_with_series(key)]
        layer["encoding"]["tooltip"] = _tooltip(draw)
    return layer


def _milestone_layer(rows: list[dict[str, Any]], draw: _Draw) -> dict[str, Any]:
    layer: dict[str, Any] = {
        "name": "milestones",
        "data": {"values": rows},
        "mark": {
            "type": "point",
            "shape": "diamond",
            "filled": True,
            "size": 40 if draw.compact else 120,
            "stroke": "white",
            "strokeWidth": 1,
            "opacity": 1,
        },
        "encoding": {"color": {"datum": series_name(MILESTONE)}},
    }
    if not draw.compact:
        layer["transform"] = [_with_series(MILESTONE)]
        milestone = {"field": "label", "type": "nominal", "title": series_name(MILESTONE)}
        layer["encoding"]["tooltip"] = _tooltip(draw, milestone)
    return layer


def _end_layer(row: dict[str, Any], key: str, draw: _Draw) -> dict[str, Any]:
    """The baseline or the target: one point, a square or a triangle."""
    layer: dict[str, Any] = {
        "name": key,
        "data": {"values": [row]},
        "mark": {
            "type": "point",
            "shape": "square" if key == BASELINE else "triangle-up",
            "filled": True,
            "size": 30 if draw.compact else 110,
            "opacity": 1,
        },
        "encoding": {"color": {"datum": series_name(key)}},
    }
    if not draw.compact:
        layer["transform"] = [_with_series(key)]
        layer["encoding"]["tooltip"] = _tooltip(draw)
    return layer


def _label_layer(rows: list[dict[str, Any]], name: str) -> dict[str, Any]:
    return {
        "name": name,
        "data": {"values": rows},
        "mark": {
            "type": "text",
            "dy": -12,
            "fontSize": 11,
            "fontWeight": "bold",
            "color": TEXT_COLOUR,
            "baseline": "bottom",
        },
        "encoding": {"text": {"field": "label", "type": "nominal"}},
    }


def _range_layer(rows: list[dict[str, Any]], draw: _Draw) -> dict[str, Any]:
    single = len(rows) == 1
    layer: dict[str, Any] = {
        "name": LIKELY_RANGE,
        "data": {"values": rows},
        "mark": (
            {"type": "rule", "strokeWidth": 4 if draw.compact else 10, "opacity": 0.35}
            if single
            else {"type": "area", "opacity": RANGE_OPACITY}
        ),
        "encoding": {
            "y": {"field": "low", "type": "quantitative"},
            "y2": {"field": "high"},
            "color": {"datum": series_name(LIKELY_RANGE)},
        },
    }
    if not draw.compact:
        layer["transform"] = [_with_series(LIKELY_RANGE)]
        layer["encoding"]["tooltip"] = [
            *_tooltip(draw)[:2],
            _field("low", "low", draw),
            _field("high", "high", draw),
        ]
    return layer


def _projection_layer(rows: list[dict[str, Any]], draw: _Draw, *, single: bool) -> dict[str, Any]:
    mark: dict[str, Any] = (
        {"type": "point", "shape": "circle", "filled": False, "size": 60, "strokeWidth": 2}
        if single
        else {
            "type": "line",
            "strokeDash": PROJECTION_DASH,
            "strokeWidth": 1.5 if draw.compact else 2.5,
            "point": False,
        }
    )
    layer: dict[str, Any] = {
        "name": PROJECTION,
        "data": {"values": rows},
        "mark": mark,
        "encoding": {"color": {"datum": series_name(PROJECTION)}},
    }
    if not draw.compact:
        layer["transform"] = [_with_series(PROJECTION)]
        layer["encoding"]["tooltip"] = _tooltip(
            draw, _field("low", "likely_low", draw), _field("high", "likely_high", draw)
        )
    return layer


# --- shared encodings, legend and config ---------------------------------------------------


def _x_encoding(compact: bool) -> dict[str, Any]:
    encoding: dict[str, Any] = {"field": "date", "type": "temporal", "scale": {"type": "utc"}}
    if compact:
        encoding["axis"] = None
    else:
        encoding["title"] = str(chart_text.DATE_TITLE)
        encoding["axis"] = {"labelOverlap": True, "tickCount": 6}
    return encoding


def _y_encoding(draw: _Draw) -> dict[str, Any]:
    encoding: dict[str, Any] = {
        "field": "value",
        "type": "quantitative",
        "scale": {"zero": False, "nice": True},
    }
    if draw.compact:
        encoding["axis"] = None
    else:
        encoding["title"] = draw.unit or chart_text.title("value", "")
        encoding["axis"] = {"format": draw.style.value_format, "tickCount": 5}
    return encoding


def _legend(keys: list[str]) -> dict[str, Any]:
    # One legend for all layers; each entry is drawn like its layer (line, dashes, diamond,
    # shaded square), not only by colour.
    def pick(mapping: dict[str, str], default: str) -> dict[str, str]:
        expr = default
        for key, value in reversed(mapping.items()):
            expr = f"datum.value === {series_name(key)!r} ? {value} : {expr}"
        return {"signal": expr}

    return {
        "title": None,
        "values": [series_name(key) for key in keys if key not in (BASELINE, TARGET)],
        "orient": "bottom",
        "direction": "horizontal",
        # Two a row: four entries in two rows fit a phone-wide chart in every language
        # ("Trajectoire prévue" is half as long again as "Planned path").
        "columns": 2,
        "symbolStrokeWidth": 3,
        "symbolSize": 120,
        "labelColor": TEXT_COLOUR,
        "labelFontSize": 12,
        "encode": {
            "symbols": {
                "update": {
                    "shape": pick(
                        {MILESTONE: "'diamond'", LIKELY_RANGE: "'square'"},
                        "'stroke'",
                    ),
                    "fillOpacity": pick({LIKELY_RANGE: str(LEGEND_RANGE_OPACITY)}, "1"),
                    "strokeOpacity": pick({LIKELY_RANGE: "0"}, "1"),
                    "strokeDash": pick(
                        {PLANNED: str(PLANNED_DASH), PROJECTION: str(PROJECTION_DASH)}, "[]"
                    ),
                    "opacity": {"value": 1},
                }
            }
        },
    }


def _config(style: ChartStyle) -> dict[str, Any]:
    config: dict[str, Any] = {
        "view": {"stroke": None},
        "axis": {
            "labelColor": TEXT_COLOUR,
            "titleColor": TEXT_COLOUR,
            "labelFontSize": 11,
            "titleFontSize": 12,
            "titleFontWeight": "normal",
            "gridColor": "#e6e6e6",
            "domainColor": "#8c8c8c",
            "tickColor": "#8c8c8c",
        },
    }
    if style.locale:
        config["locale"] = style.locale
    return config
