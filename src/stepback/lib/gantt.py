"""A plan's timeline as a Gantt-like Vega-Lite spec, pure: no Django.

It sits beside ``charts.py`` (the goal charts) and shares its Vega-Lite version, colours of
text and axes, and ``charts.render_svg`` for paper, so the timeline on screen and in a PDF
is one picture. One bar a dated action, one row each (labels cut to fit, full in the
tooltip), grouped by objective in the order given; a rule marks today. Its height grows
with the rows (``ROW_HEIGHT`` each), so 300 actions stay readable by scrolling the page.
An action with only one date is a one-day bar.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from stepback.lib.charts import SCHEMA, TEXT_COLOUR

ROW_HEIGHT = 22
LABEL_LIMIT = 260  # pixels of an action's name on the axis; the tooltip has all of it
#: Okabe-Ito colours by status, each with 3:1 contrast on white; the legend names them.
STATUS_COLOURS = {
    "not_started": "#595959",
    "in_progress": "#0072B2",
    "done": "#007A5A",
    "blocked": "#D55E00",
    "dropped": "#882255",
}


@dataclass(frozen=True)
class Bar:
    key: str  # unique row key (the action's id), so two actions of one name get two rows
    label: str
    group: str
    status: str
    status_label: str
    start: date | None
    end: date | None
    owner: str = ""


def timeline_spec(
    bars: Sequence[Bar],
    *,
    today: date,
    title: str,
    labels: dict[str, str],
    description: str,
    width: int | str = "container",
) -> dict[str, Any]:
    """The spec; ``labels`` translates the tooltip's field names (``action``, ``objective``,
    ``owner``, ``status``, ``start``, ``due``) and ``description`` is the accessible text."""
    rows = []
    for bar in bars:
        start = bar.start or bar.end
        end = bar.end or bar.start
        if start is None or end is None:
            continue
        rows.append(
            {
                "key": bar.key,
                "label": bar.label,
                "group": bar.group,
                "status": bar.status,
                "status_label": bar.status_label,
                "owner": bar.owner,
                "start": start.isoformat(),
                "end": (end + timedelta(days=1)).isoformat(),
                "start_label": start.isoformat(),
                "due_label": end.isoformat(),
            }
        )
    order = [row["key"] for row in rows]
    names = {row["key"]: row["label"] for row in rows}
    y = {
        "field": "key",
        "type": "ordinal",
        "sort": order,
        "title": None,
        "axis": {
            "labelExpr": f"{_lookup(names)}[datum.value] || datum.value",
            "labelLimit": LABEL_LIMIT,
        },
    }
    tooltip = [
        {"field": "label", "title": labels["action"]},
        {"field": "group", "title": labels["objective"]},
        {"field": "owner", "title": labels["owner"]},
        {"field": "status_label", "title": labels["status"]},
        {"field": "start_label", "title": labels["start"]},
        {"field": "due_label", "title": labels["due"]},
    ]
    statuses = [s for s in STATUS_COLOURS if any(r["status"] == s for r in rows)]
    status_names = {r["status"]: r["status_label"] for r in rows}
    return {
        "$schema": SCHEMA,
        "description": description,
        "title": {"text": title, "anchor": "start", "color": TEXT_COLOUR},
        "width": width,
        "height": max(ROW_HEIGHT * len(rows), ROW_HEIGHT * 3),
        **({"autosize": {"type": "fit-x", "contains": "padding"}} if width == "container" else {}),
        "data": {"values": rows},
        "layer": [
            {
                "mark": {"type": "bar", "cornerRadius": 2, "height": ROW_HEIGHT - 6},
                "encoding": {
                    "y": y,
                    "x": {
                        "field": "start",
                        "type": "temporal",
                        "scale": {"type": "utc"},
                        "title": None,
                        "axis": {"orient": "top", "format": "%b %Y", "formatType": "utc"},
                    },
                    "x2": {"field": "end"},
                    "color": {
                        "field": "status",
                        "type": "nominal",
                        "scale": {
                            "domain": statuses,
                            "range": [STATUS_COLOURS[s] for s in statuses],
                        },
                        "legend": {
                            "title": labels["status"],
                            "orient": "bottom",
                            "labelExpr": f"{_lookup(status_names)}[datum.value] || datum.value",
                        },
                    },
                    "tooltip": tooltip,
                },
            },
            {
                "data": {"values": [{"today": today.isoformat()}]},
                "mark": {"type": "rule", "color": TEXT_COLOUR, "strokeDash": [4, 3]},
                "encoding": {"x": {"field": "today", "type": "temporal", "scale": {"type": "utc"}}},
            },
        ],
        "config": {
            "view": {"stroke": None},
            "axis": {"labelColor": TEXT_COLOUR, "labelFontSize": 11, "gridColor": "#e6e6e6"},
        },
    }


def _lookup(mapping: dict[str, str]) -> str:
    """A Vega expression object literal (keys and values JSON-quoted)."""
    return json.dumps(mapping, ensure_ascii=False)
