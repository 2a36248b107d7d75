"""Template filters for goal pages: quantities with units, pace statuses, the chart bundle."""

from __future__ import annotations

import functools

from django import template
from django.urls import reverse

from stepback.goals.models import STATUS_LABELS
from stepback.lib import charts, formats

register = template.Library()


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
    return f"{reverse('goals:vega_embed')}?v={charts.vega_embed_bundle_version()}"


@register.filter
def percent(fraction: float) -> str:
    """``0.05`` reads "5%"."""
    return formats.trim_number(fraction * 100) + "%"
