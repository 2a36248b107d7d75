"""An initiative's activity: the organisation's page, narrowed to the initiative."""

from __future__ import annotations

from typing import Any

from stepback.accounts.roles import Role
from stepback.core.models import AuditEntry
from tests.activity.test_pages import make_entries
from tests.conftest import Tenant, make_initiative


def _url(tenant: Tenant, initiative_id: int, query: str = "") -> str:
    return f"/o/{tenant.org.slug}/initiatives/{initiative_id}/activity/{query}"


def _targets(response: Any) -> list[int]:
    return [entry.target_id for entry in response.context["page"].entries]


def test_it_shows_only_the_initiatives_entries(tenant: Tenant) -> None:
    reading, calm = make_initiative(tenant.org, "Reading"), make_initiative(tenant.org, "Calm")
    AuditEntry.objects.all().delete()  # only the entries made below: not the creations
    make_entries(tenant.org, 2, initiative_id=reading.pk)
    make_entries(tenant.org, 5, initiative_id=calm.pk)
    make_entries(tenant.other_org, 3, initiative_id=reading.pk)  # same id, another tenant

    response = tenant.client(Role.OWNER).get(_url(tenant, reading.pk))

    assert response.status_code == 200
    assert _targets(response) == [2, 1]
    html = response.content.decode()
    assert "Who changed what in “Reading”" in html
    assert f'href="/o/{tenant.org.slug}/initiatives/{reading.pk}/"' in html  # the breadcrumb
    assert _targets(tenant.client(Role.OWNER).get(_url(tenant, calm.pk, "?kind=member"))) == []


def test_it_is_linked_from_the_initiative_page_for_those_who_may_see_it(tenant: Tenant) -> None:
    initiative = make_initiative(tenant.org, "Reading")
    page = f"/o/{tenant.org.slug}/initiatives/{initiative.pk}/"
    link = f'href="{_url(tenant, initiative.pk)}"'
    assert link in tenant.client(Role.LEADER).get(page).content.decode()
    assert link not in tenant.client(Role.VIEWER).get(page).content.decode()


def test_it_reads_a_fixed_number_of_queries(tenant: Tenant, django_assert_num_queries: Any) -> None:
    initiative = make_initiative(tenant.org, "Reading")
    AuditEntry.objects.all().delete()  # only the entries made below: not the creation
    client = tenant.client(Role.ADMIN)
    client.get(_url(tenant, initiative.pk))
    make_entries(tenant.org, 5, initiative_id=initiative.pk, actor=tenant.user(Role.LEADER))
    with django_assert_num_queries(7) as few:
        client.get(_url(tenant, initiative.pk))
    make_entries(tenant.org, 200, initiative_id=initiative.pk, actor=tenant.user(Role.OWNER))
    with django_assert_num_queries(len(few)):
        client.get(_url(tenant, initiative.pk))
    assert AuditEntry.objects.count() == 205
