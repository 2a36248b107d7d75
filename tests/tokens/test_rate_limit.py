"""Each token may make so many API requests a minute; past it, 429 with Retry-After.

Time is injected (``core.ratelimit.time``), so the tests never depend on the clock.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.core.cache import cache

from stepback.accounts.roles import Role
from stepback.core import ratelimit
from tests.api.conftest import call, make_token
from tests.conftest import Tenant

START = 1_800_000_000.0  # a minute's start: divisible by 60


class Clock:
    def __init__(self) -> None:
        self.now = START

    def time(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch, settings: Any) -> Clock:
    cache.clear()
    settings.API_REQUESTS_PER_MINUTE = 3
    fake = Clock()
    monkeypatch.setattr(ratelimit.time, "time", fake.time)
    return fake


def test_it_answers_429_with_retry_after_past_the_limit(tenant: Tenant, clock: Clock) -> None:
    token = make_token(tenant.user(Role.MEMBER), tenant.org)
    clock.now = START + 15.2
    assert [call("get", "/me", token).status_code for _ in range(3)] == [200, 200, 200]
    refused = call("get", "/orgs/riverside", token)
    assert refused.status_code == 429
    assert refused["Retry-After"] == "45"
    assert refused["Content-Type"] == "application/problem+json"
    assert refused.json()["detail"] == (
        "Too many requests with this token; try again in 45 seconds."
    )
    clock.now = START + 60
    assert call("get", "/me", token).status_code == 200


def test_it_counts_each_token_apart(tenant: Tenant, clock: Clock) -> None:
    busy = make_token(tenant.user(Role.MEMBER), tenant.org)
    calm = make_token(tenant.user(Role.MEMBER), tenant.org)
    for _ in range(4):
        call("get", "/me", busy)
    assert call("get", "/me", busy).status_code == 429
    assert call("get", "/me", calm).status_code == 200


def test_it_does_not_count_requests_without_a_valid_token(tenant: Tenant, clock: Clock) -> None:
    token = make_token(tenant.user(Role.MEMBER), tenant.org)
    for _ in range(5):
        assert call("get", "/me", "sbk_wrong").status_code == 401
    assert call("get", "/me", token).status_code == 200


def test_the_window_waits_only_until_the_next_minute() -> None:
    cache.clear()
    waits = [ratelimit.window_wait("k", limit=2, period=60, now=START + 59.5) for _ in range(3)]
    assert waits == [0, 0, 1]
    assert ratelimit.window_wait("k", limit=2, period=60, now=START + 60) == 0
