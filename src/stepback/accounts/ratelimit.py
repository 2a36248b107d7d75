"""A small rate limit on failed sign-ins, counted in the cache by ``core.ratelimit``.

Failures are counted per email address and per client address. When an email
address reaches ``SIGN_IN_MAX_FAILURES`` within ``SIGN_IN_LOCKOUT_SECONDS``, or
a client address reaches ``ADDRESS_FACTOR`` times that (one office may share an
address, and one attacker may try many accounts), further attempts are refused
until the window passes. A successful sign-in clears the email address's count.

Password-reset emails are limited too: ``PASSWORD_RESETS_PER_HOUR`` per address.
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest

from stepback.core.ratelimit import count

ADDRESS_FACTOR = 4


def client_address(request: HttpRequest) -> str:
    """The client's address: from ``CLIENT_IP_HEADER`` behind a proxy, else the connection's."""
    if settings.CLIENT_IP_HEADER:
        meta_key = "HTTP_" + settings.CLIENT_IP_HEADER.upper().replace("-", "_")
        forwarded = request.META.get(meta_key, "")
        if forwarded.strip():
            return forwarded.split(",")[-1].strip()
    return str(request.META.get("REMOTE_ADDR", "unknown"))


def _digest(email: str) -> str:
    return hashlib.sha256(email.strip().lower().encode()).hexdigest()


def _keys(request: HttpRequest, email: str) -> list[str]:
    return [f"signin-fail:email:{_digest(email)}", f"signin-fail:ip:{client_address(request)}"]


def is_locked_out(request: HttpRequest, email: str) -> bool:
    email_key, address_key = _keys(request, email)
    counts = cache.get_many([email_key, address_key])
    limit = settings.SIGN_IN_MAX_FAILURES
    return counts.get(email_key, 0) >= limit or counts.get(address_key, 0) >= limit * ADDRESS_FACTOR


def record_failure(request: HttpRequest, email: str) -> None:
    for key in _keys(request, email):
        count(key, settings.SIGN_IN_LOCKOUT_SECONDS)


def clear_failures(request: HttpRequest, email: str) -> None:
    cache.delete(_keys(request, email)[0])


def password_reset_allowed(email: str) -> bool:
    """Whether another password-reset email may go to ``email`` within the hour.

    Counts every request, so a flood of requests cannot fill someone's inbox; the
    page says the same either way, so the limit reveals nothing about accounts.
    """
    key = f"password-reset:email:{_digest(email)}"
    return count(key, timeout=3600) <= settings.PASSWORD_RESETS_PER_HOUR
