"""Helpers for API tests: make a token through the service, call the API with it."""

from __future__ import annotations

import json
from typing import Any

from django.test import Client

from stepback.accounts.models import Organisation, User
from stepback.tokens.models import ApiToken
from stepback.tokens.services import api_token_create


def make_token(user: User, org: Organisation, scope: str = ApiToken.Scope.READ) -> str:
    _, raw = api_token_create(user=user, organisation=org, name="test", scope=scope)
    return raw


def call(method: str, path: str, token: str | None, body: Any = None, **extra: Any) -> Any:
    """Call ``/api/v1`` + ``path``; ``body`` is sent as JSON unless it is already a string."""
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}
    data = body if isinstance(body, str) or body is None else json.dumps(body)
    return getattr(Client(), method)(
        f"/api/v1{path}", data=data, content_type="application/json", **headers, **extra
    )
