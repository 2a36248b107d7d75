"""The activity reads seek in an index and read it in order, so a million rows cost no more.

SQLite's EXPLAIN QUERY PLAN names the index and says "USE TEMP B-TREE FOR ORDER BY" when
it would have to sort: a read that sorts would scan every entry of the organisation.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection

from stepback.accounts.roles import Role
from stepback.core.models import AuditEntry, AuditEntryQuerySet
from stepback.core.selectors import audit_entries
from tests.activity.test_pages import make_entries
from tests.conftest import Tenant

pytestmark = pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's query plan")


def _plan(queryset: AuditEntryQuerySet) -> str:
    sql, params = queryset[:51].query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
        return "\n".join(str(row[-1]) for row in cursor.fetchall())


@pytest.mark.parametrize(
    ("filters", "index"),
    [
        ({}, "audit_org_newest"),
        ({"kind": "goal"}, "audit_org_newest"),
        ({"date_from": dt.date(2025, 3, 1), "date_to": dt.date(2025, 3, 31)}, "audit_org_newest"),
        ({"initiative_id": 1}, "audit_initiative_newest"),
        ({"initiative_id": 1, "kind": "measurement"}, "audit_initiative_newest"),
        ("actor", "audit_actor_newest"),
    ],
)
def test_it_reads_the_activity_through_an_index_in_order(
    tenant: Tenant, filters: dict[str, object] | str, index: str
) -> None:
    make_entries(tenant.org, 20, actor=tenant.user(Role.LEADER), initiative_id=1)
    if filters == "actor":
        filters = {"actor": tenant.user(Role.LEADER)}
    assert isinstance(filters, dict)
    queryset = audit_entries(organisation=tenant.org, **filters)  # type: ignore[arg-type]

    for read in (queryset, queryset.before(AuditEntry.objects.order_by("pk")[10])):
        plan = _plan(read)
        assert index in plan, plan
        assert "TEMP B-TREE" not in plan, plan


@pytest.mark.parametrize("filters", [{}, {"kind": "goal"}, {"kind": "goal", "initiative_id": 1}])
def test_it_counts_from_the_index_alone(tenant: Tenant, filters: dict[str, object]) -> None:
    """The API's COUNT, a kind filter included, never reads the table's rows."""
    make_entries(tenant.org, 20, initiative_id=1)
    queryset = audit_entries(organisation=tenant.org, **filters).select_related(None).order_by()  # type: ignore[arg-type]
    sql, params = queryset.values("pk").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN QUERY PLAN SELECT COUNT(*) FROM ({sql}) AS counted", params)
        plan = "\n".join(str(row[-1]) for row in cursor.fetchall())
    assert "COVERING INDEX" in plan, plan
