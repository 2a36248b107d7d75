"""Every door that takes a measured value refuses one outside ±10¹⁵ (``check_number``),
so nothing stored can overflow the pace maths. The form and single-item API doors, and
goal baselines, targets and milestones, are in ``tests/test_contract.py``; these are the
bulk API and the spreadsheet imports, where the bad value is one row among good ones."""

from __future__ import annotations

import io
from datetime import date

import pytest
from openpyxl import Workbook

from stepback.accounts.roles import Role
from stepback.core.services import MAX_ABS_NUMBER, NUMBER_RANGE_MESSAGE
from stepback.goals import imports
from stepback.goals.models import Goal, Measurement, MeasurementImport
from stepback.lib.tabular import ColumnMapping, DateOrder
from stepback.tokens.models import ApiToken
from tests.api.conftest import call, make_token
from tests.conftest import Tenant, make_goal, make_initiative

TOO_LARGE = ["1e16", "-1.7e308", "1e400", "nan", "-inf"]


@pytest.fixture
def goal(tenant: Tenant) -> Goal:
    return make_goal(make_initiative(tenant.org))


def test_the_bulk_api_refuses_a_value_out_of_range_and_stores_none(
    tenant: Tenant, goal: Goal
) -> None:
    token = make_token(tenant.user(Role.LEADER), tenant.org, ApiToken.Scope.WRITE)
    items = [
        {"date": "2025-03-01", "value": 61},
        {"date": "2025-04-01", "value": MAX_ABS_NUMBER},
        {"date": "2025-05-01", "value": -1.7e308},
    ]
    answer = call(
        "post", f"/orgs/{tenant.org.slug}/goals/{goal.pk}/measurements", token, {"items": items}
    )
    assert answer.status_code == 422, answer.content
    assert [(e["field"], e["message"]) for e in answer.json()["errors"]] == [
        ("items[2].value", NUMBER_RANGE_MESSAGE)
    ]
    assert not Measurement.objects.filter(goal=goal).exists()


def _check(goal: Goal, content: bytes, filename: str) -> MeasurementImport:
    measurement_import = imports.import_create(
        goal=goal, filename=filename, content=content, actor=None
    )
    imports.import_set_mapping(
        measurement_import=measurement_import,
        mapping=ColumnMapping(date="date", value="value"),
        date_order=DateOrder.ISO,
    )
    return imports.import_check(measurement_import=measurement_import)


def _value_problems(measurement_import: MeasurementImport) -> list[tuple[int, str]]:
    return [(p["row"], p["message"]) for p in measurement_import.problems]


EXPECTED = "use a number between -1,000,000,000,000,000 and 1,000,000,000,000,000"


def test_a_csv_import_reports_every_value_out_of_range_by_row(goal: Goal) -> None:
    lines = [f"2025-02-{day:02},{raw}" for day, raw in enumerate(TOO_LARGE, start=1)]
    content = "\n".join(["date,value", "2025-01-31,1e15", *lines]).encode()
    measurement_import = _check(goal, content, "big.csv")
    assert measurement_import.state == MeasurementImport.State.INVALID
    found = _value_problems(measurement_import)
    assert [row for row, _ in found] == [3, 4, 5, 6, 7]
    # Values that are numbers but too large get the range message; nan and inf are
    # refused as numbers at all, or by the range (either way, by row).
    assert all(row and message for row, message in found)
    assert (3, EXPECTED) in found
    assert (4, EXPECTED) in found


def test_an_xlsx_import_reports_a_value_out_of_range_by_row(goal: Goal) -> None:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    for row in (["date", "value"], [date(2025, 1, 1), 62], [date(2025, 2, 1), 1e16]):
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    measurement_import = _check(goal, out.getvalue(), "big.xlsx")
    assert _value_problems(measurement_import) == [(3, EXPECTED)]
