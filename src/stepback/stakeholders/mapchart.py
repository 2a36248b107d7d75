"""The 2x2 stakeholder map as a Vega-Lite spec (a plain dict), pure: no Django.

The page embeds it like every chart (``static/js/charts.js``) and a printed pack renders it
with ``lib.charts.render_svg``, so both show the same picture. Interest/impact runs along
the bottom, influence up the side, both 1 to 5; the quadrant lines sit at 2.5, so a score
of 3 is on the high side (``quadrants.HIGH_FROM``).

Each stakeholder is a dot, nudged by a small stable jitter so equal scores stay visible;
past ``MAX_DOTS`` stakeholders the dots become one circle per pair of scores, sized by how
many people share it. Movement since a date is an arrow from where someone stood then to
where they stand now.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from stepback.lib.charts import SCHEMA
from stepback.stakeholders.quadrants import HIGH_FROM, MAX_SCORE, MIN_SCORE, Quadrant, jitter

MAX_DOTS = 300
ARROW_GAP = 0.18  # how far short of the dot an arrowhead stops, in score steps
LINE = HIGH_FROM - 0.5
LOW_EDGE, HIGH_EDGE = MIN_SCORE - 0.5, MAX_SCORE + 0.5
SUPPORT_COLOURS = ["#b2182b", "#ef8a62", "#8c8c8c", "#67a9cf", "#2166ac"]
UNSCORED_COLOUR = "#cccccc"
QUADRANT_FILLS = {
    Quadrant.CHANGE_MAKERS: "#fbe3ec",
    Quadrant.CHANGE_SPONSORS: "#fdebd8",
    Quadrant.ONLOOKERS: "#e3f2e1",
    Quadrant.CHANGE_ADOPTERS: "#fdf6d3",
}
_CORNERS = {
    Quadrant.CHANGE_MAKERS: (LINE, HIGH_EDGE, LINE, HIGH_EDGE),
    Quadrant.CHANGE_SPONSORS: (LOW_EDGE, LINE, LINE, HIGH_EDGE),
    Quadrant.ONLOOKERS: (LOW_EDGE, LINE, LOW_EDGE, LINE),
    Quadrant.CHANGE_ADOPTERS: (LINE, HIGH_EDGE, LOW_EDGE, LINE),
}


@dataclass(frozen=True)
class Dot:
    key: int
    name: str
    detail: str  # role and unit, for the tooltip
    influence: int
    interest: int
    support: str  # the support label, or the "not scored" label


@dataclass(frozen=True)
class Move:
    key: int
    name: str
    from_influence: int
    from_interest: int
    to_influence: int
    to_interest: int


def map_spec(
    dots: Sequence[Dot],
    *,
    labels: Mapping[str, str],
    quadrant_names: Mapping[Quadrant, str],
    support_order: Sequence[str],
    moves: Sequence[Move] = (),
) -> dict[str, Any]:
    """The map of ``dots`` with arrows for ``moves``; ``labels`` holds the translated words.

    ``labels`` keys: ``title``, ``influence``, ``interest``, ``name``, ``detail``,
    ``support``, ``people``, ``description``.
    """
    layers: list[dict[str, Any]] = [_quadrant_layer(quadrant_names)]
    layers.append(_quadrant_label_layer(quadrant_names))
    if moves:
        layers.extend(_move_layers(moves, labels))
    if len(dots) > MAX_DOTS:
        layers.append(_aggregate_layer(dots, labels))
    else:
        layers.append(_dot_layer(dots, labels, support_order))
    return {
        "$schema": SCHEMA,
        "description": labels["description"],
        "width": "container",
        "height": 420,
        "autosize": {"type": "fit", "contains": "padding"},
        "layer": layers,
        "config": {"view": {"stroke": None}, "axis": {"grid": False, "labelFontSize": 11}},
    }


def _axis(field: str, title: str) -> dict[str, Any]:
    return {
        "field": field,
        "type": "quantitative",
        "title": title,
        "scale": {"domain": [LOW_EDGE, HIGH_EDGE], "nice": False, "zero": False},
        "axis": {"values": list(range(MIN_SCORE, MAX_SCORE + 1)), "format": "d"},
    }


def _quadrant_layer(names: Mapping[Quadrant, str]) -> dict[str, Any]:
    """The four coloured quadrants, one layer each (a colour encoding would share the dots')."""
    scale = {"domain": [LOW_EDGE, HIGH_EDGE]}
    return {
        "layer": [
            {
                "data": {"values": [{"x": x, "x2": x2, "y": y, "y2": y2}]},
                "mark": {"type": "rect", "color": QUADRANT_FILLS[q], "tooltip": False},
                "encoding": {
                    "x": {"field": "x", "type": "quantitative", "scale": scale},
                    "x2": {"field": "x2"},
                    "y": {"field": "y", "type": "quantitative", "scale": scale},
                    "y2": {"field": "y2"},
                },
            }
            for q, (x, x2, y, y2) in _CORNERS.items()
        ]
    }


def _quadrant_label_layer(names: Mapping[Quadrant, str]) -> dict[str, Any]:
    rows = []
    for quadrant, (x, x2, _y, y2) in _CORNERS.items():
        rows.append({"label": names[quadrant], "x": (x + x2) / 2, "y": y2 - 0.15})
    return {
        "data": {"values": rows},
        "mark": {"type": "text", "baseline": "top", "fontWeight": "bold", "color": "#333333"},
        "encoding": {
            "x": {"field": "x", "type": "quantitative"},
            "y": {"field": "y", "type": "quantitative"},
            "text": {"field": "label"},
        },
    }


def _dot_layer(
    dots: Sequence[Dot], labels: Mapping[str, str], support_order: Sequence[str]
) -> dict[str, Any]:
    rows = []
    for dot in dots:
        dx, dy = jitter(dot.key)
        rows.append(
            {
                "name": dot.name,
                "detail": dot.detail,
                "support": dot.support,
                "influence": dot.influence,
                "interest": dot.interest,
                "x": dot.interest + dx,
                "y": dot.influence + dy,
            }
        )
    colours = [*SUPPORT_COLOURS[: len(support_order) - 1], UNSCORED_COLOUR]
    return {
        "data": {"values": rows},
        "mark": {
            "type": "point",
            "filled": True,
            "size": 60,
            "opacity": 0.85,
            "stroke": "#333333",
            "strokeWidth": 0.5,
        },
        "encoding": {
            "x": _axis("x", labels["interest"]),
            "y": _axis("y", labels["influence"]),
            "color": {
                "field": "support",
                "type": "nominal",
                "title": labels["support"],
                "scale": {"domain": list(support_order), "range": colours},
                "legend": {"orient": "bottom", "direction": "horizontal", "columns": 3},
            },
            "tooltip": [
                {"field": "name", "title": labels["name"]},
                {"field": "detail", "title": labels["detail"]},
                {"field": "influence", "title": labels["influence"]},
                {"field": "interest", "title": labels["interest"]},
                {"field": "support", "title": labels["support"]},
            ],
        },
    }


def _aggregate_layer(dots: Sequence[Dot], labels: Mapping[str, str]) -> dict[str, Any]:
    counts = Counter((dot.interest, dot.influence) for dot in dots)
    rows = [{"x": x, "y": y, "people": count} for (x, y), count in sorted(counts.items())]
    return {
        "data": {"values": rows},
        "mark": {"type": "circle", "opacity": 0.8, "color": "#2166ac"},
        "encoding": {
            "x": _axis("x", labels["interest"]),
            "y": _axis("y", labels["influence"]),
            "size": {
                "field": "people",
                "type": "quantitative",
                "title": labels["people"],
                "scale": {"range": [40, 2000]},
                "legend": {"orient": "bottom"},
            },
            "tooltip": [
                {"field": "y", "title": labels["influence"]},
                {"field": "x", "title": labels["interest"]},
                {"field": "people", "title": labels["people"]},
            ],
        },
    }


def arrow_angle(move: Move) -> float:
    """The heading of a move in degrees clockwise from up, for the arrowhead."""
    dx = move.to_interest - move.from_interest
    dy = move.to_influence - move.from_influence
    return math.degrees(math.atan2(dx, dy)) % 360


def _move_layers(moves: Sequence[Move], labels: Mapping[str, str]) -> list[dict[str, Any]]:
    rows = []
    for move in moves:
        dx, dy = jitter(move.key)
        across = move.to_interest - move.from_interest
        up = move.to_influence - move.from_influence
        back = ARROW_GAP / math.hypot(across, up)  # the head stops short of the dot
        rows.append(
            {
                "name": move.name,
                "x": move.from_interest + dx,
                "y": move.from_influence + dy,
                "x2": move.to_interest + dx,
                "y2": move.to_influence + dy,
                "head_x": move.to_interest + dx - across * back,
                "head_y": move.to_influence + dy - up * back,
                "angle": arrow_angle(move),
            }
        )
    tooltip = [{"field": "name", "title": labels["name"]}]
    line = {
        "data": {"values": rows},
        "mark": {"type": "rule", "color": "#555555", "strokeWidth": 1.5, "strokeDash": [4, 2]},
        "encoding": {
            "x": _axis("x", labels["interest"]),
            "y": _axis("y", labels["influence"]),
            "x2": {"field": "x2"},
            "y2": {"field": "y2"},
            "tooltip": tooltip,
        },
    }
    head = {
        "data": {"values": rows},
        "mark": {
            "type": "point",
            "shape": "triangle-up",
            "filled": True,
            "size": 70,
            "color": "#555555",
        },
        "encoding": {
            "x": {"field": "head_x", "type": "quantitative"},
            "y": {"field": "head_y", "type": "quantitative"},
            "angle": {"field": "angle", "type": "quantitative", "scale": None},
            "tooltip": tooltip,
        },
    }
    return [line, head]
