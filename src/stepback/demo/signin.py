"""The demo's log-ins on the sign-in page of a development site, where the demo is loaded.

A context processor (in ``settings.TEMPLATES``): on any other page, or site, it adds nothing
and asks nothing of the database.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import gettext as _

from stepback.accounts.models import User
from stepback.demo.accounts import ORGANISATIONS, PEOPLE
from stepback.demo.site import DEMO_PASSWORD


def demo_logins(request: HttpRequest) -> dict[str, Any]:
    match = request.resolver_match
    if (
        settings.ENVIRONMENT != "development"
        or match is None
        or match.view_name != "accounts:login"
    ):
        return {}
    present = set(
        User.objects.filter(
            email__in=[email for email, _, _ in PEOPLE], is_active=True
        ).values_list("email", flat=True)
    )
    # The colon's spacing is the language's (French puts a space before it).
    logins = [
        (
            email,
            "; ".join(
                _("%(organisation)s: %(role)s")
                % {"organisation": ORGANISATIONS[slug], "role": role.label}
                for slug, role in roles.items()
            ),
        )
        for email, _name, roles in PEOPLE
        if email in present
    ]
    return {"demo_logins": logins, "demo_password": DEMO_PASSWORD} if logins else {}
