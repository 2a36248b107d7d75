from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.urls import reverse

from stepback.accounts.models import Invitation, Membership
from stepback.accounts.roles import Role
from stepback.tokens.models import ApiToken, hash_token
from tests.conftest import Tenant, make_member

MEMBERS = "/o/riverside/members/"


def membership(tenant: Tenant, role: Role) -> Membership:
    return Membership.objects.get(user=tenant.user(role), organisation=tenant.org)


def role_url(m: Membership) -> str:
    return reverse(
        "accounts:member_role", kwargs={"org": m.organisation.slug, "membership_id": m.pk}
    )


def remove_url(m: Membership) -> str:
    return reverse(
        "accounts:member_remove", kwargs={"org": m.organisation.slug, "membership_id": m.pk}
    )


# --- the page -------------------------------------------------------------------------------


def test_it_lists_everyone_with_their_role(tenant: Tenant) -> None:
    response = tenant.client(Role.VIEWER).get(MEMBERS)
    assert response.status_code == 200
    body = response.content.decode()
    for role in Role:
        assert tenant.user(role).email in body
        assert role.label in body
    assert tenant.outsider.email not in body


def test_it_shows_controls_and_invitations_to_admins_only(tenant: Tenant) -> None:
    Invitation.objects.create(organisation=tenant.org, email="pending@example.org")
    admin_page = tenant.client(Role.ADMIN).get(MEMBERS).content.decode()
    assert "pending@example.org" in admin_page
    assert "Invite someone" in admin_page
    assert 'name="role"' in admin_page
    for role in (Role.LEADER, Role.MEMBER, Role.VIEWER):
        page = tenant.client(role).get(MEMBERS).content.decode()
        assert "pending@example.org" not in page
        assert "Invite someone" not in page
        assert 'name="role"' not in page
        assert "Remove" not in page


def test_it_hides_the_page_from_other_organisations(tenant: Tenant) -> None:
    assert tenant.client_for(tenant.outsider).get(MEMBERS).status_code == 404


def test_it_loads_fifty_members_in_a_bounded_number_of_queries(
    tenant: Tenant, django_assert_max_num_queries: Callable[..., Any]
) -> None:
    for n in range(50 - len(Role)):
        make_member(tenant.org, Role.MEMBER, f"crowd{n}@riverside.example")
    for n in range(10):
        Invitation.objects.create(organisation=tenant.org, email=f"invitee{n}@example.org")
    client = tenant.client(Role.ADMIN)
    client.get(MEMBERS)
    with django_assert_max_num_queries(8):
        response = client.get(MEMBERS)
    assert response.content.decode().count('name="role"') == 50


# --- changing roles -------------------------------------------------------------------------


def test_it_changes_a_role_without_javascript(tenant: Tenant) -> None:
    m = membership(tenant, Role.VIEWER)
    response = tenant.client(Role.ADMIN).post(role_url(m), {"role": "owner"}, follow=True)
    assert response.redirect_chain == [(MEMBERS, 302)]
    assert "Viewer is now Owner." in response.content.decode()
    m.refresh_from_db()
    assert m.role == Role.OWNER


def test_it_changes_a_role_inline_with_htmx(tenant: Tenant) -> None:
    m = membership(tenant, Role.VIEWER)
    response = tenant.client(Role.ADMIN).post(
        role_url(m), {"role": "leader"}, headers={"HX-Request": "true"}
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert body.lstrip().startswith('<div id="members-table">')
    assert "<html" not in body
    assert "Viewer is now Leader." in body
    m.refresh_from_db()
    assert m.role == Role.LEADER


@pytest.mark.parametrize("data", [{}, {"role": "emperor"}])
def test_it_refuses_an_unknown_role(tenant: Tenant, data: dict[str, str]) -> None:
    m = membership(tenant, Role.VIEWER)
    response = tenant.client(Role.ADMIN).post(role_url(m), data, follow=True)
    assert "Choose one of the roles" in response.content.decode()
    m.refresh_from_db()
    assert m.role == Role.VIEWER


def test_it_keeps_the_last_admin(tenant: Tenant) -> None:
    admin = membership(tenant, Role.ADMIN)
    client = tenant.client(Role.ADMIN)
    response = client.post(role_url(admin), {"role": "member"}, follow=True)
    assert "is the last admin of Riverside School" in response.content.decode()
    response = client.post(role_url(admin), {"role": "member"}, headers={"HX-Request": "true"})
    assert "is the last admin of Riverside School" in response.content.decode()
    response = client.post(remove_url(admin), follow=True)
    assert "is the last admin of Riverside School" in response.content.decode()
    admin.refresh_from_db()
    assert admin.role == Role.ADMIN


def test_it_disables_the_only_admins_role_and_removal_with_the_reason(tenant: Tenant) -> None:
    admin = membership(tenant, Role.ADMIN)
    html = tenant.client(Role.ADMIN).get(MEMBERS).content.decode()

    select = html[html.index(f'id="role-{admin.pk}"') :].split(">", 1)[0]
    assert "disabled" in select and f'aria-describedby="sole-admin-{admin.pk}"' in select
    reason = html[html.index(f'id="sole-admin-{admin.pk}"') :].split("</div>", 1)[0]
    assert "make someone else an admin first" in reason
    leave = html[html.index(remove_url(admin)) :].split("</button>", 1)[0]
    assert "disabled" in leave
    member = membership(tenant, Role.MEMBER)
    assert "disabled" not in html[html.index(f'id="role-{member.pk}"') :].split(">", 1)[0]

    make_member(tenant.org, Role.ADMIN, "second@riverside.example")
    html = tenant.client(Role.ADMIN).get(MEMBERS).content.decode()
    assert "disabled" not in html[html.index(f'id="role-{admin.pk}"') :].split(">", 1)[0]


def test_it_lets_an_admin_step_down_when_another_admin_remains(tenant: Tenant) -> None:
    Membership.objects.filter(pk=membership(tenant, Role.LEADER).pk).update(role=Role.ADMIN)
    admin = membership(tenant, Role.ADMIN)
    client = tenant.client(Role.ADMIN)
    response = client.post(role_url(admin), {"role": "support"}, headers={"HX-Request": "true"})
    assert response["HX-Redirect"] == MEMBERS
    admin.refresh_from_db()
    assert admin.role == Role.SUPPORT
    assert (
        client.post(role_url(membership(tenant, Role.VIEWER)), {"role": "owner"}).status_code == 403
    )


def test_it_promotes_a_member_to_admin(tenant: Tenant) -> None:
    m = membership(tenant, Role.MEMBER)
    tenant.client(Role.ADMIN).post(role_url(m), {"role": "admin"})
    m.refresh_from_db()
    assert m.role == Role.ADMIN
    assert tenant.client(Role.MEMBER).get(f"{MEMBERS}invite/").status_code == 200


# --- removing -------------------------------------------------------------------------------


def test_it_removes_a_member_and_revokes_their_tokens_here(tenant: Tenant) -> None:
    m = membership(tenant, Role.OWNER)
    raw = ApiToken.generate_raw()
    token = ApiToken.objects.create(
        user=m.user, organisation=tenant.org, name="sync", token_hash=hash_token(raw), hint=raw[:8]
    )
    response = tenant.client(Role.ADMIN).post(remove_url(m), follow=True)
    assert "Owner was removed from Riverside School." in response.content.decode()
    assert not Membership.objects.filter(pk=m.pk).exists()
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert tenant.client(Role.OWNER).get(MEMBERS).status_code == 404


def test_it_answers_htmx_removal_with_a_page_reload(tenant: Tenant) -> None:
    m = membership(tenant, Role.OWNER)
    response = tenant.client(Role.ADMIN).post(remove_url(m), headers={"HX-Request": "true"})
    assert response["HX-Redirect"] == MEMBERS


def test_it_lets_an_admin_leave_while_another_admin_remains(tenant: Tenant) -> None:
    Membership.objects.filter(pk=membership(tenant, Role.LEADER).pk).update(role=Role.ADMIN)
    admin = membership(tenant, Role.ADMIN)
    client = tenant.client(Role.ADMIN)
    response = client.post(remove_url(admin))
    assert response["Location"] == reverse("core:home")
    assert not Membership.objects.filter(pk=admin.pk).exists()
    assert client.get(MEMBERS).status_code == 404


@pytest.mark.parametrize("role", [r for r in Role if r != Role.ADMIN])
def test_it_lets_only_admins_change_or_remove(tenant: Tenant, role: Role) -> None:
    target = membership(tenant, Role.VIEWER if role != Role.VIEWER else Role.MEMBER)
    client = tenant.client(role)
    assert client.post(role_url(target), {"role": "admin"}).status_code == 403
    assert client.post(remove_url(target)).status_code == 403
    assert client.post(role_url(membership(tenant, role)), {"role": "admin"}).status_code == 403
    assert Membership.objects.filter(pk=target.pk, role=target.role).exists()


def test_it_refuses_get_on_the_write_urls(tenant: Tenant) -> None:
    m = membership(tenant, Role.VIEWER)
    client = tenant.client(Role.ADMIN)
    assert client.get(role_url(m)).status_code == 405
    assert client.get(remove_url(m)).status_code == 405


# --- other organisations --------------------------------------------------------------------


def test_it_keeps_other_organisations_admins_out(tenant: Tenant) -> None:
    m = membership(tenant, Role.VIEWER)
    outsider = tenant.client_for(tenant.outsider)
    assert outsider.post(role_url(m), {"role": "admin"}).status_code == 404
    assert outsider.post(remove_url(m)).status_code == 404
    for name in ("accounts:member_role", "accounts:member_remove"):
        own_org_url = reverse(name, kwargs={"org": "hillside", "membership_id": m.pk})
        assert outsider.post(own_org_url, {"role": "admin"}).status_code == 404
    m.refresh_from_db()
    assert m.role == Role.VIEWER


def test_it_keeps_this_organisations_admin_out_of_another(tenant: Tenant) -> None:
    theirs = Membership.objects.get(user=tenant.outsider, organisation=tenant.other_org)
    client = tenant.client(Role.ADMIN)
    for name in ("accounts:member_role", "accounts:member_remove"):
        url = reverse(name, kwargs={"org": "riverside", "membership_id": theirs.pk})
        assert client.post(url, {"role": "viewer"}).status_code == 404
    theirs.refresh_from_db()
    assert theirs.role == Role.ADMIN
