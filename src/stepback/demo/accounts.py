"""The demo's organisations, people (one per role), a pending invitation and an API token,
as ``accounts.json`` lists them.

These rows are written directly, not through services: the people need the published
password, the token its published value, and the invitation must not be emailed.
"""

from __future__ import annotations

from django.conf import settings

from stepback.accounts.models import Invitation, Membership, Organisation, User
from stepback.accounts.roles import Role
from stepback.demo.site import DEMO_PASSWORD, DemoLogin, DemoSite, read_data
from stepback.tokens.models import ApiToken, hash_token

DATA = read_data("accounts.json")

ORGANISATIONS: dict[str, str] = DATA["organisations"]
# (email, name, {organisation slug: role}); the leader belongs to both organisations.
PEOPLE: list[tuple[str, str, dict[str, Role]]] = [
    (person["email"], person["name"], {slug: Role(r) for slug, r in person["roles"].items()})
    for person in DATA["people"]
]
SITE_ADMIN: tuple[str, str] = (DATA["site_admin"]["email"], DATA["site_admin"]["name"])
INVITATION: dict[str, str] = DATA["invitation"]
# A read-only token of the leader's in Riverside, to try the API with.
API_TOKEN: dict[str, str] = DATA["api_token"]


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

    _, created = Invitation.objects.pending().get_or_create(
        organisation=site.organisations[INVITATION["organisation"]],
        email=INVITATION["email"],
        defaults={
            "role": Role(INVITATION["role"]),
            "invited_by": site.people[INVITATION["invited_by"]],
        },
    )
    site.tally(created)

    token = API_TOKEN["token"]
    _, created = ApiToken.objects.get_or_create(
        token_hash=hash_token(token),
        defaults={
            "user": site.people[API_TOKEN["user"]],
            "organisation": site.organisations[API_TOKEN["organisation"]],
            "name": API_TOKEN["name"],
            "scope": ApiToken.Scope(API_TOKEN["scope"]),
            "hint": token[:10],
        },
    )
    site.tally(created)
    site.api_token = token
    return site


def _get_or_create_user(email: str, name: str, **flags: bool) -> tuple[User, bool]:
    user = User.objects.filter(email=email).first()
    if user is not None:
        return user, False
    return User.objects.create_user(email, DEMO_PASSWORD, name=name, **flags), True
