"""Goal charts as Vega-Lite specs (plain dicts), rendered to SVG on the server.

One chart definition serves both the screen and the PDF:

* :func:`goal_chart_spec` builds a layered Vega-Lite spec from plain data
  (``(date, value)`` tuples), with the data inline as ``values`` and ISO date strings.
* :func:`render_svg` renders it with ``vl-convert`` (no browser, no network) for PDFs.
* :func:`vega_embed_bundle` returns the self-contained vega-embed + Vega-Lite + Vega
  JavaScript bundle for the browser (a static file from our own origin, never a CDN:
  ``stepback.lib.staticfinders`` writes it for ``collectstatic`` and whitenoise). It defines
  ``window.vegaEmbed``, ``window.vegaLite`` and ``window.vega``. ``static/js/charts.js``
  embeds the charts with it, in CSP-safe mode (``ast: true``, see that file's header).

Both sides use the same Vega-Lite version (:func:`vega_lite_version`, the newest
:data:`VEGA_LITE_MAJOR`.x that the installed vl-convert bundles), so the picture on screen and
in the PDF is the same.

Dates are drawn on a UTC scale (axis labels in UTC) and tooltip dates are formatted here, in
Python: an ISO date such as ``2025-03-01`` is midnight UTC to JavaScript, so local-time
formatting would show the day before west of Greenwich.

No Django imports here: this is a pure helper.
"""

from __future__ import annotations

import copy
import functools
import html
import textwrap
from collections.abc import Sequence
from datetime import date
from typing import Any, NamedTuple, Protocol

from stepback.lib.formats import quantity, short_date

__all__ = [
    "COLOURS",
    "SERVER_WIDTH",
    "VEGA_LITE_MAJOR",
    "ProjectionBand",
    "ProjectionLike",
    "goal_chart_spec",
    "render_svg",
    "vega_embed_bundle",
    "vega_embed_bundle_version",
    "vega_lite_version",
]

#: Width in pixels used by :func:`render_svg` when the spec says ``"container"``.
SERVER_WIDTH = 640
#: Characters per title line: about what a 14 px title fits across a 390 px phone's chart.
TITLE_LINE = 38
COMPACT_HEIGHT = 56
#: Vega-Lite major version. vl-convert 1.9 bundles Vega 6, and vega-embed warns in the console
#: when a spec compiles to Vega 5 (Vega-Lite 5 does), so we use Vega-Lite 6. The specs below use
#: nothing that differs between 5 and 6 (the tests render them with both).
VEGA_LITE_MAJOR = 6
SCHEMA = f"https://vega.github.io/schema/vega-lite/v{VEGA_LITE_MAJOR}.json"

# Legend labels, in legend order. Plain words: they are what people read.
MEASURED = "Measured"
PLANNED = "Planned path"
MILESTONE = "Milestone"
BASELINE = "Baseline"
TARGET = "Target"
PROJECTION = "Projection"
LIKELY_RANGE = "Likely range"

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

VALUE_FORMAT = ",.2~f"

# What the browser bundle runs: vl-convert's default, spelled out (its type stub wants one).
BUNDLE_SNIPPET = "window.vegaEmbed = vegaEmbed;\nwindow.vegaLite = vegaLite;\nwindow.vega = vega;\n"


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
) -> dict[str, Any]:
    """Build a layered Vega-Lite spec (v6; also valid v5) for one goal.

    Layers, each in the legend in plain words:

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

    ``width`` is pixels or ``"container"`` (fills the parent in the browser; :func:`render_svg`
    substitutes :data:`SERVER_WIDTH`). ``height`` defaults to 240, or 56 when ``compact``.
    ``compact=True`` gives a dashboard sparkline: no title, legend, axes or milestone labels.
    ``description`` (the accessible description, read by screen readers) is generated from the
    data when not given.
    """
    measured_rows = [_row(when, value) for when, value in sorted(measurements)]
    planned_rows = [_row(when, value) for when, value in sorted(planned_path)]
    milestone_rows = [_milestone_row(m, unit) for m in sorted(milestones, key=lambda m: m[0])]

    layers: list[dict[str, Any]] = []
    series: list[str] = []

    if projection is not None:
        band = _projection_rows(projection, measured_rows[-1] if measured_rows else None)
        layers.append(_range_layer(band, unit, compact))
        layers.append(_projection_layer(band, unit, compact, single=not measured_rows))
        series += [PROJECTION, LIKELY_RANGE]
    if planned_rows:
        layers.append(_line_layer(planned_rows, PLANNED, unit, compact, dash=PLANNED_DASH))
        series.append(PLANNED)
    if measured_rows:
        layers.append(_line_layer(measured_rows, MEASURED, unit, compact, points=True))
        series.append(MEASURED)
    if milestone_rows:
        layers.append(_milestone_layer(milestone_rows, unit, compact))
        if not compact:
            layers.append(_label_layer(milestone_rows, "milestone_labels"))
        series.append(MILESTONE)
    for name, point in ((BASELINE, baseline), (TARGET, target)):
        if point is not None:
            row = {**_row(*point), "label": f"{name} {quantity(point[1], unit)}"}
            layers.append(_end_layer(row, name, unit, compact))
            if not compact:  # labelled beside the point, so the legend leaves them out
                side = (
                    {"align": "left", "dx": 9} if name == BASELINE else {"align": "right", "dx": -9}
                )
                label = _label_layer([row], f"{_layer_name(name)}_label")
                label["mark"].update(side, dy=0, baseline="middle")
                layers.append(label)
            series.append(name)
    if not layers:  # nothing at all to draw: an empty line keeps the spec valid
        layers.append(_line_layer([], MEASURED, unit, compact))
        series.append(MEASURED)

    order = [MEASURED, PLANNED, MILESTONE, BASELINE, TARGET, PROJECTION, LIKELY_RANGE]
    domain = [name for name in order if name in series]
    for layer in layers:  # one shared colour scale, hence one legend
        colour = layer["encoding"].get("color")
        if colour is not None:
            colour["type"] = "nominal"
            colour["scale"] = {"domain": domain, "range": [COLOURS[name] for name in domain]}
            colour["legend"] = None if compact else _legend(domain)

    spec: dict[str, Any] = {
        "$schema": SCHEMA,
        "description": description
        or _describe(
            title, unit, measured_rows, planned_rows, milestone_rows, projection, baseline, target
        ),
        "width": width,
        "height": height if height is not None else (COMPACT_HEIGHT if compact else 240),
        "background": "white",
        "padding": 2 if compact else 5,
        "encoding": {
            "x": _x_encoding(compact),
            "y": _y_encoding(unit, compact),
        },
        "layer": layers,
        "config": _config(),
    }
    if not compact:
        # Vega does not wrap titles: lines short enough for a phone-wide chart.
        lines = textwrap.wrap(title, TITLE_LINE) or [title]
        spec["title"] = {"text": lines, "anchor": "start", "color": TEXT_COLOUR, "fontSize": 14}
    if width == "container":
        spec["autosize"] = {"type": "fit-x", "contains": "padding"}
    return spec


def render_svg(spec: dict[str, Any]) -> str:
    """Render a spec from :func:`goal_chart_spec` to an SVG string (for PDFs, e-mail, tests).

    A non-numeric width (``"container"``) becomes :data:`SERVER_WIDTH`; the spec passed in is
    not modified. The spec's ``description`` becomes the ``aria-label`` of the ``<svg>`` root,
    as vega-embed does on the chart's container in the browser.
    """
    import vl_convert

    if not isinstance(spec.get("width", 0), int | float):
        spec = copy.copy(spec)
        spec["width"] = SERVER_WIDTH
        spec.pop("autosize", None)
    svg: str = vl_convert.vegalite_to_svg(spec, vl_version=vega_lite_version())
    description = spec.get("description")
    if description and svg.startswith("<svg "):
        label = html.escape(str(description), quote=True)
        svg = (
            '<svg role="graphics-document" aria-roledescription="visualization"'
            f' aria-label="{label}" {svg[len("<svg ") :]}'
        )
    return svg


@functools.lru_cache(maxsize=1)
def vega_embed_bundle() -> str:
    """The vega-embed + Vega-Lite + Vega bundle for the browser, as JavaScript source.

    Built once per process by vl-convert (about 2 s the first time; about 0.9 MB minified,
    300 kB gzipped); :mod:`stepback.lib.staticfinders` writes it to a file once per
    :func:`vega_embed_bundle_version`, served as a static file. It sets ``window.vegaEmbed``,
    ``window.vegaLite`` and ``window.vega``. It includes vega-embed's expression
    interpreter, used with the ``{ast: true}`` embed option: with it Vega evaluates
    expressions without ``eval``/``new Function``, so it runs under a CSP without
    ``'unsafe-eval'`` (see ``static/js/charts.js``).
    """
    import vl_convert

    bundle: str = vl_convert.javascript_bundle(BUNDLE_SNIPPET, vl_version=vega_lite_version())
    return bundle


def vega_embed_bundle_version() -> str:
    """A short version tag for the bundle: the name of its cache directory."""
    import vl_convert

    return (
        f"vl{vega_lite_version()}-vega{vl_convert.get_vega_version()}"
        f"-embed{vl_convert.get_vega_embed_version()}"
    )


@functools.lru_cache(maxsize=1)
def vega_lite_version() -> str:
    """The newest Vega-Lite of :data:`VEGA_LITE_MAJOR` bundled with vl-convert, e.g. ``"6.4"``."""
    import vl_convert

    major = str(VEGA_LITE_MAJOR)
    versions = [v for v in vl_convert.get_vegalite_versions() if v.split(".")[0] == major]
    if not versions:
        raise RuntimeError(f"the installed vl-convert-python bundles no Vega-Lite {major}.x")
    return max(versions, key=lambda v: tuple(int(part) for part in v.split(".")))


# --- layers -------------------------------------------------------------------------------


def _row(when: date, value: float) -> dict[str, Any]:
    return {"date": when.isoformat(), "date_label": short_date(when), "value": float(value)}


def _milestone_row(milestone: Milestone, unit: str) -> dict[str, Any]:
    when, value = milestone[0], milestone[1]
    label = milestone[2] if len(milestone) > 2 else quantity(value, unit)
    return {**_row(when, value), "label": label}


def _projection_rows(
    projection: ProjectionLike, latest: dict[str, Any] | None
) -> list[dict[str, Any]]:
    end = {
        **_row(projection.when, projection.value),
        "low": float(min(projection.low, projection.high)),
        "high": float(max(projection.low, projection.high)),
    }
    if latest is None:
        return [end]
    return [{**latest, "low": latest["value"], "high": latest["value"]}, end]


def _tooltip(unit: str, *extra: dict[str, Any]) -> list[dict[str, Any]]:
    value_title = f"Value ({unit})" if unit else "Value"
    return [
        {"field": "series", "type": "nominal", "title": "Series"},
        # Formatted in Python: a time format in Vega would use the browser's time zone.
        {"field": "date_label", "type": "nominal", "title": "Date"},
        {"field": "value", "type": "quantitative", "title": value_title, "format": VALUE_FORMAT},
        *extra,
    ]


def _with_series(name: str) -> dict[str, Any]:
    return {"calculate": repr(name), "as": "series"}


def _line_layer(
    rows: list[dict[str, Any]],
    name: str,
    unit: str,
    compact: bool,
    *,
    dash: list[int] | None = None,
    points: bool = False,
) -> dict[str, Any]:
    mark: dict[str, Any] = {"type": "line", "strokeWidth": 1.5 if compact else 2.5}
    if dash:
        mark["strokeDash"] = dash
    if points:
        mark["point"] = {"filled": True, "size": 16 if compact else 45}
    layer: dict[str, Any] = {
        "name": _layer_name(name),
        "data": {"values": rows},
        "mark": mark,
        "encoding": {"color": {"datum": name}},
    }
    if not compact:
        layer["transform"] = [_with_series(name)]
        layer["encoding"]["tooltip"] = _tooltip(unit)
    return layer


def _milestone_layer(rows: list[dict[str, Any]], unit: str, compact: bool) -> dict[str, Any]:
    layer: dict[str, Any] = {
        "name": "milestones",
        "data": {"values": rows},
        "mark": {
            "type": "point",
            "shape": "diamond",
            "filled": True,
            "size": 40 if compact else 120,
            "stroke": "white",
            "strokeWidth": 1,
            "opacity": 1,
        },
        "encoding": {"color": {"datum": MILESTONE}},
    }
    if not compact:
        layer["transform"] = [_with_series(MILESTONE)]
        layer["encoding"]["tooltip"] = _tooltip(
            unit, {"field": "label", "type": "nominal", "title": "Milestone"}
        )
    return layer


def _end_layer(row: dict[str, Any], name: str, unit: str, compact: bool) -> dict[str, Any]:
    """The baseline or the target: one point, a square or a triangle."""
    layer: dict[str, Any] = {
        "name": _layer_name(name),
        "data": {"values": [row]},
        "mark": {
            "type": "point",
            "shape": "square" if name == BASELINE else "triangle-up",
            "filled": True,
            "size": 30 if compact else 110,
            "opacity": 1,
        },
        "encoding": {"color": {"datum": name}},
    }
    if not compact:
        layer["transform"] = [_with_series(name)]
        layer["encoding"]["tooltip"] = _tooltip(unit)
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


def _range_layer(rows: list[dict[str, Any]], unit: str, compact: bool) -> dict[str, Any]:
    single = len(rows) == 1
    layer: dict[str, Any] = {
        "name": "likely_range",
        "data": {"values": rows},
        "mark": (
            {"type": "rule", "strokeWidth": 10 if not compact else 4, "opacity": 0.35}
            if single
            else {"type": "area", "opacity": RANGE_OPACITY}
        ),
        "encoding": {
            "y": {"field": "low", "type": "quantitative"},
            "y2": {"field": "high"},
            "color": {"datum": LIKELY_RANGE},
        },
    }
    if not compact:
        layer["transform"] = [_with_series(LIKELY_RANGE)]
        layer["encoding"]["tooltip"] = _range_tooltip(unit)
    return layer


def _range_tooltip(unit: str) -> list[dict[str, Any]]:
    suffix = f" ({unit})" if unit else ""
    return [
        *_tooltip(unit)[:2],
        {"field": "low", "type": "quantitative", "title": f"Low{suffix}", "format": VALUE_FORMAT},
        {
            "field": "high",
            "type": "quantitative",
            "title": f"High{suffix}",
            "format": VALUE_FORMAT,
        },
    ]


def _projection_layer(
    rows: list[dict[str, Any]], unit: str, compact: bool, *, single: bool
) -> dict[str, Any]:
    mark: dict[str, Any] = (
        {"type": "point", "shape": "circle", "filled": False, "size": 60, "strokeWidth": 2}
        if single
        else {
            "type": "line",
            "strokeDash": PROJECTION_DASH,
            "strokeWidth": 1.5 if compact else 2.5,
            "point": False,
        }
    )
    layer: dict[str, Any] = {
        "name": "projection",
        "data": {"values": rows},
        "mark": mark,
        "encoding": {"color": {"datum": PROJECTION}},
    }
    if not compact:
        layer["transform"] = [_with_series(PROJECTION)]
        suffix = f" ({unit})" if unit else ""
        layer["encoding"]["tooltip"] = [
            *_tooltip(unit),
            {
                "field": "low",
                "type": "quantitative",
                "title": f"Likely low{suffix}",
                "format": VALUE_FORMAT,
            },
            {
                "field": "high",
                "type": "quantitative",
                "title": f"Likely high{suffix}",
                "format": VALUE_FORMAT,
            },
        ]
    return layer


# --- shared encodings, legend and config ---------------------------------------------------


def _x_encoding(compact: bool) -> dict[str, Any]:
    encoding: dict[str, Any] = {"field": "date", "type": "temporal", "scale": {"type": "utc"}}
    if compact:
        encoding["axis"] = None
    else:
        encoding["title"] = "Date"
        encoding["axis"] = {"labelOverlap": True, "tickCount": 6}
    return encoding


def _y_encoding(unit: str, compact: bool) -> dict[str, Any]:
    encoding: dict[str, Any] = {
        "field": "value",
        "type": "quantitative",
        "scale": {"zero": False, "nice": True},
    }
    if compact:
        encoding["axis"] = None
    else:
        encoding["title"] = unit or "Value"
        encoding["axis"] = {"format": VALUE_FORMAT, "tickCount": 5}
    return encoding


def _legend(domain: list[str]) -> dict[str, Any]:
    # One legend for all layers; each entry is drawn like its layer (line, dashes, diamond,
    # shaded square), not only by colour.
    def pick(mapping: dict[str, str], default: str) -> dict[str, str]:
        expr = default
        for name, value in reversed(mapping.items()):
            expr = f"datum.value === {name!r} ? {value} : {expr}"
        return {"signal": expr}

    return {
        "title": None,
        "values": [name for name in domain if name not in (BASELINE, TARGET)],
        "orient": "bottom",
        "direction": "horizontal",
        "columns": 3,  # wraps to two rows, so the legend fits a phone-wide chart
        "symbolStrokeWidth": 3,
        "symbolSize": 120,
        "labelColor": TEXT_COLOUR,
        "labelFontSize": 12,
        "encode": {
            "symbols": {
                "update": {
                    "shape": pick(
                        {
                            MILESTONE: "'diamond'",
                            LIKELY_RANGE: "'square'",
                            BASELINE: "'square'",
                            TARGET: "'triangle-up'",
                        },
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


def _config() -> dict[str, Any]:
    return {
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


def _layer_name(name: str) -> str:
    return name.lower().replace(" ", "_")


# --- accessible description ------------------------------------------------------------------


def _describe(
    title: str,
    unit: str,
    measured: list[dict[str, Any]],
    planned: list[dict[str, Any]],
    milestones: list[dict[str, Any]],
    projection: ProjectionLike | None,
    baseline: Point | None,
    target: Point | None,
) -> str:
    parts = [f"Chart of {title}" + (f" in {unit}." if unit else ".")]
    if baseline is not None:
        parts.append(f"Baseline {quantity(baseline[1], unit)} on {short_date(baseline[0])}.")
    if target is not None:
        parts.append(f"Target {quantity(target[1], unit)} by {short_date(target[0])}.")
    if measured:
        first, last = measured[0], measured[-1]
        count = len(measured)
        parts.append(
            f"{count} measurement{'s' if count != 1 else ''} from {first['date_label']}"
            f" ({quantity(first['value'], unit)}) to {last['date_label']}"
            f" ({quantity(last['value'], unit)})."
        )
    else:
        parts.append("No measurements yet.")
    if planned:
        end = planned[-1]
        parts.append(f"Planned path reaches {quantity(end['value'], unit)} by {end['date_label']}.")
    if milestones:
        listed = "; ".join(f"{m['label']} by {m['date_label']}" for m in milestones)
        parts.append(f"Milestones: {listed}.")
    if projection is not None:
        parts.append(
            f"At the current pace: about {quantity(projection.value, unit)}"
            f" by {short_date(projection.when)}, likely between"
            f" {quantity(min(projection.low, projection.high), unit)} and"
            f" {quantity(max(projection.low, projection.high), unit)}."
        )
    return " ".join(parts)
