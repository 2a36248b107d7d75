"""Counting requests in the cache, for every rate limit Stepback keeps.

``count`` is the counter: sign-in failures and password-reset emails (``accounts/
ratelimit.py``) and API requests per token (``tokens/auth.py``) all count with it.
``window_wait`` is a fixed-window limit on top of it that says how long to wait.
"""

from __future__ import annotations

import math
import time

from django.core.cache import cache


def count(key: str, timeout: int) -> int:
    """Add one to the count at ``key``, which expires ``timeout`` seconds after it started."""
    if cache.add(key, 1, timeout=timeout):
        return 1
    try:
        return int(cache.incr(key))
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=timeout)
        return 1


def window_wait(key: str, *, limit: int, period: int, now: float | None = None) -> int:
    """Count one event at ``key``; 0 while at most ``limit`` fall in this ``period``-second
    window, else the whole seconds until the next window starts.

    ``now`` (seconds since the epoch) is for tests, which must not depend on the clock.
    """
    now = time.time() if now is None else now
    window = math.floor(now / period)
    if count(f"{key}:{window}", timeout=period * 2) <= limit:
        return 0
    return max(1, math.ceil((window + 1) * period - now))
