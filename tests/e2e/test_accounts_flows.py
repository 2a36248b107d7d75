"""Sign-in, switching organisation, inviting and accepting, in a real browser."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from django.core.cache import cache
from django.core.mail import EmailMessage
from playwright.sync_api import Browser, Page, expect

from stepback.accounts.models import Membership, User
from stepback.accounts.roles import Role
from tests.conftest import PASSWORD, make_member, make_org, make_user
from tests.e2e.conftest import DESKTOP, screenshot, sign_in

pytestmark = pytest.mark.browser

NEW_PASSWORD = "tidal river morning light"


def script_errors(page: Page) -> list[str]:
    """Console errors, less the browser's notes on the 400s that refused forms answer with."""
    errors: list[str] = page.console_errors  # type: ignore[attr-defined]
    return [e for e in errors if not e.startswith("Failed to load resource")]


@pytest.fixture(autouse=True)
def clean_rate_limit() -> Iterator[None]:
    cache.clear()
    yield
    cache.clear()


def test_it_signs_in_and_explains_a_wrong_password(page: Page) -> None:
    org = make_org("Riverside School", "riverside")
    make_member(org, Role.LEADER, "lee@riverside.example")
    page.goto("/accounts/login/")
    expect(page.get_by_role("heading", name="Sign in to Stepback")).to_be_visible()
    screenshot(page, "accounts-login")

    page.get_by_label("Email address").fill("lee@riverside.example")
    page.get_by_label("Password").fill("not my password")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("alert")).to_contain_text(
        "That email address and password do not match an account."
    )
    expect(page.get_by_label("Email address")).to_have_value("lee@riverside.example")
    screenshot(page, "accounts-login-error")

    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(re.compile(r"/o/riverside/$"))
    expect(page.get_by_role("heading", name="Riverside School")).to_be_visible()
    assert script_errors(page) == []


def test_it_switches_between_organisations(page: Page) -> None:
    person = make_user("sam@example.org", name="Sam Okafor")
    for name, slug, role in [
        ("Alpha Academy", "alpha", Role.ADMIN),
        ("Beta College", "beta", Role.VIEWER),
    ]:
        Membership.objects.create(user=person, organisation=make_org(name, slug), role=role)
    sign_in(page, "sam@example.org", PASSWORD)
    expect(page.get_by_role("heading", name="Alpha Academy")).to_be_visible()

    page.get_by_role("button", name="Alpha Academy").click()
    page.get_by_role("link", name=re.compile("Beta College")).click()
    expect(page).to_have_url(re.compile(r"/o/beta/$"))
    expect(page.get_by_role("heading", name="Beta College")).to_be_visible()
    expect(page.get_by_text("Your role: Viewer")).to_be_visible()
    screenshot(page, "accounts-dashboard-after-switch")

    page.goto("/")
    expect(page).to_have_url(re.compile(r"/o/beta/$"))
    assert script_errors(page) == []


def test_it_invites_someone_who_accepts_and_lands_on_the_dashboard(
    page: Page,
    browser: Browser,
    live_server: object,
    settings: object,
    mailoutbox: list[EmailMessage],
) -> None:
    settings.SITE_URL = live_server.url  # type: ignore[attr-defined]
    org = make_org("Riverside School", "riverside")
    make_member(org, Role.ADMIN, "ada@riverside.example")
    User.objects.filter(email="ada@riverside.example").update(name="Ada Mensah")
    for email, name, role in [
        ("lee@riverside.example", "Lee Chen", Role.LEADER),
        ("olu@riverside.example", "Olu Adeyemi", Role.OWNER),
        ("vic@riverside.example", "", Role.VIEWER),
    ]:
        Membership.objects.create(user=make_user(email, name=name), organisation=org, role=role)

    sign_in(page, "ada@riverside.example", PASSWORD)
    page.get_by_role("link", name="Members").click()
    expect(page.get_by_role("heading", name=re.compile("Members"))).to_be_visible()

    page.get_by_role("link", name="Invite someone").click()
    page.get_by_label("Email address").fill("lee@riverside.example")
    page.get_by_role("button", name="Send the invitation").click()
    expect(page.get_by_text("lee@riverside.example is already a member")).to_be_visible()
    screenshot(page, "accounts-invite-error")

    page.get_by_label("Email address").fill("nia@example.org")
    page.get_by_label("Role").select_option("leader")
    page.get_by_role("button", name="Send the invitation").click()
    expect(page.get_by_text("Invitation sent to nia@example.org.")).to_be_visible()
    expect(page.get_by_text("nia@example.org", exact=True)).to_be_visible()
    screenshot(page, "accounts-members-admin")
    assert len(mailoutbox) == 1
    link = re.search(r"http://\S+", str(mailoutbox[0].body))
    assert link and link.group(0).startswith(live_server.url)  # type: ignore[attr-defined]

    invitee = browser.new_context(viewport=DESKTOP, base_url=live_server.url)  # type: ignore[attr-defined]
    try:
        other = invitee.new_page()
        other.goto(link.group(0))
        expect(other.get_by_role("heading", name="Join Riverside School")).to_be_visible()
        screenshot(other, "accounts-invitation-accept")
        other.get_by_label("Your name").fill("Nia Lee")
        other.get_by_label("Password", exact=True).fill(NEW_PASSWORD)
        other.get_by_label("Password again").fill(NEW_PASSWORD)
        other.get_by_role("button", name="Create account and join").click()
        expect(other).to_have_url(re.compile(r"/o/riverside/$"))
        expect(
            other.get_by_text("Welcome to Riverside School. Your role is Leader.")
        ).to_be_visible()
        expect(other.get_by_role("button", name="Nia Lee")).to_be_visible()

        other.goto(link.group(0))
        expect(
            other.get_by_role("heading", name="This invitation link does not work")
        ).to_be_visible()
        expect(other.get_by_text("already used")).to_be_visible()
        other.goto("/accounts/invitation/not-a-real-invitation/")
        expect(other.get_by_text("not valid")).to_be_visible()
        screenshot(other, "accounts-invitation-bad-link")
    finally:
        invitee.close()

    page.reload()
    expect(page.get_by_text("No invitations are waiting")).to_be_visible()
    page.get_by_label("Role of Nia Lee").select_option("owner")
    expect(page.get_by_role("status")).to_have_text("Nia Lee is now Owner.")
    assert Membership.objects.get(user__email="nia@example.org").role == Role.OWNER
    assert script_errors(page) == []
