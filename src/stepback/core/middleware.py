"""Per-request locale: runs after authentication, so it knows the person."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from stepback.core.locale import activate_person


class PersonLocaleMiddleware:
    """Activate the person's language (over the browser's); the time zone lasts one request.

    ``LocaleMiddleware`` has chosen from ``Accept-Language`` before this runs; the
    organisation's zone and language are activated by ``org_view`` and the API's token
    check, which are where the organisation is known (``core.locale``).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        activate_person(request)
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()
