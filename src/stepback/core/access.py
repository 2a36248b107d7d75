"""Tenant access for web views.

Every organisation page lives under ``/o/<org>/``. ``org_view`` resolves the
organisation from the user's own memberships (404 for anyone else, so other
tenants cannot even learn what exists) and checks the role's capability (403).
``get_object_for_member`` fetches a row only through the request's organisation.

The decorators record what they enforce on the view (``access_rule``) so the
automatic access test can walk every URL pattern and check it.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Model, QuerySet
from django.http import Http404, HttpRequest
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _

from stepback.accounts.models import Membership, Organisation
from stepback.accounts.roles import Capability
from stepback.core.locale import activate_organisation

ViewFunc = Callable[..., HttpResponseBase]
M = TypeVar("M", bound=Model)

SESSION_ORG_KEY = "stepback_org"
PUBLIC = "public"
SIGNED_IN = "signed-in"


class OrgRequest(HttpRequest):
    """The request as an organisation view sees it (for type checkers)."""

    org: Organisation
    membership: Membership


def org_view(
    capability: Capability = Capability.VIEW, *, author_rule: str | None = None
) -> Callable[[ViewFunc], ViewFunc]:
    """Require a signed-in member of the URL's organisation whose role has ``capability``.

    ``author_rule`` names the roles matrix's rule (``roles.AUTHOR_RULES``) that the view
    applies to the row it changes, with ``require_author_rule``; it is recorded for the
    access walker.
    """

    def decorator(view: ViewFunc) -> ViewFunc:
        @login_required
        @wraps(view)
        def wrapper(request: HttpRequest, org: str, *args: Any, **kwargs: Any) -> HttpResponseBase:
            assert request.user.pk is not None  # login_required ran first
            membership = (
                Membership.objects.select_related("organisation", "user")
                .filter(user_id=request.user.pk, organisation__slug=org)
                .first()
            )
            if membership is None:
                raise Http404("No such organisation.")
            if not membership.can(capability):
                role, org_name = membership.role_label, membership.organisation.name
                raise PermissionDenied(
                    _("Your role (%(role)s) cannot do this in %(org)s.")
                    % {"role": role, "org": org_name}
                )
            activate_organisation(request, membership.organisation, membership.user)
            request.org = membership.organisation  # type: ignore[attr-defined]
            request.membership = membership  # type: ignore[attr-defined]
            if request.session.get(SESSION_ORG_KEY) != org:
                request.session[SESSION_ORG_KEY] = org
                Membership.objects.filter(pk=membership.pk).update(last_visited_at=timezone.now())
            return view(request, *args, **kwargs)

        wrapper.access_rule = capability  # type: ignore[attr-defined]
        wrapper.author_rule = author_rule  # type: ignore[attr-defined]
        return wrapper

    return decorator


def require_author_rule(request: HttpRequest, rule: str, author_id: int | None) -> None:
    """403 unless the roles matrix lets this member change a row of ``rule``'s kind by
    ``author_id``."""
    membership: Membership = request.membership  # type: ignore[attr-defined]
    if not membership.may_change_authored(rule, author_id):
        raise PermissionDenied(_("Only its author or the initiative's managers can change this."))


def public_view(view: ViewFunc) -> ViewFunc:
    """Mark a view as open to anyone, on purpose (sign-in, health check, invitation links)."""
    view.access_rule = PUBLIC  # type: ignore[attr-defined]
    return view


def signed_in_view(view: ViewFunc) -> ViewFunc:
    """A page about the person rather than an organisation (home, profile)."""
    wrapped = login_required(view)
    wrapped.access_rule = SIGNED_IN  # type: ignore[attr-defined]
    return wrapped


def get_object_for_member(
    request: HttpRequest, model: type[M] | QuerySet[M], pk: Any, **filters: Any
) -> M:
    """Fetch a row of ``model`` (or of a queryset, to join or defer) that belongs to the
    request's organisation, or 404."""
    org = request.org  # type: ignore[attr-defined]
    return get_object_or_404(model, pk=pk, organisation=org, **filters)
