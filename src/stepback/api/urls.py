"""The API's URLs: ninja's routes, each answering HEAD as GET, and JSON for unknown paths."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.urls import URLPattern, URLResolver, path, re_path
from django.views.decorators.csrf import csrf_exempt

from stepback.api.api import api
from stepback.core.api_errors import problem_response

View = Callable[..., HttpResponseBase]


def answers_head(view: View) -> View:
    """``view``, answering HEAD as it answers GET, without the body.

    ninja routes answer only the methods they declare; HEAD runs the GET route (access
    checks included), and keeps its headers and the length of the body it drops.
    """

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if request.method != "HEAD":
            return _problem_if_not_allowed(view(request, *args, **kwargs))
        request.method = "GET"
        try:
            response = _problem_if_not_allowed(view(request, *args, **kwargs))
        finally:
            request.method = "HEAD"
        if isinstance(response, HttpResponse):
            response["Content-Length"] = str(len(response.content))
            response.content = b""
        return response

    return wrapped


def _problem_if_not_allowed(response: HttpResponseBase) -> HttpResponseBase:
    """ninja's bare 405 as a problem document, keeping its ``Allow`` (with HEAD beside GET)."""
    if response.status_code != 405 or response.get("Content-Type", "").endswith("problem+json"):
        return response
    allowed = [method.strip() for method in response.get("Allow", "").split(",") if method]
    if "GET" in allowed:
        allowed.append("HEAD")
    return problem_response(
        405,
        "This path does not answer that method.",
        headers={"Allow": ", ".join(sorted(allowed))},
    )


def _with_head(patterns: list[URLPattern | URLResolver]) -> list[URLPattern | URLResolver]:
    for pattern in patterns:
        if isinstance(pattern, URLPattern):
            pattern.callback = answers_head(pattern.callback)
    return patterns


@csrf_exempt
def unknown_path(request: HttpRequest, rest: str) -> HttpResponse:
    return problem_response(404, "There is no such path in the API; see /api/v1/docs.")


_patterns, _app_name, _namespace = api.urls

urlpatterns = [
    path("api/v1/", (_with_head(_patterns), _app_name, _namespace)),
    re_path(r"^api/v1/(?P<rest>.*)$", unknown_path),
]
