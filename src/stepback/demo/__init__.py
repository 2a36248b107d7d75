"""The demo site that ``stepback demo`` loads.

The content is data: ``accounts.json`` and ``initiatives.json`` in this package. The
Python is a small loader, one module per data file, each with a ``load(site)`` function
that reads its file and finds or creates the rows it describes, so loading twice changes
nothing. ``accounts.load`` comes first and returns the :class:`DemoSite` (organisations
and people by email) that later parts build on; to add a part, write ``demo/<app>.json``
and ``demo/<app>.py`` with ``def load(site: DemoSite) -> None``, and call it from
``demo_load``.

Everything past the accounts goes in through the services, with the person the story
names as the actor, so the demo obeys the same rules as everyone and fills the audit log.
The accounts are written directly: the people need the published password, the token
its published value, and the invitation must not be emailed.
"""

from __future__ import annotations

from django.db import transaction

from stepback.demo import accounts, feedback, initiatives, ownership, plans, stakeholders
from stepback.demo.site import DEMO_PASSWORD, DemoLogin, DemoSite

__all__ = ["DEMO_PASSWORD", "DemoLogin", "DemoSite", "demo_load"]


def demo_load() -> DemoSite:
    """Create whatever part of the demo site is missing; return the site."""
    with transaction.atomic():
        site = accounts.load()
        initiatives.load(site)
        plans.load(site)
        ownership.load(site)
        stakeholders.load(site)
        feedback.load(site)
    return site
