"""Browser tests: Playwright's sync API driving Debian's Chromium against Django's live server.

Without Chromium the tests skip with a loud message; in CI (``CI=true``) a missing
browser is a failure, so a green CI always means the browser tests ran.
Every test module here sets ``pytestmark = pytest.mark.browser``.
Screenshots go to ``var/test-artifacts/screenshots`` (kept out of git) for review.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("STEPBACK_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOT_DIR = Path(__file__).resolve().parents[2] / "var" / "test-artifacts" / "screenshots"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}

_missing_reason = f"Chromium not found at {CHROMIUM}: browser tests did NOT run"


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if not Path(CHROMIUM).exists() and terminalreporter.stats.get("skipped"):
        terminalreporter.write_sep("!", _missing_reason.upper(), red=True, bold=True)
        terminalreporter.write_line("Install it with: apt-get install -y chromium")


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    if not Path(CHROMIUM).exists() and not shutil.which("chromium"):
        if os.environ.get("CI") == "true":
            pytest.fail(f"{_missing_reason}; CI must run them.")
        pytest.skip(_missing_reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server, transactional_db):  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport=DESKTOP, base_url=live_server.url)
    context.set_default_timeout(10_000)
    page = context.new_page()
    console_errors: list[str] = []
    page.on("console", lambda msg: console_errors.append(msg.text) if msg.type == "error" else None)
    page.console_errors = console_errors
    yield page
    context.close()


def screenshot(page, name: str, *, phone: bool = True) -> Path:  # type: ignore[no-untyped-def]
    """Save a full-page screenshot at desktop width, and at phone width unless told not to."""
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOT_DIR / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    if phone:
        size = page.viewport_size
        page.set_viewport_size(PHONE)
        page.screenshot(path=str(SCREENSHOT_DIR / f"{name}-phone.png"), full_page=True)
        page.set_viewport_size(size)
    return path


def sign_in(page, email: str, password: str) -> None:  # type: ignore[no-untyped-def]
    page.goto("/accounts/login/")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()


def sign_in_as(page, live_server, email: str | None) -> None:  # type: ignore[no-untyped-def]
    """Sign in by session cookie, faster than the form (its own flows test the form)."""
    if email is None:
        return
    from django.conf import settings
    from django.test import Client

    from stepback.accounts.models import User

    client = Client()
    client.force_login(User.objects.get(email=email))
    page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )
    page.goto("/")
    assert "/accounts/login/" not in page.url, "the session cookie did not sign in"
