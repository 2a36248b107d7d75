"""Organisations, members and invitations on the web."""

from __future__ import annotations

import copy
from typing import Any, cast

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.core.exceptions import ValidationError
from django.db.models import Value
from django.db.models.functions import Coalesce, Lower, NullIf
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from stepback.accounts import services
from stepback.accounts.forms import (
    AcceptInvitationForm,
    InvitationForm,
    LanguageForm,
    OrganisationForm,
    OrganisationSettingsForm,
    RoleForm,
)
from stepback.accounts.models import Invitation, Membership, User
from stepback.accounts.roles import ROLE_CHOICES, Capability, Role
from stepback.core.access import (
    SESSION_ORG_KEY,
    OrgRequest,
    get_object_for_member,
    org_view,
    public_view,
    signed_in_view,
)
from stepback.core.htmx import redirect_page
from stepback.core.pages import form_page

MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"


def _members_url(request: OrgRequest) -> str:
    return reverse("accounts:members", kwargs={"org": request.org.slug})


# --- organisations --------------------------------------------------------------------------


@signed_in_view
def org_create(request: HttpRequest) -> HttpResponse:
    """Start a new organisation; the person who creates it is its first admin."""
    form = OrganisationForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            user = request.user
            assert isinstance(user, User)
            organisation = services.organisation_create(
                name=form.cleaned_data["name"], created_by=user
            )
            request.session[SESSION_ORG_KEY] = organisation.slug
            messages.success(
                request,
                _("%(org)s is ready, and you are its admin. Invite your team.")
                % {"org": organisation.name},
            )
            return redirect("accounts:members", org=organisation.slug)
        return render(request, "accounts/org_create.html", {"form": form}, status=400)
    return render(request, "accounts/org_create.html", {"form": form})


@org_view(Capability.MANAGE_ORGANISATION)
def org_settings(request: OrgRequest) -> HttpResponse:
    """The organisation's name, time zone and language."""
    org = request.org
    form = OrganisationSettingsForm(
        request.POST or None,
        initial={"name": org.name, "time_zone": org.time_zone, "language": org.language},
    )

    def save() -> HttpResponse:
        # A copy, so that refused values never reach the page's own organisation.
        services.organisation_update(
            organisation=copy.copy(org),
            actor=request.membership.user,
            changes=cast(services.OrganisationChanges, form.cleaned_data),
        )
        messages.success(request, _("The organisation's settings are saved."))
        return redirect("accounts:org_settings", org=org.slug)

    context = {"org": org, "today": org.today()}
    return form_page(request, form, "accounts/org_settings.html", context, save)


# --- the person -----------------------------------------------------------------------------


@signed_in_view
def preferences(request: HttpRequest) -> HttpResponse:
    """The person's own language."""
    user = request.user
    assert isinstance(user, User)
    form = LanguageForm(request.POST or None, initial={"language": user.language})

    def save() -> HttpResponse:
        services.user_set_language(user=user, actor=user, language=form.cleaned_data["language"])
        messages.success(request, _("Your language is saved."))
        return redirect("accounts:preferences")

    return form_page(request, form, "accounts/preferences.html", {}, save)


# --- members --------------------------------------------------------------------------------


def _members_context(request: OrgRequest, **extra: Any) -> dict[str, Any]:
    display = Lower(Coalesce(NullIf("user__name", Value("")), "user__email"))
    memberships = list(
        Membership.objects.filter(organisation=request.org)
        .select_related("user")
        .order_by(display, "user__email")
    )
    can_manage = request.membership.can(Capability.MANAGE_MEMBERS)
    invitations = (
        list(
            Invitation.objects.pending()
            .filter(organisation=request.org)
            .select_related("invited_by")
        )
        if can_manage
        else []
    )
    return {
        "org": request.org,
        "memberships": memberships,
        "admin_count": sum(1 for m in memberships if m.role == Role.ADMIN),
        "invitations": invitations,
        "can_manage": can_manage,
        "role_choices": ROLE_CHOICES,
        **extra,
    }


@org_view()
def members(request: OrgRequest) -> HttpResponse:
    """Everyone in the organisation; admins also see invitations and the controls."""
    return render(request, "accounts/members.html", _members_context(request))


@org_view(Capability.MANAGE_MEMBERS)
@require_POST
def member_role(request: OrgRequest, membership_id: int) -> HttpResponse:
    """Change a member's role; htmx gets the refreshed members table."""
    membership = get_object_for_member(request, Membership, membership_id)
    form = RoleForm(request.POST)
    notice: tuple[str, str]
    if not form.is_valid():
        notice = ("danger", _("Choose one of the roles in the list."))
    else:
        role = Role(form.cleaned_data["role"])
        try:
            services.membership_change_role(
                membership=membership, role=role, actor=request.membership.user
            )
        except ValidationError as error:
            notice = ("danger", error.messages[0])
        else:
            notice = (
                "success",
                _("%(name)s is now %(role)s.")
                % {"name": membership.user.display_name, "role": role.label},
            )
            if membership.pk == request.membership.pk:
                messages.success(request, notice[1])
                return redirect_page(request, _members_url(request))
    if request.htmx:  # type: ignore[attr-defined]
        context = _members_context(request, notice=notice)
        return render(request, "accounts/members.html#members_table", context)
    messages.add_message(
        request, messages.ERROR if notice[0] == "danger" else messages.SUCCESS, notice[1]
    )
    return redirect(_members_url(request))


@org_view(Capability.MANAGE_MEMBERS)
@require_POST
def member_remove(request: OrgRequest, membership_id: int) -> HttpResponse:
    """Take someone out of the organisation (yourself too, while another admin remains)."""
    membership = get_object_for_member(request, Membership, membership_id)
    user = membership.user
    try:
        services.membership_remove(membership=membership, actor=request.membership.user)
    except ValidationError as error:
        messages.error(request, error.messages[0])
        return redirect_page(request, _members_url(request))
    if user.pk == request.membership.user_id:
        request.session.pop(SESSION_ORG_KEY, None)
        messages.success(request, _("You left %(org)s.") % {"org": request.org.name})
        return redirect_page(request, reverse("core:home"))
    messages.success(
        request,
        _("%(name)s was removed from %(org)s.")
        % {"name": user.display_name, "org": request.org.name},
    )
    return redirect_page(request, _members_url(request))


# --- invitations ----------------------------------------------------------------------------


def _invite_context(form: InvitationForm, request: OrgRequest) -> dict[str, Any]:
    days = max(1, settings.INVITATION_MAX_AGE_SECONDS // 86400)
    return {"form": form, "org": request.org, "days": days}


@org_view(Capability.MANAGE_MEMBERS)
def member_invite(request: OrgRequest) -> HttpResponse:
    """Invite someone by email with a role; they get a link that works once."""
    form = InvitationForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            try:
                invitation = services.invitation_create(
                    organisation=request.org,
                    email=form.cleaned_data["email"],
                    role=form.cleaned_data["role"],
                    invited_by=request.membership.user,
                )
            except ValidationError as error:
                form.add_error("email", error.messages[0])
            else:
                messages.success(
                    request, _("Invitation sent to %(email)s.") % {"email": invitation.email}
                )
                return redirect(_members_url(request))
        return render(
            request, "accounts/member_invite.html", _invite_context(form, request), status=400
        )
    return render(request, "accounts/member_invite.html", _invite_context(form, request))


@org_view(Capability.MANAGE_MEMBERS)
@require_POST
def invitation_resend(request: OrgRequest, invitation_id: int) -> HttpResponse:
    invitation = get_object_for_member(request, Invitation, invitation_id)
    try:
        services.invitation_resend(invitation=invitation, actor=request.membership.user)
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(
            request,
            _("Invitation sent again to %(email)s, with a new link.") % {"email": invitation.email},
        )
    return redirect(_members_url(request))


@org_view(Capability.MANAGE_MEMBERS)
@require_POST
def invitation_revoke(request: OrgRequest, invitation_id: int) -> HttpResponse:
    invitation = get_object_for_member(request, Invitation, invitation_id)
    try:
        services.invitation_revoke(invitation=invitation, actor=request.membership.user)
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(
            request,
            _("Invitation for %(email)s withdrawn; its link no longer works.")
            % {"email": invitation.email},
        )
    return redirect_page(request, _members_url(request))


def _joined(request: HttpRequest, membership: Membership) -> HttpResponse:
    org = membership.organisation
    request.session[SESSION_ORG_KEY] = org.slug
    messages.success(
        request,
        _("Welcome to %(org)s. Your role is %(role)s.")
        % {"org": org.name, "role": membership.role_label},
    )
    return redirect("goals:dashboard", org=org.slug)


@public_view
@sensitive_post_parameters("password1", "password2")
def invitation_accept(request: HttpRequest, signed: str) -> HttpResponse:
    """Open an invitation link: join with a new account, or with the invited email's account."""
    try:
        invitation = services.invitation_from_signed(signed)
    except services.InvitationLinkError as error:
        return render(
            request,
            "accounts/invitation_invalid.html",
            {"message": error.message},
            status=error.status,
        )
    context: dict[str, Any] = {"invitation": invitation, "org": invitation.organisation}
    user = request.user if request.user.is_authenticated else None
    try:
        if user is not None:
            assert isinstance(user, User)
            if user.email.lower() != invitation.email.lower():
                context["state"] = "wrong_account"
                return render(request, "accounts/invitation_accept.html", context, status=403)
            if request.method == "POST":
                return _joined(
                    request, services.invitation_accept(invitation=invitation, user=user)
                )
            context["state"] = "confirm"
            return render(request, "accounts/invitation_accept.html", context)

        if User.objects.filter(email__iexact=invitation.email).exists():
            context["state"] = "sign_in"
            query = urlencode({"next": request.path})
            context["login_url"] = f"{reverse('accounts:login')}?{query}"
            return render(request, "accounts/invitation_accept.html", context)

        form = AcceptInvitationForm(request.POST or None, email=invitation.email)
        context.update(state="new_account", form=form)
        if request.method == "POST":
            if form.is_valid():
                membership = services.invitation_accept(
                    invitation=invitation,
                    name=form.cleaned_data["name"],
                    password=form.cleaned_data["password1"],
                )
                login(request, membership.user, backend=MODEL_BACKEND)
                return _joined(request, membership)
            return render(request, "accounts/invitation_accept.html", context, status=400)
        return render(request, "accounts/invitation_accept.html", context)
    except ValidationError as error:
        return render(
            request, "accounts/invitation_invalid.html", {"message": error.messages[0]}, status=410
        )
