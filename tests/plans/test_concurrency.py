"""No lost updates when two people save at once, on SQLite and PostgreSQL alike.

Two threads, each with its own database connection, start from the same version (or the
same revision) and save at the same moment: exactly one wins, the other is refused, and
the row holds the winner's change only.

``tests.concurrency.at_once`` releases the threads together (and waits out SQLite's
in-memory table locks as the site's database file would).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from stepback.accounts.roles import Role
from stepback.plans import services
from stepback.plans.models import Action, Revision
from tests.concurrency import at_once
from tests.conftest import Tenant, make_initiative

pytestmark = pytest.mark.django_db(transaction=True)


def test_two_saves_of_one_action_at_once_keep_exactly_one(tenant: Tenant) -> None:
    initiative = make_initiative(tenant.org)
    action = services.action_create(initiative=initiative, actor=None, title="Reading groups")

    def save(title: str, role: Role) -> Callable[[], Any]:
        return lambda: services.action_update(
            action=Action.objects.select_related("plan").get(pk=action.pk),
            actor=tenant.user(role),
            version=1,
            changes={"title": title},
        )

    answers = at_once(save("Clubs", Role.LEADER), save("Circles", Role.SUPPORT))
    refused = [a for a in answers if isinstance(a, services.StaleWrite)]
    saved = [a for a in answers if isinstance(a, Action)]
    assert len(refused) == 1 and len(saved) == 1, answers
    action.refresh_from_db()
    assert (action.title, action.version) == (saved[0].title, 2)
    assert refused[0].since and saved[0].title in refused[0].since[0].sentence


def test_two_revisions_on_one_base_at_once_make_one_and_a_conflict(tenant: Tenant) -> None:
    initiative = make_initiative(tenant.org)
    services.action_create(initiative=initiative, actor=None, title="Library")

    def save(rationale: str) -> Callable[[], Any]:
        return lambda: services.revision_save(
            initiative=initiative, actor=None, rationale=rationale, base_number=0
        )

    answers = at_once(save("One"), save("Two"))
    assert sum(isinstance(a, Revision) for a in answers) == 1, answers
    assert sum(isinstance(a, services.RevisionConflict) for a in answers) == 1, answers
    assert Revision.objects.count() == 1
