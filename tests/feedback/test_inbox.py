"""The team's inbox: filters, search, paging with bounded queries, triage, bulk actions,
exports, and who may see it."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from stepback.accounts.roles import Role
from stepback.core.models import AuditEntry
from stepback.feedback import services
from stepback.feedback.models import Channel, FeedbackItem, Status
from stepback.initiatives.models import Initiative
from tests.conftest import Tenant


def _items(channel: Channel, count: int) -> list[FeedbackItem]:
    bodies = ["More time to plan", "The bell is too loud", "Lunch queue is long"]
    return [
        services.item_submit(
            channel=channel,
            body=f"{bodies[n % 3]} ({n})",
            anonymous=n % 2 == 0,
            name="" if n % 2 == 0 else "Sam Lee",
        ).item
        for n in range(count)
    ]


def _inbox(tenant: Tenant, initiative: Initiative) -> str:
    return f"/o/{tenant.org.slug}/initiatives/{initiative.pk}/feedback/"


def test_the_inbox_pages_and_filters_with_a_bounded_number_of_queries(
    tenant: Tenant, initiative: Initiative, channel: Channel, django_assert_max_num_queries
) -> None:
    items = _items(channel, 120)
    services.item_update(item=items[0], actor=None, changes={"status": Status.DONE}, tags=["bell"])
    client = tenant.client(Role.LEADER)
    with django_assert_max_num_queries(18):
        page = client.get(_inbox(tenant, initiative))
    assert page.status_code == 200
    assert len(page.context["page"].object_list) == 25
    with django_assert_max_num_queries(18):
        page = client.get(_inbox(tenant, initiative), {"q": "bell loud", "page": 2})
    assert len(page.context["page"].object_list) == 15
    assert page.context["page"].paginator.count == 40
    assert (
        client.get(_inbox(tenant, initiative), {"status": "done"}).context["page"].paginator.count
        == 1
    )
    assert (
        client.get(_inbox(tenant, initiative), {"tag": "bell"}).context["page"].paginator.count == 1
    )


def test_members_and_viewers_cannot_read_the_inbox(tenant: Tenant, initiative: Initiative) -> None:
    assert tenant.client(Role.MEMBER).get(_inbox(tenant, initiative)).status_code == 403
    assert tenant.client(Role.VIEWER).get(_inbox(tenant, initiative)).status_code == 403


def test_bulk_actions_change_the_ticked_items_of_this_initiative_only(
    tenant: Tenant, initiative: Initiative, channel: Channel
) -> None:
    items = _items(channel, 4)
    other = services.channel_create(
        initiative=Initiative.objects.create(organisation=tenant.other_org, title="Theirs"),
        actor=None,
        name="Theirs",
    )
    theirs = services.item_submit(channel=other, body="Not yours", anonymous=True).item
    response = tenant.client(Role.LEADER).post(
        _inbox(tenant, initiative) + "bulk/",
        {
            "items": [items[0].pk, items[1].pk, theirs.pk],
            "status": "acknowledged",
            "assignee": tenant.user(Role.SUPPORT).pk,
            "add_tag": "Timetable",
        },
    )
    assert response.status_code == 302
    changed = FeedbackItem.objects.filter(status=Status.ACKNOWLEDGED)
    assert set(changed.values_list("pk", flat=True)) == {items[0].pk, items[1].pk}
    assert {i.assignee_id for i in changed} == {tenant.user(Role.SUPPORT).pk}
    assert [t.name for t in items[0].tags.all()] == ["timetable"]
    theirs.refresh_from_db()
    assert theirs.status == Status.NEW
    assert AuditEntry.objects.filter(verb="feedback.bulk_update").count() == 1


def test_an_answer_is_saved_with_its_day_and_audited(tenant: Tenant, channel: Channel) -> None:
    item = _items(channel, 1)[0]
    response = tenant.client(Role.SUPPORT).post(
        f"/o/{tenant.org.slug}/feedback/items/{item.pk}/",
        {"status": "in_progress", "answer": "We are on it.", "tags": "noise, bell"},
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert (item.status, item.answer, item.answered_on) == (
        Status.IN_PROGRESS,
        "We are on it.",
        tenant.org.today(),
    )
    assert AuditEntry.objects.get(verb="feedback.update").actor == tenant.user(Role.SUPPORT)


def test_it_refuses_an_assignee_from_outside(tenant: Tenant, channel: Channel) -> None:
    item = _items(channel, 1)[0]
    with pytest.raises(Exception, match="member of the organisation"):
        services.item_update(item=item, actor=None, changes={"assignee": tenant.outsider})


def test_exports_give_the_filtered_items_as_csv_and_xlsx(
    tenant: Tenant, initiative: Initiative, channel: Channel
) -> None:
    items = _items(channel, 3)
    services.item_update(item=items[1], actor=None, changes={"answer": "=cmd|' /C calc'!A0"})
    client = tenant.client(Role.LEADER)
    csv = b"".join(client.get(_inbox(tenant, initiative) + "export.csv").streaming_content).decode()
    assert csv.startswith("\ufeff") and csv.count("\n") == 4
    assert "'=cmd" in csv
    xlsx = client.get(_inbox(tenant, initiative) + "export.xlsx", {"q": "bell"})
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    rows = list(sheet.values)
    assert rows[0][0] == "date" and len(rows) == 2
    assert client.get(_inbox(tenant, initiative) + "export.pdf").status_code == 404


def test_the_channel_page_shows_its_link_and_qr_code(tenant: Tenant, channel: Channel) -> None:
    client = tenant.client(Role.LEADER)
    page = client.get(f"/o/{tenant.org.slug}/feedback/channels/{channel.pk}/")
    assert f"/f/{channel.key}/".encode() in page.content
    qr = client.get(f"/o/{tenant.org.slug}/feedback/channels/{channel.pk}/qr.svg")
    assert qr["Content-Type"] == "image/svg+xml" and b"<svg" in qr.content
