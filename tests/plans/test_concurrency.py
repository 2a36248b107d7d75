"""No lost updates when two people save at once, on SQLite and PostgreSQL alike.

Two threads, each with its own database connection, start from the same version (or the
same revision) and save at the same moment: exactly one wins, the other is refused, and
the row holds the winner's change only.

The SQLite test database lives in memory with a shared cache, where a writer that meets
another's lock is told at once ("database table is locked") instead of waiting out the
busy timeout as it does on the site's database file; ``_at_once`` waits and retries it,
as the file would, so the second save runs after the first commits, as it would there.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

import pytest
from django.db import OperationalError, connection

from stepback.accounts.roles import Role
from stepback.plans import services
from stepback.plans.models import Action, Revision
from tests.conftest import Tenant, make_initiative

pytestmark = pytest.mark.django_db(transaction=True)


def _at_once(*calls: Callable[[], Any]) -> list[Any]:
    """Run the calls in threads released together; each answer or exception, in order."""
    barrier = threading.Barrier(len(calls))
    answers: list[Any] = [None] * len(calls)

    def run(index: int, call: Callable[[], Any]) -> None:
        barrier.wait()
        try:
            for _attempt in range(200):
                try:
                    answers[index] = call()
                    return
                except OperationalError as error:
                    if "locked" not in str(error):
                        raise
                    time.sleep(0.01)
        except Exception as error:  # the refusal is the answer under test
            answers[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=pair) for pair in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return answers


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

    answers = _at_once(save("Clubs", Role.LEADER), save("Circles", Role.SUPPORT))
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

    answers = _at_once(save("One"), save("Two"))
    assert sum(isinstance(a, Revision) for a in answers) == 1, answers
    assert sum(isinstance(a, services.RevisionConflict) for a in answers) == 1, answers
    assert Revision.objects.count() == 1
