"""The demo's organisations, people (one per role), a pending invitation and an API token."""

from __future__ import annotations

from django.conf import settings

from stepback.accounts.models import Invitation, Membership, Organisation, User
from stepback.accounts.roles import Role
from stepback.demo.site import DEMO_PASSWORD, DemoLogin, DemoSite
from stepback.tokens.models import ApiToken, hash_token

ORGANISATIONS = {
    "riverside": "Riverside Secondary School",
    "northside": "Northside Primary School",
}

# (email, name, {organisation slug: role}); the leader belongs to both organisations.
PEOPLE: list[tuple[str, str, dict[str, Role]]] = [
    ("admin@riverside.example", "Alex Morgan", {"riverside": Role.ADMIN}),
    (
        "leader@riverside.example",
        "Leila Haddad",
        {"riverside": Role.LEADER, "northside": Role.SUPPORT},
    ),
    ("support@riverside.example", "Sam Okafor", {"riverside": Role.SUPPORT}),
    ("owner@riverside.example", "Jo Fraser", {"riverside": Role.OWNER}),
    ("member@riverside.example", "Chris Lee", {"riverside": Role.MEMBER}),
    ("viewer@riverside.example", "Pat Quinn", {"riverside": Role.VIEWER}),
    ("admin@northside.example", "Morgan Ellis", {"northside": Role.ADMIN}),
    ("member@northside.example", "Rowan Price", {"northside": Role.MEMBER}),
]

SITE_ADMIN = ("siteadmin@stepback.example", "Site Administrator")
INVITEE = "newteacher@riverside.example"
# A read-only token of the leader's in Riverside, to try the API with.
API_TOKEN = "sbk_demo-riverside-read-only"


def load() -> DemoSite:
    """Find or create the accounts part of the demo; the site it returns is for later parts."""
    site = DemoSite()
    for slug, name in ORGANISATIONS.items():
        org, created = Organisation.objects.get_or_create(slug=slug, defaults={"name": name})
        site.organisations[slug] = org
        site.tally(created)

    for email, name, roles in PEOPLE:
        user, created = _get_or_create_user(email, name)
        site.people[email] = user
        site.tally(created)
        for slug, role in roles.items():
            org = site.organisations[slug]
            _, created = Membership.objects.get_or_create(
                user=user, organisation=org, defaults={"role": role}
            )
            site.tally(created)
        site.logins.append(
            DemoLogin(
                email=email,
                name=name,
                roles="; ".join(
                    f"{site.organisations[slug].name}: {role.label}" for slug, role in roles.items()
                ),
            )
        )

    if not settings.PRODUCTION:
        # A public demo site must not hand out site-admin rights with a published password.
        email, name = SITE_ADMIN
        admin, created = _get_or_create_user(email, name, is_staff=True, is_superuser=True)
        site.people[email] = admin
        site.tally(created)
        site.logins.append(DemoLogin(email=email, name=name, roles="site administrator (/admin/)"))

    riverside = site.organisations["riverside"]
    _, created = Invitation.objects.pending().get_or_create(
        organisation=riverside,
        email=INVITEE,
        defaults={"role": Role.MEMBER, "invited_by": site.people["admin@riverside.example"]},
    )
    site.tally(created)

    _, created = ApiToken.objects.get_or_create(
        token_hash=hash_token(API_TOKEN),
        defaults={
            "user": site.people["leader@riverside.example"],
            "organisation": riverside,
            "name": "Demo read-only token",
            "scope": ApiToken.Scope.READ,
            "hint": API_TOKEN[:10],
        },
    )
    site.tally(created)
    site.api_token = API_TOKEN
    return site


def _get_or_create_user(email: str, name: str, **flags: bool) -> tuple[User, bool]:
    user = User.objects.filter(email=email).first()
    if user is not None:
        return user, False
    return User.objects.create_user(email, DEMO_PASSWORD, name=name, **flags), True
