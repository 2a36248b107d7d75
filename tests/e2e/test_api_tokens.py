"""Personal access tokens end to end: create one, see it once, use it, revoke it; the API docs."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from datetime import date, timedelta

import pytest
from playwright.sync_api import expect

from stepback.accounts.roles import Role
from stepback.tokens.services import api_token_create
from tests.conftest import PASSWORD, make_member, make_org
from tests.e2e.conftest import PHONE, screenshot, sign_in

pytestmark = pytest.mark.browser


def _get_me(base_url: str, token: str) -> tuple[int, dict[str, object]]:
    request = urllib.request.Request(
        f"{base_url}/api/v1/me", headers={"Authorization": f"Bearer {token}"}
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def test_it_creates_uses_and_revokes_a_token(page, live_server) -> None:  # type: ignore[no-untyped-def]
    org = make_org("Riverside School", "riverside")
    make_member(org, Role.LEADER, "lee@riverside.example")
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    sign_in(page, "lee@riverside.example", PASSWORD)

    page.goto("/o/riverside/tokens/")
    assert page.get_by_role("heading", name="API tokens").is_visible()
    assert page.get_by_text("You have no tokens in Riverside School yet.").is_visible()
    screenshot(page, "api-tokens-empty")

    page.get_by_label("Name").fill("Weekly report")
    page.get_by_label("Read and write").check()
    assert page.get_by_label("90 days").is_checked()
    page.get_by_label("30 days").check()
    page.get_by_role("button", name="Create token").click()
    page.wait_for_load_state()

    field = page.locator("#new-token")
    raw = field.input_value()
    assert raw.startswith("sbk_")
    assert page.get_by_text("it is shown only this once").is_visible()
    page.get_by_role("button", name="Copy", exact=True).click()
    expect(page.get_by_role("button", name="Copied")).to_be_visible()
    assert page.evaluate("navigator.clipboard.readText()") == raw
    expect(
        page.get_by_role("cell", name=f"{(date.today() + timedelta(days=30)):%-d %b %Y}")
    ).to_be_visible()
    screenshot(page, "api-tokens-created")

    status, me = _get_me(live_server.url, raw)
    assert status == 200
    assert me["email"] == "lee@riverside.example"

    page.goto("/o/riverside/tokens/")
    assert page.locator("#new-token").count() == 0
    assert raw not in page.content()
    row = page.get_by_role("row", name="Weekly report")
    assert "Read and write" in row.inner_text()
    assert "Active" in row.inner_text()
    assert "Never" not in row.inner_text()

    page.once("dialog", lambda dialog: dialog.accept())
    row.get_by_role("button", name="Revoke").click()
    page.wait_for_load_state()
    assert page.get_by_text("The token “Weekly report” is revoked").is_visible()
    assert "Revoked" in page.get_by_role("row", name="Weekly report").inner_text()
    assert _get_me(live_server.url, raw)[0] == 401
    assert page.console_errors == []


def test_it_keeps_a_token_when_revoking_is_cancelled(page, live_server) -> None:  # type: ignore[no-untyped-def]
    org = make_org("Riverside School", "riverside")
    make_member(org, Role.VIEWER, "vic@riverside.example")
    sign_in(page, "vic@riverside.example", PASSWORD)
    page.goto("/o/riverside/tokens/")
    assert page.get_by_label("Read and write").is_disabled()
    assert page.get_by_text("Your role (Viewer) can only read").is_visible()
    page.get_by_label("Name").fill("Dashboards")
    page.get_by_role("button", name="Create token").click()
    raw = page.locator("#new-token").input_value()

    page.once("dialog", lambda dialog: dialog.dismiss())
    page.get_by_role("row", name="Dashboards").get_by_role("button", name="Revoke").click()
    assert "Active" in page.get_by_role("row", name="Dashboards").inner_text()
    assert _get_me(live_server.url, raw)[0] == 200

    # On a phone each token is a card of labelled lines: nothing to scroll sideways.
    page.set_viewport_size(PHONE)
    page.goto("/o/riverside/tokens/")
    assert page.locator(".table-responsive").evaluate("el => el.scrollWidth <= el.clientWidth")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    row = page.locator("tbody tr", has_text="Dashboards")
    expect(row.locator("td[data-label='Access']")).to_be_visible()
    assert row.bounding_box()["width"] <= PHONE["width"]  # type: ignore[index]
    screenshot(page, "api-tokens-phone", phone=False)
    assert page.console_errors == []


def test_it_shows_the_api_docs_offline_and_tries_a_call(page, live_server) -> None:  # type: ignore[no-untyped-def]
    org = make_org("Riverside School", "riverside")
    user = make_member(org, Role.MEMBER, "mo@riverside.example")
    _, raw = api_token_create(user=user, organisation=org, name="docs", scope="read")
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    page.goto("/api/v1/docs")
    page.get_by_role("heading", name="Stepback API").wait_for()
    page.get_by_text("/api/v1/orgs/{org}/members/{member_id}").first.wait_for()
    screenshot(page, "api-docs")

    page.locator("button.authorize").first.click()
    page.locator("#auth-bearer-value").fill(raw)
    page.locator(".modal-ux button[type=submit]").click()
    page.locator(".modal-ux .btn-done").click()
    page.locator("#operations-accounts-stepback_accounts_api_me .opblock-summary-control").click()
    page.get_by_role("button", name="Try it out").click()
    page.get_by_role("button", name="Execute").click()
    result = page.locator(".live-responses-table .response .response-col_status").first
    result.wait_for()
    assert result.inner_text().strip() == "200"
    assert "mo@riverside.example" in page.locator(".live-responses-table").inner_text()
    assert requested
    assert all(url.startswith((live_server.url, "data:", "blob:")) for url in requested), requested
    assert page.console_errors == []
