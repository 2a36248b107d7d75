from __future__ import annotations

from typing import Any

from django.http import HttpRequest


def organisation(request: HttpRequest) -> dict[str, Any]:
    """The current organisation and the user's memberships, for the navigation and switcher."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    membership = getattr(request, "membership", None)
    return {
        "current_org": getattr(request, "org", None),
        "current_membership": membership,
        "my_memberships": user.memberships_with_org(),
    }
