"""Web pages for personal access tokens: list, create (shown once), revoke."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import F
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from stepback.core.access import OrgRequest, get_object_for_member, org_view
from stepback.tokens.forms import ApiTokenForm
from stepback.tokens.models import ApiToken
from stepback.tokens.services import api_token_create, api_token_revoke, api_token_scopes_for


@org_view()
@never_cache
def token_list(request: OrgRequest) -> HttpResponse:
    """My tokens in this organisation, and the form to create one.

    A new token's raw value is rendered in the response to the POST itself, never
    stored or redirected with, so it can be seen exactly once.
    """
    form = ApiTokenForm(request.POST or None, membership=request.membership)
    new_token = raw_token = None
    if request.method == "POST" and form.is_valid():
        try:
            new_token, raw_token = api_token_create(
                user=request.membership.user,
                organisation=request.org,
                name=form.cleaned_data["name"],
                scope=form.cleaned_data["scope"],
                expires_on=form.last_day,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            form = ApiTokenForm(membership=request.membership)
    tokens = ApiToken.objects.filter(
        user=request.membership.user, organisation=request.org
    ).order_by(F("revoked_at").asc(nulls_first=True), "-created_at")
    return render(
        request,
        "tokens/token_list.html",
        {
            "form": form,
            "tokens": tokens,
            "new_token": new_token,
            "raw_token": raw_token,
            "can_write": ApiToken.Scope.WRITE in api_token_scopes_for(request.membership.role),
        },
        status=400 if form.errors else 200,
    )


@org_view()
@require_POST
def token_revoke(request: OrgRequest, token_id: int) -> HttpResponse:
    token = get_object_for_member(request, ApiToken, token_id, user=request.membership.user)
    api_token_revoke(token=token, actor=request.membership.user)
    messages.success(request, f"The token “{token.name}” is revoked; it no longer works.")
    return redirect("tokens:list", org=request.org.slug)
