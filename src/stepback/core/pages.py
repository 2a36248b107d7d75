"""The shape every form page shares, so that each view says only what is its own."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from stepback.core.forms import ServiceForm


def form_page(
    request: HttpRequest,
    form: ServiceForm,
    template: str,
    context: dict[str, Any],
    save: Callable[[], HttpResponse],
) -> HttpResponse:
    """Show ``form``; on a POST that parses, ``save`` (the service call, then a redirect).

    A ``ValidationError`` from the service shows on the form, like the form's own errors,
    and the page answers 400 whenever it shows errors.
    """
    if request.method == "POST" and form.is_valid():
        try:
            return save()
        except ValidationError as error:
            form.add_service_errors(error)
    return render(request, template, {"form": form, **context}, status=400 if form.errors else 200)
