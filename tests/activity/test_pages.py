"""The organisation's activity page: entries as sentences, filters, paging, tenants, speed."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from stepback.accounts.models import Organisation, User
from stepback.accounts.roles import Role
from stepback.core.models import AuditEntry
from stepback.core.selectors import ENTRIES_PER_PAGE
from tests.conftest import Tenant

START = timezone.make_aware(dt.datetime(2025, 3, 1, 9, 0))


def make_entries(
    org: Organisation,
    count: int,
    *,
    actor: User | None = None,
    verb: str = "goal.update",
    start: dt.datetime = START,
    initiative_id: int | None = None,
) -> list[AuditEntry]:
    """``count`` entries an hour apart from ``start``, the newest last."""
    return AuditEntry.objects.bulk_create(
        AuditEntry(
            organisation=org,
            actor=actor,
            verb=verb,
            target_type=verb.split(".")[0].rstrip("s"),
            target_id=n + 1,
            initiative_id=initiative_id,
            changes={"target_value": [n, n + 1]},
            created_at=start + dt.timedelta(hours=n),
        )
        for n in range(count)
    )


def _url(tenant: Tenant, query: str = "") -> str:
    return f"/o/{tenant.org.slug}/activity/{query}"


def _targets(response: Any) -> list[int]:
    return [entry.target_id for entry in response.context["page"].entries]


def test_it_shows_an_empty_state(tenant: Tenant) -> None:
    html = tenant.client(Role.LEADER).get(_url(tenant)).content.decode()
    assert "No activity yet" in html


def test_it_shows_each_entry_as_a_sentence_newest_first(tenant: Tenant) -> None:
    leader = tenant.user(Role.LEADER)
    leader.name = "Ana Lopez"
    leader.save()
    make_entries(tenant.org, 3, actor=leader)

    response = tenant.client(Role.OWNER).get(_url(tenant))

    assert response.status_code == 200
    assert _targets(response) == [3, 2, 1]
    html = response.content.decode()
    assert "Ana Lopez updated goal #3: target value 2 → 3" in html
    assert 'datetime="2025-03-01T11:00:00' in html
    assert "Older" not in html


def test_it_links_the_activity_from_the_navigation_for_those_who_may_see_it(
    tenant: Tenant,
) -> None:
    link = f'href="{_url(tenant)}"'
    assert link in tenant.client(Role.SUPPORT).get(f"/o/{tenant.org.slug}/").content.decode()
    assert link not in tenant.client(Role.MEMBER).get(f"/o/{tenant.org.slug}/").content.decode()
    assert tenant.client(Role.VIEWER).get(_url(tenant)).status_code == 403


def test_it_pages_back_in_time_by_keyset(tenant: Tenant) -> None:
    make_entries(tenant.org, ENTRIES_PER_PAGE + 5)
    client = tenant.client(Role.ADMIN)

    first = client.get(_url(tenant))
    assert _targets(first) == list(range(ENTRIES_PER_PAGE + 5, 5, -1))
    older = first.context["page"].older
    assert f"before={older}" in first.content.decode()

    second = client.get(_url(tenant, f"?before={older}"))
    assert _targets(second) == [5, 4, 3, 2, 1]
    assert second.context["page"].older is None
    assert "Newest" in second.content.decode()


def test_it_breaks_ties_of_the_same_moment_by_id(tenant: Tenant) -> None:
    entries = AuditEntry.objects.bulk_create(
        AuditEntry(
            organisation=tenant.org,
            verb="goal.update",
            target_type="goal",
            target_id=n,
            created_at=START,
        )
        for n in range(ENTRIES_PER_PAGE + 3)
    )
    client = tenant.client(Role.ADMIN)
    first = client.get(_url(tenant))
    second = client.get(_url(tenant, f"?before={first.context['page'].older}"))
    seen = _targets(first) + _targets(second)
    assert sorted(seen) == sorted(e.target_id for e in entries)
    assert len(set(seen)) == len(seen)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("?kind=goal", [2, 1]),
        ("?kind=measurement", [30, 20, 10]),
        ("?kind=observation", []),
        ("?date_from=2025-03-02", [30]),
        ("?date_to=2025-03-01", [20, 10, 2, 1]),
        ("?date_from=2025-03-01&date_to=2025-03-01&kind=measurement", [20, 10]),
    ],
)
def test_it_filters_by_kind_and_days(tenant: Tenant, query: str, expected: list[int]) -> None:
    make_entries(tenant.org, 2, verb="goal.update")
    AuditEntry.objects.bulk_create(
        AuditEntry(
            organisation=tenant.org,
            verb=verb,
            target_type="goal",
            target_id=target,
            created_at=START + dt.timedelta(hours=hours),
        )
        for verb, target, hours in [
            ("measurement.add", 10, 3),
            ("measurements.import", 20, 4),
            ("measurement.delete", 30, 24),
        ]
    )
    assert _targets(tenant.client(Role.LEADER).get(_url(tenant, query))) == expected


def test_it_filters_by_person(tenant: Tenant) -> None:
    owner, member = tenant.user(Role.OWNER), tenant.user(Role.MEMBER)
    make_entries(tenant.org, 2, actor=owner)
    make_entries(tenant.org, 1, actor=member, start=START + dt.timedelta(days=1))

    response = tenant.client(Role.LEADER).get(_url(tenant, f"?actor={member.pk}"))
    assert _targets(response) == [1]
    assert {e.actor for e in response.context["page"].entries} == {member}


def test_it_ignores_invalid_filters_and_says_so(tenant: Tenant) -> None:
    make_entries(tenant.org, 2)
    outsider = tenant.outsider
    query = f"?actor={outsider.pk}&date_from=2025-03-01&date_to=2025-02-01"
    response = tenant.client(Role.LEADER).get(_url(tenant, query))
    html = response.content.decode()
    assert "Some filters were ignored" in html
    assert "The end date must not be before the start date." in html
    assert _targets(response) == [2, 1]  # another organisation's person is not a choice


def test_it_says_when_no_entry_matches(tenant: Tenant) -> None:
    make_entries(tenant.org, 2)
    html = tenant.client(Role.LEADER).get(_url(tenant, "?kind=member")).content.decode()
    assert "No activity matches these filters." in html


def test_it_never_shows_another_organisations_entries(tenant: Tenant) -> None:
    make_entries(tenant.other_org, 3, actor=tenant.outsider)
    make_entries(tenant.org, 1)
    theirs = AuditEntry.objects.filter(organisation=tenant.other_org).first()
    assert theirs is not None

    client = tenant.client(Role.ADMIN)
    assert _targets(client.get(_url(tenant))) == [1]
    # Their entry's id as a cursor just starts at the top of ours.
    assert _targets(client.get(_url(tenant, f"?before={theirs.pk}"))) == [1]
    assert client.get(f"/o/{tenant.other_org.slug}/activity/").status_code == 404


def test_it_answers_htmx_with_the_results_only(tenant: Tenant) -> None:
    make_entries(tenant.org, 1)
    response = tenant.client(Role.LEADER).get(_url(tenant, "?kind=goal"), HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="results"')
    assert "<html" not in html
    assert "HX-Request" in response["Vary"]


def _queries(client: Any, url: str, django_assert_max_num_queries: Any) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize("query", ["", "?kind=goal&date_from=2025-01-01", "?before={older}"])
def test_it_reads_a_fixed_number_of_queries_however_many_entries(
    tenant: Tenant, query: str, django_assert_max_num_queries: Any
) -> None:
    leader = tenant.user(Role.LEADER)
    client = tenant.client(Role.ADMIN)
    client.get(_url(tenant))  # the first visit records it; count the later ones

    counts = []
    for count in (5, 200):
        AuditEntry.objects.all().delete()
        entries = make_entries(tenant.org, count, actor=leader)
        url = _url(tenant, query.format(older=entries[-2].pk))
        with django_assert_max_num_queries(8):
            counts.append(_queries(client, url, django_assert_max_num_queries))
    assert counts[0] == counts[1]
