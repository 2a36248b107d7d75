"""The demo site that ``stepback demo`` loads.

``demo_load`` builds it in parts, one module per app, each with a ``load(site)``
function that finds or creates its rows (``get_or_create``), so loading twice
changes nothing. ``accounts.load`` comes first and returns the :class:`DemoSite`
(organisations and people by email) that later parts build on; to add a part,
write ``demo/<app>.py`` with ``def load(site: DemoSite) -> None`` and call it from
``demo_load``.

Rows are written directly rather than through the services: services send email
and make random tokens, and the demo needs known log-ins and a quiet second run.
"""

from __future__ import annotations

from django.db import transaction

from stepback.demo import accounts, initiatives
from stepback.demo.site import DEMO_PASSWORD, DemoLogin, DemoSite

__all__ = ["DEMO_PASSWORD", "DemoLogin", "DemoSite", "demo_load"]


def demo_load() -> DemoSite:
    """Create whatever part of the demo site is missing; return the site."""
    with transaction.atomic():
        site = accounts.load()
        initiatives.load(site)
    return site
