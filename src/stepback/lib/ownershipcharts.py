"""Charts of how the work spread and of the balance, as Vega-Lite specs (plain dicts).

Built like ``lib/charts.py``'s goal charts (same schema, colours safe for colour-blind
readers, the same browser embedding and server rendering); the labels come translated
from the caller, since this module imports no Django. Pure: no Django.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from stepback.lib.charts import SCHEMA, TEXT_COLOUR

BLUE, VERMILLION, GREEN, GREY = "#0072B2", "#D55E00", "#007A5A", "#595959"
HEIGHT = 220


def _config() -> dict[str, Any]:
    return {
        "view": {"stroke": None},
        "axis": {"labelColor": TEXT_COLOUR, "titleColor": TEXT_COLOUR, "gridColor": "#e6e6e6"},
        "legend": {
            "labelColor": TEXT_COLOUR,
            "titleColor": TEXT_COLOUR,
            "orient": "bottom",
            "direction": "vertical",
            "labelLimit": 0,
        },
    }


def spread_chart_spec(
    rows: Sequence[tuple[date, int, int]],
    *,
    groups_label: str,
    people_label: str,
    description: str,
) -> dict[str, Any]:
    """Groups and people involved each month: ``rows`` of (month, groups, people)."""
    values = [
        {"month": month.isoformat(), "series": label, "count": count}
        for month, groups, people in rows
        for label, count in ((groups_label, groups), (people_label, people))
    ]
    return {
        "$schema": SCHEMA,
        "description": description,
        "width": "container",
        "height": HEIGHT,
        "data": {"values": values},
        "mark": {"type": "line", "point": True, "interpolate": "step-after"},
        "encoding": {
            "x": {"field": "month", "type": "temporal", "timeUnit": "yearmonth", "title": None},
            "y": {"field": "count", "type": "quantitative", "title": None},
            "color": {
                "field": "series",
                "type": "nominal",
                "title": None,
                "legend": {"symbolType": "stroke", "symbolStrokeWidth": 2},
                "scale": {"domain": [groups_label, people_label], "range": [BLUE, VERMILLION]},
            },
            "strokeDash": {
                "field": "series",
                "type": "nominal",
                "title": None,
                "scale": {"domain": [groups_label, people_label], "range": [[1, 0], [6, 4]]},
            },
            "tooltip": [
                {"field": "month", "type": "temporal", "timeUnit": "yearmonth", "title": " "},
                {"field": "series", "type": "nominal", "title": " "},
                {"field": "count", "type": "quantitative", "title": " "},
            ],
        },
        "config": _config(),
    }


def balance_chart_spec(
    rows: Sequence[tuple[str, float | None, float | None, str]],
    *,
    others_label: str,
    attendance_label: str,
    signal_title: str,
    signal_labels: dict[str, str],
    description: str,
) -> dict[str, Any]:
    """The balance each month: ``rows`` of (YYYY-MM, share of the work by others (0 to 1),
    the leader's check-in attendance (0 to 1), signal), each signal a coloured mark above."""
    lines = [
        {"month": month, "series": label, "percent": round(value * 100)}
        for month, others, attendance, _ in rows
        for label, value in ((others_label, others), (attendance_label, attendance))
        if value is not None
    ]
    signals = [
        {"month": month, "signal": signal_labels[signal], "percent": 108}
        for month, _, _, signal in rows
    ]
    domain = list(signal_labels.values())
    month = {"field": "month", "type": "temporal", "timeUnit": "yearmonth", "title": None}
    return {
        "$schema": SCHEMA,
        "description": description,
        "width": "container",
        "height": HEIGHT,
        "layer": [
            {
                "data": {"values": lines},
                "mark": {"type": "line", "point": True},
                "encoding": {
                    "x": month,
                    "y": {
                        "field": "percent",
                        "type": "quantitative",
                        "title": "%",
                        "scale": {"domain": [0, 112]},
                        "axis": {"values": [0, 25, 50, 75, 100]},
                    },
                    "color": {
                        "field": "series",
                        "type": "nominal",
                        "title": None,
                        "legend": {"symbolType": "stroke", "symbolStrokeWidth": 2},
                        "scale": {
                            "domain": [others_label, attendance_label],
                            "range": [BLUE, GREY],
                        },
                    },
                    "strokeDash": {
                        "field": "series",
                        "type": "nominal",
                        "title": None,
                        "scale": {
                            "domain": [others_label, attendance_label],
                            "range": [[1, 0], [6, 4]],
                        },
                    },
                    "tooltip": [
                        {**month, "title": " "},
                        {"field": "series", "type": "nominal", "title": " "},
                        {"field": "percent", "type": "quantitative", "title": "%"},
                    ],
                },
            },
            {
                "data": {"values": signals},
                "mark": {"type": "point", "size": 110, "filled": True, "opacity": 1},
                "encoding": {
                    "x": month,
                    "y": {"field": "percent", "type": "quantitative"},
                    "shape": {
                        "field": "signal",
                        "type": "nominal",
                        "title": signal_title,
                        "scale": {
                            "domain": domain,
                            "range": ["triangle-up", "triangle-down", "circle"],
                        },
                    },
                    "fill": {
                        "field": "signal",
                        "type": "nominal",
                        "title": signal_title,
                        "scale": {"domain": domain, "range": [VERMILLION, "#882255", GREEN]},
                    },
                    "tooltip": [
                        {**month, "title": " "},
                        {"field": "signal", "type": "nominal", "title": signal_title},
                    ],
                },
            },
        ],
        "resolve": {"scale": {"color": "independent"}},
        "config": _config(),
    }
