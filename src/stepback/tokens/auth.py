"""Bearer-token authentication, and the access rule every API route declares.

``access(rule)`` lives here, beside the token authentication it is made of, so each
app's ``api.py`` imports it from this lower feature app; ``stepback.api`` only
assembles the routers and never needs importing back.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db.models import F
from django.http import HttpRequest
from django.utils import timezone
from ninja.errors import HttpError, Throttled
from ninja.security import HttpBearer

from stepback.accounts.models import Membership
from stepback.accounts.roles import WRITE_CAPABILITIES, Capability
from stepback.core.api_errors import problem_answer
from stepback.core.ratelimit import window_wait
from stepback.tokens.models import ApiToken, hash_token

# Refresh last_used_at at most this often, so reads do not all turn into writes.
LAST_USED_RESOLUTION_SECONDS = 60


class TokenAuth(HttpBearer):
    """An active token of an active user who is still a member of the token's organisation.

    Anything else is a 401: a revoked or expired token, and the token of someone removed
    from the organisation, stop working everywhere, ``/me`` included. Each token may make
    ``API_REQUESTS_PER_MINUTE`` requests a minute; past it, 429 with ``Retry-After``.
    """

    def authenticate(self, request: HttpRequest, token: str) -> ApiToken | None:
        api_token = (
            ApiToken.objects.active()
            .select_related("user", "organisation")
            .filter(
                token_hash=hash_token(token),
                user__is_active=True,
                user__memberships__organisation=F("organisation"),
            )
            .first()
        )
        if api_token is None:
            return None
        if api_token.is_expired:
            assert api_token.expires_on is not None
            raise HttpError(
                401,
                f"This token expired after {api_token.expires_on.isoformat()}. Create a new "
                "one on the API tokens page.",
            )
        wait = window_wait(
            f"api-requests:{api_token.pk}", limit=settings.API_REQUESTS_PER_MINUTE, period=60
        )
        if wait:
            raise Throttled(wait)
        now = timezone.now()
        last = api_token.last_used_at
        if last is None or (now - last).total_seconds() > LAST_USED_RESOLUTION_SECONDS:
            ApiToken.objects.filter(pk=api_token.pk).update(last_used_at=now)
        request.user = api_token.user
        return api_token


class OrgTokenAuth(TokenAuth):
    """A token that may do ``rule`` in the organisation named by the route's ``org`` parameter.

    Checked during authentication, before the request body is parsed, so another
    organisation is always a 404 and a missing right a 403, whatever the body.
    """

    def __init__(self, rule: Capability | str) -> None:
        super().__init__()
        self.rule = rule

    def authenticate(self, request: HttpRequest, token: str) -> ApiToken | None:
        api_token = super().authenticate(request, token)
        if api_token is None or not isinstance(self.rule, Capability):
            return api_token
        assert request.resolver_match is not None
        org = request.resolver_match.kwargs.get("org")
        request.api_membership = _membership_for(api_token, org, self.rule)  # type: ignore[attr-defined]
        return api_token


def _membership_for(token: ApiToken, org: str | None, capability: Capability) -> Membership:
    if org is None or token.organisation.slug != org:
        raise HttpError(404, "Not found.")
    membership = (
        Membership.objects.select_related("organisation", "user")
        .filter(user_id=token.user_id, organisation_id=token.organisation_id)
        .first()
    )
    if membership is None:
        raise HttpError(404, "Not found.")
    if capability in WRITE_CAPABILITIES and token.scope != ApiToken.Scope.WRITE:
        raise HttpError(403, "This token is read-only.")
    if not membership.can(capability):
        raise HttpError(403, f"Your role ({membership.role_label}) cannot do this.")
    return membership


def api_membership(request: HttpRequest) -> Membership:
    """The membership that the route's access rule admitted (see ``access``)."""
    return request.api_membership  # type: ignore[attr-defined]


#: The error answers every route can give (``api/api.py`` makes them), for the schema.
ERROR_RESPONSES = {
    401: problem_answer("Missing, unknown, expired or revoked token."),
    403: problem_answer("The role or a read-only token does not allow this."),
    404: problem_answer("No such thing in the token's organisation."),
    422: problem_answer(
        "Not valid: each field with its message; nothing was changed.", with_errors=True
    ),
    429: problem_answer("Too many requests with this token; `Retry-After` says when to try again."),
    500: problem_answer("A fault of ours; it is logged. Retry later."),
}


def access(rule: Capability | str, *, conflict: str | None = None) -> dict[str, Any]:
    """A route's access rule, as keyword arguments of ninja's route decorators.

    ``@router.get("/orgs/{org}/…", **access(Capability.VIEW))`` authenticates the
    token and checks the rule before anything else; the rule also appears in the
    OpenAPI schema, where the automatic access test reads it to check every route, with
    the error answers the route can give; ``conflict`` describes its 409, if it has one.
    """
    responses = dict(ERROR_RESPONSES)
    if conflict:
        responses[409] = problem_answer(conflict)
    extra = {"x-stepback-capability": str(rule), "responses": responses}
    return {"auth": OrgTokenAuth(rule), "openapi_extra": extra}
