"""Template filters for initiative pages: safe Markdown, quantities with units, statuses."""

from __future__ import annotations

import functools
import re

import markdown as markdown_lib
import nh3
from django import template
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe

from stepback.initiatives.models import STATUS_LABELS
from stepback.lib import charts, formats

register = template.Library()

ALLOWED_TAGS = {
    "p", "br", "strong", "em", "b", "i", "del", "ul", "ol", "li",
    "blockquote", "code", "pre", "a", "h4", "h5", "h6", "hr",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}
URL_SCHEMES = {"http", "https", "mailto"}
_HEADING = re.compile(r"<(/?)h([1-6])>")


def render_markdown(text: str) -> str:
    """Markdown to HTML with only basic tags kept: no scripts, styles, images or event handlers.

    Headings move down three levels (``#`` becomes ``<h4>``) to sit under the page's own
    headings; links keep only http(s) and mailto targets and get ``rel="noopener noreferrer"``.
    """
    html = markdown_lib.markdown(text or "", extensions=["sane_lists", "nl2br"])
    html = _HEADING.sub(lambda m: f"<{m[1]}h{min(int(m[2]) + 3, 6)}>", html)
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer",
    )


@register.filter
def markdown(text: str) -> SafeString:
    return mark_safe(render_markdown(text))  # sanitised by nh3 in render_markdown


@register.filter
def quantity(value: float | None, unit: str = "") -> str:
    """``62.5`` with ``"%"`` reads "62.5%"; with ``"teachers"``, "62.5 teachers"."""
    return formats.quantity(value, unit)


@register.filter
def status_label(status: str) -> str:
    return STATUS_LABELS.get(status, status)


@register.simple_tag
def vega_embed_src() -> str:
    """The URL of the vega-embed bundle, versioned so browsers may cache it for a year."""
    return _vega_embed_src()


@functools.lru_cache(maxsize=1)
def _vega_embed_src() -> str:
    return f"{reverse('initiatives:vega_embed')}?v={charts.vega_embed_bundle_version()}"


@register.filter
def percent(fraction: float) -> str:
    """``0.05`` reads "5%"."""
    return formats.trim_number(fraction * 100) + "%"
