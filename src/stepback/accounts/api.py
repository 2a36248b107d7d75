"""API routes for the current user, organisations and members.

A token is scoped to one organisation: ``/orgs`` lists that one, and any other
organisation's paths are 404. ``member_id`` is the id of a membership (a person's
place in an organisation), as returned by the members list.
"""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import ValidationError as RuleError
from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Router, Schema, Status
from ninja.errors import HttpError, ValidationError
from ninja.pagination import paginate

from stepback.accounts.models import Membership
from stepback.accounts.roles import Capability, Role
from stepback.accounts.services import membership_change_role, membership_remove
from stepback.core.access import SIGNED_IN
from stepback.core.api_schemas import Id, InputSchema, Paging
from stepback.tokens.auth import access, api_membership
from stepback.tokens.models import ApiToken

router = Router(tags=["accounts"])


class UserOut(Schema):
    id: int
    email: str
    name: str


class OrgOut(Schema):
    slug: str
    name: str
    role: Role

    @staticmethod
    def resolve_slug(obj: Membership) -> str:
        return obj.organisation.slug

    @staticmethod
    def resolve_name(obj: Membership) -> str:
        return obj.organisation.name


class MemberOut(Schema):
    id: int
    user: UserOut
    role: Role
    joined_at: datetime

    @staticmethod
    def resolve_joined_at(obj: Membership) -> datetime:
        return obj.created_at


class MemberPatch(InputSchema):
    """``role`` is checked in the view, after access: an empty body is a 403 before a 422."""

    role: Role | None = None


def _member(membership: Membership, member_id: Id) -> Membership:
    member = (
        Membership.objects.select_related("user")
        .filter(organisation_id=membership.organisation_id, pk=member_id)
        .first()
    )
    if member is None:
        raise HttpError(404, "Not found.")
    return member


@router.get("/me", response=UserOut, summary="The token's user", **access(SIGNED_IN))
def me(request: HttpRequest) -> object:
    return request.user


@router.get(
    "/orgs",
    response=list[OrgOut],
    summary="The token's organisation, with your role",
    description="A token belongs to one organisation, so this list has exactly one entry.",
    **access(SIGNED_IN),
)
def org_list(request: HttpRequest) -> object:
    token: ApiToken = request.auth  # type: ignore[attr-defined]
    return Membership.objects.select_related("organisation").filter(
        user_id=token.user_id, organisation_id=token.organisation_id
    )


@router.get(
    "/orgs/{org}",
    response=OrgOut,
    summary="An organisation, with your role",
    **access(Capability.VIEW),
)
def org_detail(request: HttpRequest, org: str) -> object:
    return api_membership(request)


@router.get(
    "/orgs/{org}/members",
    response=list[MemberOut],
    summary="The organisation's members",
    **access(Capability.VIEW),
)
@paginate(Paging)
def member_list(request: HttpRequest, org: str) -> QuerySet[Membership]:
    membership = api_membership(request)
    return (
        Membership.objects.filter(organisation_id=membership.organisation_id)
        .select_related("user")
        .order_by("user__email", "pk")
    )


@router.get(
    "/orgs/{org}/members/{member_id}",
    response=MemberOut,
    summary="One member",
    **access(Capability.VIEW),
)
def member_detail(request: HttpRequest, org: str, member_id: Id) -> object:
    return _member(api_membership(request), member_id)


@router.patch(
    "/orgs/{org}/members/{member_id}",
    response=MemberOut,
    summary="Change a member's role",
    description="An organisation always keeps an admin: demoting the last one is a 409.",
    **access(Capability.MANAGE_MEMBERS, conflict="The last admin cannot be demoted."),
)
def member_update(request: HttpRequest, org: str, member_id: Id, payload: MemberPatch) -> object:
    acting = api_membership(request)
    member = _member(acting, member_id)
    if payload.role is None:
        raise ValidationError(
            [{"loc": ("body", "payload", "role"), "msg": "Field required", "type": "missing"}]
        )
    try:
        return membership_change_role(
            membership=member,
            role=payload.role,
            actor=acting.user,
        )
    except RuleError as error:
        raise HttpError(409, " ".join(error.messages)) from error


@router.delete(
    "/orgs/{org}/members/{member_id}",
    response={204: None},
    summary="Remove a member",
    description=(
        "Their API tokens for this organisation are revoked. The last admin cannot be "
        "removed (409)."
    ),
    **access(Capability.MANAGE_MEMBERS, conflict="The last admin cannot be removed."),
)
def member_remove(request: HttpRequest, org: str, member_id: Id) -> Status[None]:
    acting = api_membership(request)
    member = _member(acting, member_id)
    try:
        membership_remove(membership=member, actor=acting.user)
    except RuleError as error:
        raise HttpError(409, " ".join(error.messages)) from error
    return Status(204, None)
