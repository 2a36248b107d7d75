"""Sending feedback without an account: the form, its rules and limits, the receipt, the
follow-up page, and anonymity checked in the database rows."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client

from stepback.core.models import AuditEntry
from stepback.feedback import public_views, services
from stepback.feedback.models import Channel, FeedbackItem, Identity, Status


def _submit(client: Client, channel: Channel, **data: str):
    return client.post(
        f"/f/{channel.key}/", {"body": "More time to plan, please", "anonymous": "on", **data}
    )


def test_it_takes_feedback_without_an_account_and_gives_a_receipt(channel: Channel) -> None:
    response = _submit(Client(), channel, anonymous="on")
    assert response.status_code == 200
    item = FeedbackItem.objects.get()
    submission = response.context["submission"]
    assert item.body == "More time to plan, please"
    assert item.receipt_hash == services.secret_hash(submission.receipt)
    assert submission.receipt not in str(item.__dict__)
    assert submission.follow_up_token not in str(item.__dict__)
    assert submission.receipt.encode() in response.content


def test_an_anonymous_row_keeps_no_identity_and_only_the_day(channel: Channel) -> None:
    _submit(Client(REMOTE_ADDR="203.0.113.9"), channel, anonymous="on", name="Ana", email="a@x.org")
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM feedback_feedbackitem")
        columns = [c[0] for c in cursor.description]
        row = dict(zip(columns, cursor.fetchone(), strict=True))
    assert row["name"] == "" and row["email"] == "" and row["assignee_id"] is None
    assert "203.0.113.9" not in str(row)
    assert not any("time" in name or name.endswith("_at") for name in columns)
    assert str(row["submitted_on"]) == channel.organisation.today().isoformat()
    entry = AuditEntry.objects.get(verb="channel.submit")
    assert entry.actor_id is None and entry.target_id == channel.pk
    assert (entry.created_at.hour, entry.created_at.minute, entry.created_at.second) == (0, 0, 0)


def test_ids_say_nothing_about_the_order_items_came_in(channel: Channel) -> None:
    ids = [
        services.item_submit(channel=channel, body=f"n{i}", anonymous=True).item.pk
        for i in range(12)
    ]
    assert ids != sorted(ids)


def test_a_named_channel_needs_a_name_and_keeps_it(channel: Channel) -> None:
    services.channel_update(channel=channel, actor=None, changes={"identity": Identity.NAMED})
    response = _submit(Client(), channel)
    assert response.status_code == 400
    response = _submit(Client(), channel, name="Ana Lopez", email="ana@example.org")
    assert response.status_code == 200
    item = FeedbackItem.objects.get()
    assert (item.anonymous, item.name, item.email) == (False, "Ana Lopez", "ana@example.org")


def test_it_keeps_plain_text_only_and_refuses_too_long(channel: Channel) -> None:
    _submit(Client(), channel, body="<b>Bold</b> <script>alert(1)</script>idea", anonymous="on")
    assert FeedbackItem.objects.get().body == "Bold alert(1)idea"
    response = _submit(Client(), channel, body="x" * 2001)
    assert response.status_code == 400
    assert FeedbackItem.objects.count() == 1


def test_it_asks_for_the_access_code(channel: Channel) -> None:
    services.channel_update(channel=channel, actor=None, changes={"access_code": "owl"})
    assert _submit(Client(), channel, access_code="cat").status_code == 400
    assert _submit(Client(), channel, access_code="owl").status_code == 200


def test_a_closed_channel_says_so_and_takes_nothing(channel: Channel) -> None:
    yesterday = channel.organisation.today() - timedelta(days=1)
    services.channel_update(channel=channel, actor=None, changes={"closes_on": yesterday})
    response = _submit(Client(), channel)
    assert response.status_code == 410
    assert b"This channel is closed." in response.content
    assert not FeedbackItem.objects.exists()


def test_it_limits_submissions_per_client_address(channel: Channel) -> None:
    client = Client(REMOTE_ADDR="198.51.100.7")
    for _ in range(public_views.PER_ADDRESS_PER_TEN_MINUTES):
        assert _submit(client, channel).status_code == 200
    assert _submit(client, channel).status_code == 429
    assert _submit(Client(REMOTE_ADDR="198.51.100.8"), channel).status_code == 200


def test_it_limits_submissions_per_channel(
    channel: Channel, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(public_views, "PER_CHANNEL_PER_MINUTE", 3)
    for n in range(3):
        assert _submit(Client(REMOTE_ADDR=f"192.0.2.{n}"), channel).status_code == 200
    assert _submit(Client(REMOTE_ADDR="192.0.2.99"), channel).status_code == 429


def test_the_follow_up_page_shows_the_status_and_the_answer(channel: Channel) -> None:
    submission = services.item_submit(channel=channel, body="Fewer meetings", anonymous=True)
    services.item_update(
        item=submission.item,
        actor=None,
        changes={"status": Status.DONE, "answer": "Meetings are now fortnightly."},
    )
    page = Client().get(f"/feedback/follow-up/{submission.follow_up_token}/")
    assert page.status_code == 200
    assert b"Meetings are now fortnightly." in page.content and b"Done" in page.content
    by_code = Client().post("/feedback/follow-up/", {"receipt": submission.receipt.lower()})
    assert by_code.status_code == 200 and b"Fewer meetings" in by_code.content
    assert Client().get("/feedback/follow-up/not-a-token/").status_code == 404
    assert Client().post("/feedback/follow-up/", {"receipt": "AAAAA-AAAAA"}).status_code == 400


def test_receipt_lookups_are_limited(channel: Channel) -> None:
    client = Client(REMOTE_ADDR="198.51.100.20")
    for _ in range(public_views.RECEIPT_LOOKUPS_PER_TEN_MINUTES):
        client.post("/feedback/follow-up/", {"receipt": "AAAAA-AAAAA"})
    assert client.post("/feedback/follow-up/", {"receipt": "AAAAA-AAAAA"}).status_code == 429


def test_published_answers_show_on_the_channels_public_page(channel: Channel) -> None:
    first = services.item_submit(channel=channel, body="Quiet room", anonymous=True).item
    services.item_submit(channel=channel, body="Private thought", anonymous=True)
    services.item_update(
        item=first, actor=None, changes={"answer": "Room 12 is quiet now.", "published": True}
    )
    page = Client().get(f"/f/{channel.key}/answers/")
    assert b"Room 12 is quiet now." in page.content and b"Quiet room" in page.content
    assert b"Private thought" not in page.content


def test_publishing_needs_an_answer(channel: Channel) -> None:
    item = services.item_submit(channel=channel, body="Idea", anonymous=True).item
    with pytest.raises(Exception, match="Write an answer"):
        services.item_update(item=item, actor=None, changes={"published": True})
