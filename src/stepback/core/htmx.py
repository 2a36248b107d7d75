"""The two ways a view answers htmx: a fragment of its page, or a redirect htmx follows."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.cache import patch_vary_headers
from django_htmx.http import HttpResponseClientRedirect


def render_page_or_partial(
    request: HttpRequest,
    template: str,
    partial: str,
    context: dict[str, Any],
    *,
    use_partial: bool = True,
) -> HttpResponse:
    """The whole page, or for htmx just its ``{% partialdef partial %}``.

    A history restore (htmx reloading a page that is not in its cache) needs the whole page.
    The response varies on ``HX-Request`` so that no cache hands a fragment to a page load.
    """
    htmx = request.htmx  # type: ignore[attr-defined]
    wants_partial = use_partial and htmx and not htmx.history_restore_request
    response = render(request, f"{template}#{partial}" if wants_partial else template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


def redirect_page(request: HttpRequest, url: str) -> HttpResponse:
    """A redirect that htmx follows with a full page load, so that messages show."""
    if getattr(request, "htmx", False):
        return HttpResponseClientRedirect(url)
    return redirect(url)
