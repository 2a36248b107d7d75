"""The scale-out path: with STEPBACK_REDIS_URL set, tasks queue in Redis and the cache lives there.

Runs in a subprocess in development mode (tasks really queued, not run inline). Without a
Redis server the test skips, except in CI (CI=true), which must run it.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

REDIS_URL = os.environ.get("STEPBACK_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")

PROBE = textwrap.dedent(
    """
    import django
    django.setup()
    from django.core.cache import cache
    from huey import RedisHuey
    from huey.contrib.djhuey import HUEY
    from stepback.accounts.tasks import email_send

    assert isinstance(HUEY, RedisHuey), type(HUEY)
    HUEY.flush()
    cache.set("stepback-probe", 42)
    assert cache.get("stepback-probe") == 42
    email_send(subject="Queued through Redis", body="hello", to=["probe@example.org"])
    assert HUEY.pending_count() == 1
    HUEY.execute(HUEY.dequeue())
    assert HUEY.pending_count() == 0
    HUEY.flush()
    print("probe ok")
    """
)


def _redis_answers() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=2):
            return True
    except OSError:
        return False


def test_it_queues_tasks_and_caches_in_redis_when_configured(tmp_path: Path) -> None:
    if not _redis_answers():
        if os.environ.get("CI") == "true":
            pytest.fail("Redis is not reachable on 127.0.0.1:6379; CI must test the Redis path.")
        pytest.skip("No Redis server on 127.0.0.1:6379: the Redis path was NOT tested")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("STEPBACK_", "DJANGO_"))}
    env |= {
        "DJANGO_SETTINGS_MODULE": "stepback.settings",
        "STEPBACK_ENV": "development",
        "STEPBACK_DATA_DIR": str(tmp_path),
        "STEPBACK_REDIS_URL": REDIS_URL,
    }
    result = subprocess.run(
        [sys.executable, "-c", PROBE], env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert "probe ok" in result.stdout
    assert "Subject: Queued through Redis" in result.stdout
