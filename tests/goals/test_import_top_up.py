"""Topping a goal up from a master spreadsheet: rows already stored are skipped and counted,
dates with another value are changes the person replaces or leaves, all or per row; only
problems block the commit, which is all or nothing, once, in the background too."""

from __future__ import annotations

from datetime import date

import pytest
from django.test import Client
from django.urls import reverse

from stepback.accounts.roles import Role
from stepback.core.models import AuditEntry
from stepback.goals import background, bulk, committing, imports, services
from stepback.goals.models import Goal, Measurement, MeasurementImport
from stepback.lib.tabular import ColumnMapping, DateOrder
from tests.conftest import Tenant
from tests.goals.test_imports import make_goal

State = MeasurementImport.State
STORED = [(date(2024, 1, 1), 10.0), (date(2024, 1, 2), 20.0), (date(2024, 1, 3), 30.0)]
# The master spreadsheet: the stored rows (one of them changed since), and two new rows.
MASTER = b"date,value\n2024-01-01,10\n2024-01-02,21\n2024-01-03,30\n2024-01-04,40\n2024-01-05,50\n"


@pytest.fixture
def goal(tenant: Tenant) -> Goal:
    goal = make_goal(tenant.org)
    bulk.measurements_add_many(
        goal=goal, actor=None, items=[bulk.MeasurementIn(d, v) for d, v in STORED]
    )
    return goal


def _checked(goal: Goal, content: bytes = MASTER) -> MeasurementImport:
    measurement_import = imports.import_create(
        goal=goal, filename="master.csv", content=content, actor=None
    )
    imports.import_set_mapping(
        measurement_import=measurement_import,
        mapping=ColumnMapping(date="date", value="value"),
        date_order=DateOrder.ISO,
    )
    return imports.import_check(measurement_import=measurement_import)


def _url(name: str, measurement_import: MeasurementImport) -> str:
    return reverse(f"goals:{name}", kwargs={"org": "riverside", "import_id": measurement_import.pk})


def _values(goal: Goal) -> list[tuple[date, float]]:
    return list(Measurement.objects.filter(goal=goal).values_list("date", "value"))


def test_the_preview_counts_new_and_stored_rows_and_shows_each_change(
    tenant: Tenant, goal: Goal
) -> None:
    measurement_import = _checked(goal)
    assert measurement_import.state == State.READY
    html = tenant.client(Role.MEMBER).get(_url("import_preview", measurement_import)).content
    page = html.decode()
    assert (
        "Every row reads correctly: 2 new, 2 already stored (they are skipped), 1 on date" in page
    )
    assert 'New</dt><dd class="fs-4 mb-0 text-success-emphasis">2<' in page
    assert 'Already stored</dt><dd class="fs-4 mb-0">2<' in page
    assert "1 date with another value stored" in page
    assert 'name="replace" value="3"' in page
    assert '<td class="text-end text-nowrap">20%</td>' in page
    assert "→ </span>21%" in page
    assert "Import and replace all 1" in page
    # The sample lists only rows to be added.
    sample = page.split("The first new rows, as they will be stored")[1]
    assert "4 Jan 2024" in sample and "2 Jan 2024" not in sample


def test_leaving_the_changes_stores_only_the_new_rows(tenant: Tenant, goal: Goal) -> None:
    measurement_import = _checked(goal)
    response = tenant.client(Role.MEMBER).post(
        _url("import_commit", measurement_import), {"changes": "ticked"}, follow=True
    )
    assert "Imported 2 new measurements; 2 rows were already stored." in response.content.decode()
    assert _values(goal) == [*STORED, (date(2024, 1, 4), 40.0), (date(2024, 1, 5), 50.0)]


@pytest.mark.parametrize("choice", [{"changes": "all"}, {"changes": "ticked", "replace": ["3"]}])
def test_accepted_changes_replace_the_stored_values_with_the_new_rows(
    tenant: Tenant, goal: Goal, choice: dict[str, object]
) -> None:
    measurement_import = _checked(goal)
    client = tenant.client(Role.MEMBER)
    response = client.post(_url("import_commit", measurement_import), choice, follow=True)
    assert (
        "Imported 2 new measurements and replaced 1 value; 2 rows were already stored."
        in response.content.decode()
    )
    assert _values(goal)[1] == (date(2024, 1, 2), 21.0)
    assert len(_values(goal)) == 5
    entry = AuditEntry.objects.filter(verb="measurement.import").get()
    assert entry.changes["replaced"] == "2024-01-02 20 → 21"

    # A double click stores nothing more.
    again = client.post(_url("import_commit", measurement_import), choice, follow=True)
    assert "These rows were already imported." in again.content.decode()
    assert len(_values(goal)) == 5


def test_a_row_that_is_not_a_change_cannot_be_replaced_by_a_forged_form(
    tenant: Tenant, goal: Goal
) -> None:
    measurement_import = _checked(goal)
    tenant.client(Role.MEMBER).post(
        _url("import_commit", measurement_import), {"replace": ["2", "4", "99", "x"]}
    )
    measurement_import.refresh_from_db()
    assert measurement_import.replace_rows == []
    assert _values(goal)[1] == (date(2024, 1, 2), 20.0)


def test_an_upload_of_the_goals_own_export_has_nothing_to_import(
    tenant: Tenant, goal: Goal
) -> None:
    measurement_import = _checked(goal, b"date,value\n2024-01-01,10\n2024-01-02,20\n")
    assert (measurement_import.new_count, measurement_import.stored_count) == (0, 2)
    page = tenant.client(Role.MEMBER).get(_url("import_preview", measurement_import))
    assert "Nothing to import: every row of the file is already stored" in page.content.decode()
    assert 'id="import-form"' not in page.content.decode()


def test_problems_still_block_the_commit(goal: Goal) -> None:
    measurement_import = _checked(goal, MASTER + b"2024-01-06,lots\n")
    assert measurement_import.state == State.INVALID
    assert not committing.import_claim(measurement_import=measurement_import)
    assert len(_values(goal)) == 3


@pytest.mark.parametrize(
    ("when", "value"),
    [(date(2024, 1, 4), 44.0), (date(2024, 1, 2), 25.0)],
    ids=["a new row's date got another value", "a change's stored value moved"],
)
def test_if_the_goal_changed_since_the_check_nothing_is_stored_and_it_says_so(
    tenant: Tenant, goal: Goal, when: date, value: float
) -> None:
    measurement_import = _checked(goal)
    services.measurement_add(goal=goal, date=when, value=value, actor=None, replace=True)
    before = _values(goal)

    response = tenant.client(Role.MEMBER).post(
        _url("import_commit", measurement_import), {"changes": "all"}, follow=True
    )

    assert response.redirect_chain[-1][0] == _url("import_preview", measurement_import)
    assert str(committing.GOAL_CHANGED) in response.content.decode()
    assert _values(goal) == before
    measurement_import.refresh_from_db()
    assert measurement_import.state == State.READY
    stored = 25.0 if value == 25 else 20.0
    assert {"row": 3, "date": "2024-01-02", "stored": stored, "value": 21.0} in (
        measurement_import.changes
    )
    assert measurement_import.replace_rows == []


def test_a_value_the_check_saw_as_new_and_someone_then_entered_is_just_skipped(
    goal: Goal,
) -> None:
    measurement_import = _checked(goal)
    services.measurement_add(goal=goal, date=date(2024, 1, 4), value=40, actor=None)
    assert committing.import_claim(measurement_import=measurement_import)
    committing.import_commit(measurement_import=measurement_import, actor=None)
    assert measurement_import.state == State.DONE
    assert len(_values(goal)) == 5


def test_a_large_import_tops_up_the_same_way_in_the_background(
    tenant: Tenant, goal: Goal, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(imports, "BACKGROUND_ROWS", 3)
    client: Client = tenant.client(Role.MEMBER)
    measurement_import = imports.import_create(
        goal=goal, filename="master.csv", content=MASTER, actor=None
    )
    imports.import_set_mapping(
        measurement_import=measurement_import,
        mapping=ColumnMapping(date="date", value="value"),
        date_order=DateOrder.ISO,
    )
    background.import_check_or_queue(measurement_import=measurement_import)  # the task runs now
    measurement_import.refresh_from_db()
    assert (measurement_import.new_count, measurement_import.stored_count) == (2, 2)
    response = client.post(
        _url("import_commit", measurement_import), {"replace": ["3"]}, follow=True
    )
    assert "replaced 1 value" in response.content.decode()
    assert _values(goal)[1] == (date(2024, 1, 2), 21.0)
    assert len(_values(goal)) == 5
