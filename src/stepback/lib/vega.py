"""Running Vega-Lite: server-side SVG and the browser bundle, from one vl-convert.

* :func:`render_svg` renders a spec with ``vl-convert`` (no browser, no network) for PDFs,
  e-mail and tests.
* :func:`vega_embed_bundle` returns the self-contained vega-embed + Vega-Lite + Vega
  JavaScript bundle for the browser (a static file from our own origin, never a CDN:
  ``stepback.lib.staticfinders`` writes it for ``collectstatic`` and whitenoise). It defines
  ``window.vegaEmbed``, ``window.vegaLite`` and ``window.vega``. ``static/js/charts.js``
  embeds the charts with it, in CSP-safe mode (``ast: true``, see that file's header).

Both sides use the same Vega-Lite version (:func:`vega_lite_version`, the newest
:data:`VEGA_LITE_MAJOR`.x that the installed vl-convert bundles), so the picture on screen and
in the PDF is the same. What a goal's chart draws is :mod:`stepback.lib.charts`.
"""

from __future__ import annotations

import copy
import functools
import html
from typing import Any

__all__ = [
    "SCHEMA",
    "SERVER_WIDTH",
    "VEGA_LITE_MAJOR",
    "render_svg",
    "vega_embed_bundle",
    "vega_embed_bundle_version",
    "vega_lite_version",
]

#: Width in pixels used by :func:`render_svg` when the spec says ``"container"``.
SERVER_WIDTH = 640
#: Vega-Lite major version. vl-convert 1.9 bundles Vega 6, and vega-embed warns in the console
#: when a spec compiles to Vega 5 (Vega-Lite 5 does), so we use Vega-Lite 6. The specs use
#: nothing that differs between 5 and 6 (the tests render them with both).
VEGA_LITE_MAJOR = 6
SCHEMA = f"https://vega.github.io/schema/vega-lite/v{VEGA_LITE_MAJOR}.json"

# What the browser bundle runs: vl-convert's default, spelled out (its type stub wants one).
BUNDLE_SNIPPET = "window.vegaEmbed = vegaEmbed;\nwindow.vegaLite = vegaLite;\nwindow.vega = vega;\n"


def render_svg(spec: dict[str, Any]) -> str:
    """Render a Vega-Lite spec to an SVG string (for PDFs, e-mail, tests).

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
