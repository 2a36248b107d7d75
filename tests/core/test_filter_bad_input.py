"""The pages' filter forms take any query string: a NUL character or a number too large
for the database is an invalid filter, shown and ignored, never a 500 (on PostgreSQL too)."""

from __future__ import annotations

import pytest

from stepback.accounts.roles import Role
from tests.conftest import Tenant, make_initiative

HUGE = str(2**63)
BAD_QUERIES = ["q=a%00b", f"leader={HUGE}", "leader=a%00", f"actor={HUGE}", f"goal={HUGE}"]
BAD_QUERIES += ["tag=a%00", "kind=%00", f"before={HUGE}", f"page={HUGE}", "date_from=%00"]


@pytest.mark.parametrize("query", BAD_QUERIES)
@pytest.mark.parametrize("page", ["dashboard", "activity", "observations"])
def test_it_ignores_a_filter_the_database_could_not_take(
    tenant: Tenant, page: str, query: str
) -> None:
    initiative = make_initiative(tenant.org)
    paths = {
        "dashboard": "/o/riverside/",
        "activity": "/o/riverside/activity/",
        "observations": f"/o/riverside/initiatives/{initiative.pk}/observations/",
    }
    response = tenant.client_for(tenant.user(Role.ADMIN)).get(f"{paths[page]}?{query}")
    assert response.status_code == 200
