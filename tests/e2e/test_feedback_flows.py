"""In a browser: someone sends feedback on a phone without JavaScript, follows it up with
the receipt, the team answers it in the inbox, and reads a round's results."""

from __future__ import annotations

import pytest

from stepback.accounts.models import User
from stepback.demo import DEMO_PASSWORD, demo_load
from stepback.feedback.models import Channel, FeedbackItem, Round
from tests.e2e.conftest import PHONE, screenshot, sign_in

pytestmark = pytest.mark.browser


def test_it_takes_feedback_on_a_phone_and_shows_the_answer_later(
    browser, live_server, page
) -> None:  # type: ignore[no-untyped-def]
    from playwright.sync_api import expect

    demo_load()
    channel = Channel.objects.get(name="Staff suggestions")
    phone = browser.new_context(
        viewport=PHONE, base_url=live_server.url, java_script_enabled=False, is_mobile=True
    )
    visitor = phone.new_page()
    visitor.goto(f"/f/{channel.key}/")
    expect(visitor.get_by_role("heading", name="Staff suggestions")).to_be_visible()
    visitor.get_by_label("Your feedback").fill("Could the sprint notes be shared before Friday?")
    screenshot(visitor, "feedback-submit-phone", phone=False)
    visitor.get_by_role("button", name="Send").click()
    expect(visitor.get_by_role("heading", name="Thank you: your feedback is sent.")).to_be_visible()
    receipt = visitor.get_by_label("Receipt code").inner_text().strip()
    screenshot(visitor, "feedback-receipt-phone", phone=False)

    sign_in(page, "support@riverside.example", DEMO_PASSWORD)
    item = FeedbackItem.objects.get(body__startswith="Could the sprint notes")
    page.goto(f"/o/riverside/initiatives/{item.initiative_id}/feedback/?q=sprint+notes")
    expect(page.get_by_text("1 item", exact=True)).to_be_visible()
    page.goto(f"/o/riverside/initiatives/{item.initiative_id}/feedback/")
    screenshot(page, "feedback-inbox")
    page.goto(f"/o/riverside/feedback/items/{item.pk}/")
    page.get_by_label("Status").select_option("done")
    page.get_by_role("textbox", name="Answer").fill("Yes: they go out on Thursdays from next week.")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("The item is saved.")).to_be_visible()

    visitor.goto("/feedback/follow-up/")
    visitor.get_by_label("Receipt code").fill(receipt)
    visitor.get_by_role("button", name="Show my feedback").click()
    expect(visitor.get_by_text("Yes: they go out on Thursdays from next week.")).to_be_visible()
    screenshot(visitor, "feedback-follow-up-phone", phone=False)
    visitor.goto(f"/f/{channel.key}/answers/")
    screenshot(visitor, "feedback-you-said-we-did-phone", phone=False)
    phone.close()


def test_it_shows_a_rounds_results_in_english_and_french(page) -> None:  # type: ignore[no-untyped-def]
    from playwright.sync_api import expect

    demo_load()
    sign_in(page, "leader@riverside.example", DEMO_PASSWORD)
    round_ = Round.objects.get(name="Spring pulse")
    page.goto(f"/o/riverside/feedback/rounds/{round_.pk}/")
    expect(page.get_by_role("heading", name="Spring pulse")).to_be_visible()
    expect(page.get_by_text("since the last round").first).to_be_visible()
    screenshot(page, "feedback-round-results")
    by = round_.survey.questions.get(kind="single")
    page.goto(f"/o/riverside/feedback/rounds/{round_.pk}/?by={by.pk}")
    screenshot(page, "feedback-round-breakdown", phone=False)
    User.objects.filter(email="leader@riverside.example").update(language="fr")
    page.context.set_extra_http_headers({"Accept-Language": "fr"})
    page.goto(f"/o/riverside/feedback/rounds/{round_.pk}/")
    screenshot(page, "feedback-round-results-fr")
    page.goto(f"/o/riverside/initiatives/{round_.survey.initiative_id}/feedback/")
    screenshot(page, "feedback-inbox-fr")
    channel = Channel.objects.get(name="Parent questions")
    page.goto(f"/f/{channel.key}/")
    screenshot(page, "feedback-submit-fr")
