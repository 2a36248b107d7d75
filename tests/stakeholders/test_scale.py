"""The stakeholder pages read a fixed number of queries, whatever the number of people."""

from __future__ import annotations

import random
from collections.abc import Callable

import pytest
from benchmarks.stakeholders import generate_stakeholders
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from stepback.accounts.roles import Role
from tests.conftest import make_initiative, make_member, make_org

pytestmark = pytest.mark.django_db

MAX_QUERIES = 20
PAGES: dict[str, Callable[[str, str], str]] = {
    "register": lambda org, base: f"/o/{org}/stakeholders/",
    "units": lambda org, base: f"/o/{org}/stakeholders/units/",
    "initiative's stakeholders": lambda org, base: f"{base}stakeholders/",
    "map": lambda org, base: f"{base}map/",
    "map with movement": lambda org, base: f"{base}map/?since=2000-01-01",
    "engagement": lambda org, base: f"{base}touchpoints/",
    "network": lambda org, base: f"{base}network/",
}


def _queries(size: int, page: str) -> int:
    """The queries of ``page`` in a new organisation of ``size`` stakeholders."""
    org = make_org()
    client = Client()
    client.force_login(make_member(org, Role.LEADER))
    initiative = make_initiative(org)
    generate_stakeholders(initiative, size, random.Random(size))
    url = PAGES[page](org.slug, f"/o/{org.slug}/initiatives/{initiative.pk}/")
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


@pytest.mark.parametrize("page", PAGES)
def test_a_page_costs_the_same_few_queries_for_100_and_1000_stakeholders(page: str) -> None:
    small, large = _queries(100, page), _queries(1000, page)
    assert small == large
    assert large <= MAX_QUERIES
