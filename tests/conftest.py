"""Shared fixtures: an organisation with one user per role, and an outsider elsewhere.

``make_*`` helpers build rows with sensible defaults; tests say only what matters to them.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client

from stepback.accounts.models import Membership, Organisation, User
from stepback.accounts.roles import Role
from stepback.goals import services as goal_services
from stepback.goals.models import Goal
from stepback.initiatives import services as initiative_services
from stepback.initiatives.models import Initiative
from stepback.lib.catalogues import compile_catalogues

PASSWORD = "correct horse battery staple"
_counter = itertools.count(1)


@pytest.fixture(autouse=True)
def clean_cache() -> Iterator[None]:
    """Rate limits and import progress live in the cache; no test sees another's."""
    cache.clear()
    yield
    cache.clear()


def make_org(name: str = "", slug: str = "") -> Organisation:
    n = next(_counter)
    return Organisation.objects.create(name=name or f"Organisation {n}", slug=slug or f"org-{n}")


def make_user(email: str = "", *, name: str = "", password: str = PASSWORD) -> User:
    n = next(_counter)
    return User.objects.create_user(email or f"person{n}@example.org", password, name=name)


def make_member(org: Organisation, role: Role | str = Role.MEMBER, email: str = "") -> User:
    user = make_user(email or f"{role}{next(_counter)}@example.org", name=f"{str(role).title()}")
    Membership.objects.create(user=user, organisation=org, role=role)
    return user


def make_initiative(org: Organisation, title: str = "", **fields: Any) -> Initiative:
    return initiative_services.initiative_create(
        actor=None, organisation=org, title=title or f"Initiative {next(_counter)}", **fields
    )


def make_goal(initiative: Initiative, name: str = "", **fields: Any) -> Goal:
    """A higher-is-better goal from 50 in January 2025 to 80 by January 2027 unless told."""
    values: dict[str, Any] = {
        "unit": "%",
        "baseline_value": 50.0,
        "baseline_date": date(2025, 1, 1),
        "target_value": 80.0,
        "target_date": date(2027, 1, 1),
        **fields,
    }
    milestones = values.pop("milestones", ())
    return goal_services.goal_create(
        initiative=initiative,
        actor=None,
        fields={"name": name or f"Goal {next(_counter)}", **values},
        milestones=milestones,
    )


@dataclass
class Tenant:
    """One organisation with a user in each role, plus an admin of a second organisation."""

    org: Organisation
    users: dict[Role, User]
    other_org: Organisation
    outsider: User

    def user(self, role: Role) -> User:
        return self.users[role]

    def client_for(self, user: User) -> Client:
        client = Client()
        client.force_login(user)
        return client

    def client(self, role: Role) -> Client:
        return self.client_for(self.users[role])


@pytest.fixture
def tenant(db: None) -> Tenant:
    org = make_org("Riverside School", "riverside")
    users = {role: make_member(org, role, f"{role.value}@riverside.example") for role in Role}
    other_org = make_org("Hillside College", "hillside")
    outsider = make_member(other_org, Role.ADMIN, "admin@hillside.example")
    return Tenant(org=org, users=users, other_org=other_org, outsider=outsider)


def pytest_configure(config: pytest.Config) -> None:
    """Compile the translation catalogues once, before any worker starts (Babel, no gettext)."""
    if not hasattr(config, "workerinput"):
        compile_catalogues()
