from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.conf import settings
from django.core.mail import EmailMessage
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from stepback.accounts import links, services
from stepback.accounts.models import Invitation, Membership, User
from stepback.accounts.roles import Role
from tests.accounts.conftest import invitation_path, link_path
from tests.conftest import PASSWORD, Tenant, make_user

NEW_PASSWORD = "tidal river morning light"
Capture = Callable[..., Any]


def invite_url(tenant: Tenant) -> str:
    return reverse("accounts:member_invite", kwargs={"org": tenant.org.slug})


def make_invitation(
    tenant: Tenant, email: str = "new@example.org", role: Role = Role.MEMBER
) -> Invitation:
    return Invitation.objects.create(
        organisation=tenant.org, email=email, role=role, invited_by=tenant.user(Role.ADMIN)
    )


# --- inviting -------------------------------------------------------------------------------


def test_it_emails_an_invitation_with_a_link(
    tenant: Tenant, mailoutbox: list[EmailMessage], django_capture_on_commit_callbacks: Capture
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = tenant.client(Role.ADMIN).post(
            invite_url(tenant), {"email": "New.Person@Example.org", "role": "leader"}
        )
    assert response.status_code == 302
    assert response["Location"] == f"/o/{tenant.org.slug}/members/"
    invitation = Invitation.objects.get(organisation=tenant.org)
    assert (invitation.email, invitation.role) == ("new.person@example.org", Role.LEADER)
    assert invitation.invited_by == tenant.user(Role.ADMIN)
    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert message.to == ["new.person@example.org"]
    assert "Riverside School" in message.subject
    assert "as Leader" in str(message.body)
    assert link_path(message).startswith("/accounts/invitation/")
    assert str(message.body).count(settings.SITE_URL) == 1


def test_it_shows_the_invite_form_to_admins(tenant: Tenant) -> None:
    response = tenant.client(Role.ADMIN).get(invite_url(tenant))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Invite someone to Riverside School" in body
    assert "expires in 7 days" in body


@pytest.mark.parametrize("role", [r for r in Role if r != Role.ADMIN])
def test_it_lets_only_admins_invite(tenant: Tenant, role: Role) -> None:
    client = tenant.client(role)
    assert client.get(invite_url(tenant)).status_code == 403
    response = client.post(invite_url(tenant), {"email": "x@example.org", "role": "admin"})
    assert response.status_code == 403
    assert not Invitation.objects.exists()


def test_it_refuses_a_second_pending_invitation_for_the_same_email(
    tenant: Tenant, mailoutbox: list[EmailMessage]
) -> None:
    make_invitation(tenant, "new@example.org")
    response = tenant.client(Role.ADMIN).post(
        invite_url(tenant), {"email": "NEW@example.org", "role": "member"}
    )
    assert response.status_code == 400
    assert "already has a pending invitation" in response.content.decode()
    assert Invitation.objects.count() == 1
    assert mailoutbox == []


def test_it_allows_a_new_invitation_once_the_old_one_is_withdrawn(tenant: Tenant) -> None:
    old = make_invitation(tenant, "new@example.org")
    services.invitation_revoke(invitation=old, actor=tenant.user(Role.ADMIN))
    response = tenant.client(Role.ADMIN).post(
        invite_url(tenant), {"email": "new@example.org", "role": "member"}
    )
    assert response.status_code == 302
    assert Invitation.objects.pending().count() == 1


def test_it_refuses_to_invite_an_existing_member(tenant: Tenant) -> None:
    response = tenant.client(Role.ADMIN).post(
        invite_url(tenant), {"email": "Viewer@Riverside.example", "role": "member"}
    )
    assert response.status_code == 400
    assert "viewer@riverside.example is already a member of Riverside School" in (
        response.content.decode()
    )
    assert not Invitation.objects.exists()


def test_it_invites_someone_who_belongs_to_another_organisation(tenant: Tenant) -> None:
    response = tenant.client(Role.ADMIN).post(
        invite_url(tenant), {"email": tenant.outsider.email, "role": "viewer"}
    )
    assert response.status_code == 302


@pytest.mark.parametrize(
    ("data", "error"),
    [
        ({"email": "", "role": "member"}, "This field is required."),
        ({"email": "not-an-email", "role": "member"}, "Enter a valid email address."),
        ({"email": "a@example.org", "role": "emperor"}, "Select a valid choice."),
    ],
)
def test_it_refuses_bad_invitation_input(tenant: Tenant, data: dict[str, str], error: str) -> None:
    response = tenant.client(Role.ADMIN).post(invite_url(tenant), data)
    assert response.status_code == 400
    assert error in response.content.decode()
    assert not Invitation.objects.exists()


# --- accepting ------------------------------------------------------------------------------


def test_it_makes_an_account_for_a_new_person_and_signs_them_in(tenant: Tenant) -> None:
    invitation = make_invitation(tenant, "new@example.org", Role.OWNER)
    path = invitation_path(invitation)
    client = Client()
    page = client.get(path)
    assert page.status_code == 200
    assert "Create account and join" in page.content.decode()

    response = client.post(
        path, {"name": "Nia Lee", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    )
    assert response.status_code == 302
    assert response["Location"] == f"/o/{tenant.org.slug}/"
    user = User.objects.get(email="new@example.org")
    assert user.name == "Nia Lee"
    assert user.check_password(NEW_PASSWORD)
    assert Membership.objects.get(user=user, organisation=tenant.org).role == Role.OWNER
    assert client.session["_auth_user_id"] == str(user.pk)
    invitation.refresh_from_db()
    assert invitation.accepted_at is not None
    dashboard = client.get(response["Location"])
    assert "Welcome to Riverside School" in dashboard.content.decode()


@pytest.mark.parametrize(
    ("data", "error"),
    [
        ({"name": "Nia", "password1": "short1", "password2": "short1"}, "too short"),
        ({"name": "Nia", "password1": "password123", "password2": "password123"}, "too common"),
        ({"name": "Nia", "password1": "84736251", "password2": "84736251"}, "entirely numeric"),
        (
            {"name": "Nia", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD + "x"},
            "two password fields didn",
        ),
        ({"name": "", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD}, "required"),
        (
            {"name": "Nia", "password1": "new@example.org", "password2": "new@example.org"},
            "too similar",
        ),
    ],
)
def test_it_validates_the_new_password(tenant: Tenant, data: dict[str, str], error: str) -> None:
    invitation = make_invitation(tenant, "new@example.org")
    response = Client().post(invitation_path(invitation), data)
    assert response.status_code == 400
    assert error in response.content.decode()
    assert not User.objects.filter(email="new@example.org").exists()
    invitation.refresh_from_db()
    assert invitation.is_pending


def test_it_asks_an_existing_account_to_sign_in_first(tenant: Tenant) -> None:
    make_user("known@example.org")
    invitation = make_invitation(tenant, "Known@example.org", Role.LEADER)
    path = invitation_path(invitation)
    response = Client().get(path)
    assert response.status_code == 200
    body = response.content.decode()
    assert "Sign in to accept" in body
    assert "Create account" not in body
    assert Client().post(path, {"name": "x", "password1": "y", "password2": "y"}).status_code == 200
    assert not Membership.objects.filter(
        organisation=tenant.org, user__email="known@example.org"
    ).exists()


def test_it_adds_an_existing_account_after_sign_in(tenant: Tenant) -> None:
    known = make_user("known@example.org")
    invitation = make_invitation(tenant, "known@example.org", Role.LEADER)
    path = invitation_path(invitation)
    client = Client()
    login_url = Client().get(path).context["login_url"]
    response = client.post(
        login_url, {"username": "known@example.org", "password": PASSWORD, "next": path}
    )
    assert response["Location"] == path
    assert "Join Riverside School" in client.get(path).content.decode()

    response = client.post(path)
    assert response["Location"] == f"/o/{tenant.org.slug}/"
    assert Membership.objects.get(user=known, organisation=tenant.org).role == Role.LEADER
    invitation.refresh_from_db()
    assert invitation.accepted_at is not None
    assert client.session["stepback_org"] == tenant.org.slug


def test_it_tells_someone_signed_in_as_another_account(tenant: Tenant) -> None:
    invitation = make_invitation(tenant, "someone.else@example.org")
    client = tenant.client_for(tenant.outsider)
    path = invitation_path(invitation)
    for response in (client.get(path), client.post(path)):
        assert response.status_code == 403
        body = response.content.decode()
        assert "This invitation is for" in body
        assert "someone.else@example.org" in body
        assert tenant.outsider.email in body
    assert not Membership.objects.filter(user=tenant.outsider, organisation=tenant.org).exists()
    invitation.refresh_from_db()
    assert invitation.is_pending


def test_it_signs_out_the_wrong_account_and_returns_to_the_link(tenant: Tenant) -> None:
    invitation = make_invitation(tenant, "someone.else@example.org")
    client = tenant.client_for(tenant.outsider)
    path = invitation_path(invitation)
    assert 'name="next" value="' + path + '"' in client.get(path).content.decode()
    response = client.post("/accounts/logout/", {"next": path})
    assert response["Location"] == path
    assert "Create account and join" in client.get(path).content.decode()


def test_it_works_only_once(tenant: Tenant) -> None:
    invitation = make_invitation(tenant, "new@example.org")
    path = invitation_path(invitation)
    data = {"name": "Nia", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    assert Client().post(path, data).status_code == 302
    for response in (Client().get(path), Client().post(path, data)):
        assert response.status_code == 410
        assert "already used" in response.content.decode()
    assert User.objects.filter(email="new@example.org").count() == 1


def test_it_refuses_an_expired_link(tenant: Tenant) -> None:
    invitation = make_invitation(tenant)
    path = invitation_path(invitation, age_seconds=settings.INVITATION_MAX_AGE_SECONDS + 5)
    response = Client().get(path)
    assert response.status_code == 410
    assert "expired" in response.content.decode()
    data = {"name": "Nia", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    assert Client().post(path, data).status_code == 410
    assert not User.objects.filter(email=invitation.email).exists()


def test_it_accepts_a_link_just_inside_its_lifetime(tenant: Tenant) -> None:
    invitation = make_invitation(tenant)
    path = invitation_path(invitation, age_seconds=settings.INVITATION_MAX_AGE_SECONDS - 60)
    assert Client().get(path).status_code == 200


@pytest.mark.parametrize(
    "tamper",
    [
        lambda signed: signed[:-1] + ("A" if signed[-1] != "A" else "B"),
        lambda signed: "x" + signed,
        lambda signed: signed.split(":")[0],
        lambda signed: "not-a-real-invitation",
    ],
)
def test_it_refuses_a_tampered_link(tenant: Tenant, tamper: Callable[[str], str]) -> None:
    invitation = make_invitation(tenant)
    signed = links.invitation_sign(invitation)
    path = reverse("accounts:invitation_accept", kwargs={"signed": tamper(signed)})
    response = Client().get(path)
    assert response.status_code == 400
    assert "not valid" in response.content.decode()


def test_it_refuses_a_link_signed_for_something_else(tenant: Tenant) -> None:
    from django.core import signing

    signed = signing.dumps({"invitation": make_invitation(tenant).pk}, salt="another.purpose")
    response = Client().get(reverse("accounts:invitation_accept", kwargs={"signed": signed}))
    assert response.status_code == 400


def test_it_refuses_a_withdrawn_invitation(tenant: Tenant) -> None:
    invitation = make_invitation(tenant)
    path = invitation_path(invitation)
    services.invitation_revoke(invitation=invitation, actor=tenant.user(Role.ADMIN))
    response = Client().get(path)
    assert response.status_code == 410
    assert "withdrawn" in response.content.decode()


def test_it_refuses_a_deleted_invitation(tenant: Tenant) -> None:
    invitation = make_invitation(tenant)
    path = invitation_path(invitation)
    invitation.delete()
    assert Client().get(path).status_code == 410


# --- resending and withdrawing --------------------------------------------------------------


def test_it_resends_a_pending_invitation_with_a_fresh_link(
    tenant: Tenant, mailoutbox: list[EmailMessage], django_capture_on_commit_callbacks: Capture
) -> None:
    invitation = make_invitation(tenant)
    earlier_link = invitation_path(invitation)
    url = reverse(
        "accounts:invitation_resend", kwargs={"org": "riverside", "invitation_id": invitation.pk}
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = tenant.client(Role.ADMIN).post(url)
    assert response.status_code == 302
    assert len(mailoutbox) == 1
    assert Client().get(link_path(mailoutbox[0])).status_code == 200
    retired = Client().get(earlier_link)
    assert retired.status_code == 410
    assert "open the link in the newest invitation email" in retired.content.decode()


def test_it_withdraws_an_invitation_and_its_link_stops_working(tenant: Tenant) -> None:
    invitation = make_invitation(tenant)
    path = invitation_path(invitation)
    url = reverse(
        "accounts:invitation_revoke", kwargs={"org": "riverside", "invitation_id": invitation.pk}
    )
    response = tenant.client(Role.ADMIN).post(url, follow=True)
    assert "withdrawn" in response.content.decode()
    invitation.refresh_from_db()
    assert invitation.revoked_at is not None
    assert Client().get(path).status_code == 410


def test_it_cannot_resend_or_withdraw_twice(
    tenant: Tenant, mailoutbox: list[EmailMessage], django_capture_on_commit_callbacks: Capture
) -> None:
    invitation = make_invitation(tenant)
    invitation.revoked_at = timezone.now()
    invitation.save()
    client = tenant.client(Role.ADMIN)
    kwargs = {"org": "riverside", "invitation_id": invitation.pk}
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("accounts:invitation_resend", kwargs=kwargs), follow=True)
    assert "was withdrawn" in response.content.decode()
    assert mailoutbox == []
    response = client.post(reverse("accounts:invitation_revoke", kwargs=kwargs), follow=True)
    assert "was withdrawn" in response.content.decode()


def test_it_sends_nothing_for_an_invitation_withdrawn_before_the_task_ran(
    tenant: Tenant, mailoutbox: list[EmailMessage]
) -> None:
    from stepback.accounts.tasks import invitation_send

    invitation = make_invitation(tenant)
    invitation.revoked_at = timezone.now()
    invitation.save()
    invitation_send(invitation.pk)
    assert mailoutbox == []


@pytest.mark.parametrize("role", [r for r in Role if r != Role.ADMIN])
def test_it_lets_only_admins_resend_or_withdraw(tenant: Tenant, role: Role) -> None:
    invitation = make_invitation(tenant)
    kwargs = {"org": "riverside", "invitation_id": invitation.pk}
    client = tenant.client(role)
    assert client.post(reverse("accounts:invitation_resend", kwargs=kwargs)).status_code == 403
    assert client.post(reverse("accounts:invitation_revoke", kwargs=kwargs)).status_code == 403
    invitation.refresh_from_db()
    assert invitation.is_pending


# --- other organisations --------------------------------------------------------------------


def test_it_hides_another_organisations_invitations(tenant: Tenant) -> None:
    invitation = make_invitation(tenant)
    outsider = tenant.client_for(tenant.outsider)
    for name in ("accounts:invitation_resend", "accounts:invitation_revoke"):
        through_this_org = reverse(
            name, kwargs={"org": "riverside", "invitation_id": invitation.pk}
        )
        through_own_org = reverse(name, kwargs={"org": "hillside", "invitation_id": invitation.pk})
        assert outsider.post(through_this_org).status_code == 404
        assert outsider.post(through_own_org).status_code == 404
    assert (
        outsider.post(invite_url(tenant), {"email": "x@example.org", "role": "admin"}).status_code
        == 404
    )
    invitation.refresh_from_db()
    assert invitation.is_pending
    assert Invitation.objects.count() == 1
