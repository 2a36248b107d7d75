"""Exporting a goal's measurements as CSV and XLSX, and importing the export again."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from stepback.accounts.roles import Role
from stepback.goals import bulk, committing, exports, imports, services
from stepback.goals.models import Goal, Measurement, MeasurementImport
from stepback.lib.tabular import ColumnMapping, DateOrder
from tests.conftest import Tenant
from tests.goals.test_imports import make_goal

MEASUREMENTS = [
    (date(2024, 1, 15), 60.0, "Baseline test, term 1", "NAPLAN"),
    (date(2024, 4, 20), 62.5, 'Quoted "fine", with comma', ""),
    (date(2024, 7, 1), 61.25, "Two\nlines", "Teacher survey"),
    (date(2024, 10, 3), 1234567.0, "Ünïcödé: naïve café", "Sprint review"),
    (date(2025, 1, 2), 0.1, "", ""),
]


@pytest.fixture
def goal(tenant: Tenant) -> Goal:
    goal = make_goal(tenant.org, name="Reading: Year 7 / comprehension")
    bulk.measurements_add_many(
        goal=goal,
        items=[bulk.MeasurementIn(d, v, note, source) for d, v, note, source in MEASUREMENTS],
        actor=None,
    )
    return goal


def export_url(goal: Goal, kind: str | None = None, org: str = "riverside") -> str:
    url = reverse("goals:measurements_export", kwargs={"org": org, "goal_id": goal.pk})
    return f"{url}?format={kind}" if kind else url


def content(response: Any) -> bytes:
    if response.streaming:
        return b"".join(response.streaming_content)
    return bytes(response.content)


def stored(goal: Goal) -> list[tuple[date, float, str, str]]:
    return list(
        Measurement.objects.filter(goal=goal)
        .order_by("date")
        .values_list("date", "value", "note", "source")
    )


def test_it_exports_csv_with_a_bom_iso_dates_and_exact_numbers(tenant: Tenant, goal: Goal) -> None:
    response = tenant.client(Role.VIEWER).get(export_url(goal, "csv"))
    assert response.status_code == 200
    assert response.streaming
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    today = timezone.localdate().isoformat()
    assert response["Content-Disposition"] == (
        f'attachment; filename="reading-year-7-comprehension-{today}.csv"'
    )
    assert "no-cache" in response["Cache-Control"]
    body = content(response)
    assert body.startswith(b'\xef\xbb\xbf"date","value","note","source"\r\n')
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"), newline="")))
    assert rows[1] == ["2024-01-15", "60", "Baseline test, term 1", "NAPLAN"]
    assert rows[2] == ["2024-04-20", "62.5", 'Quoted "fine", with comma', ""]
    assert rows[3][2] == "Two\nlines"
    assert rows[4][:3] == ["2024-10-03", "1234567", "Ünïcödé: naïve café"]
    assert rows[5][:2] == ["2025-01-02", "0.1"]
    assert len(rows) == 6


def test_csv_is_the_default_format(tenant: Tenant, goal: Goal) -> None:
    response = tenant.client(Role.VIEWER).get(export_url(goal))
    assert response["Content-Type"] == "text/csv; charset=utf-8"


def test_it_exports_xlsx_with_real_dates_numbers_and_text(tenant: Tenant, goal: Goal) -> None:
    response = tenant.client(Role.VIEWER).get(export_url(goal, "xlsx"))
    assert response.status_code == 200
    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert response["Content-Disposition"].endswith(
        f'filename="reading-year-7-comprehension-{timezone.localdate().isoformat()}.xlsx"'
    )
    workbook = load_workbook(io.BytesIO(content(response)))
    sheet = workbook.active
    assert sheet is not None
    assert sheet.title == "Measurements"
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("date", "value", "note", "source")
    assert rows[1] == (datetime(2024, 1, 15), 60, "Baseline test, term 1", "NAPLAN")
    assert rows[4] == (datetime(2024, 10, 3), 1234567, "Ünïcödé: naïve café", "Sprint review")
    assert sheet["A2"].number_format == "yyyy-mm-dd"
    assert len(rows) == 6


def test_text_that_looks_like_a_formula_is_never_run(tenant: Tenant) -> None:
    goal = make_goal(tenant.org)
    services.measurement_add(
        goal=goal,
        date=date(2024, 1, 1),
        value=-3,
        note='=HYPERLINK("x")',
        source="@SUM(A1)",
        actor=None,
    )
    client = tenant.client(Role.VIEWER)
    rows = list(csv.reader(io.StringIO(content(client.get(export_url(goal))).decode("utf-8-sig"))))
    assert rows[1] == ["2024-01-01", "-3", '\'=HYPERLINK("x")', "'@SUM(A1)"]
    sheet = load_workbook(io.BytesIO(content(client.get(export_url(goal, "xlsx"))))).active
    assert sheet is not None
    assert sheet["C2"].data_type == "s"
    assert sheet["C2"].value == '=HYPERLINK("x")'
    assert sheet["B2"].value == -3


def test_an_empty_goal_exports_just_the_header(tenant: Tenant) -> None:
    goal = make_goal(tenant.org)
    response = tenant.client(Role.VIEWER).get(export_url(goal))
    assert content(response) == b'\xef\xbb\xbf"date","value","note","source"\r\n'


def test_an_unknown_format_is_refused(tenant: Tenant, goal: Goal) -> None:
    response = tenant.client(Role.VIEWER).get(export_url(goal, "pdf"))
    assert response.status_code == 400
    assert "format=csv or format=xlsx" in response.content.decode()


def test_another_organisation_cannot_export(tenant: Tenant, goal: Goal) -> None:
    outsider = tenant.client_for(tenant.outsider)
    assert outsider.get(export_url(goal, org="hillside")).status_code == 404
    assert outsider.get(export_url(goal, org="riverside")).status_code == 404


def test_the_export_streams_without_a_query_per_row(
    tenant: Tenant, goal: Goal, django_assert_max_num_queries: Any
) -> None:
    client: Client = tenant.client(Role.VIEWER)
    client.get(export_url(goal))  # the session remembers the org
    with django_assert_max_num_queries(5):
        assert len(content(client.get(export_url(goal))).splitlines()) == 7


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_an_export_imports_again_unchanged(tenant: Tenant, goal: Goal, kind: str) -> None:
    exported = content(tenant.client(Role.VIEWER).get(export_url(goal, kind)))
    copy = make_goal(tenant.org, name="Copy")
    measurement_import = imports.import_create(
        goal=copy, filename=f"export.{kind}", content=exported, actor=None
    )
    assert measurement_import.mapping == {
        "date": "date",
        "value": "value",
        "note": "note",
        "source": "source",
    }
    imports.import_set_mapping(
        measurement_import=measurement_import,
        mapping=ColumnMapping(date="date", value="value", note="note", source="source"),
        date_order=DateOrder.ISO,
    )
    imports.import_check(measurement_import=measurement_import)
    assert measurement_import.problems == []
    assert committing.import_claim(measurement_import=measurement_import)
    committing.import_commit(measurement_import=measurement_import, actor=None)
    assert measurement_import.state == MeasurementImport.State.DONE
    assert stored(copy) == stored(goal) == MEASUREMENTS


def _cells_as_a_semicolon_spreadsheet_reads(line: str) -> list[str]:
    """Split a line as a spreadsheet set to ``;`` does: a ``;`` inside quotes, wherever the
    quotes open and close, is not a separator (Excel and LibreOffice toggle on each ``"``)."""
    cells, current, quoted = [], "", False
    for char in line:
        if char == '"':
            quoted = not quoted
        elif char == ";" and not quoted:
            cells.append(current)
            current = ""
        else:
            current += char
    return [*cells, current]


@pytest.mark.parametrize("note", ["a;=1+1", "x;+SUM(A1)", ";@cmd", "semi;colon;-2"])
def test_a_note_with_a_semicolon_stays_one_cell_in_a_semicolon_spreadsheet(
    tenant: Tenant, note: str
) -> None:
    goal = make_goal(tenant.org)
    services.measurement_add(goal=goal, date=date(2024, 1, 1), value=1, note=note, actor=None)
    response = tenant.client(Role.VIEWER).get(export_url(goal))
    text = content(response).decode("utf-8-sig")
    lines = text.splitlines()
    assert lines[1] == f'"2024-01-01","1","{note}",""'
    for line in lines:
        cells = _cells_as_a_semicolon_spreadsheet_reads(line)
        assert len(cells) == 1
        assert not cells[0].startswith(("=", "+", "-", "@"))
    assert list(csv.reader(io.StringIO(text)))[1] == ["2024-01-01", "1", note, ""]


def test_the_problems_csv_quotes_every_field_and_escapes_formulas(tenant: Tenant) -> None:
    goal = make_goal(tenant.org)
    measurement_import = MeasurementImport.objects.create(
        organisation=tenant.org,
        goal=goal,
        filename="x.csv",
        content=b"",
        problems=[{"row": 3, "column": "=cmd;x", "message": "a;=1+1 is not a number"}],
    )
    lines = list(exports.problems_csv_lines(measurement_import))
    assert lines[1:] == [
        '"row","column","problem"\r\n',
        '"3","\'=cmd;x","a;=1+1 is not a number"\r\n',
    ]


# --- any goal's export imports again ---------------------------------------------------------

_TEXT = st.text(
    # Any character a person can type or paste; NUL cannot be stored by PostgreSQL.
    st.characters(codec="utf-8", exclude_characters="\x00"),
    max_size=40,
)
_MEASUREMENTS = st.lists(
    st.tuples(
        st.dates(min_value=date(1900, 1, 1), max_value=date(2026, 1, 1)),
        st.floats(min_value=-services.MAX_ABS_NUMBER, max_value=services.MAX_ABS_NUMBER),
        _TEXT,
        _TEXT,
    ),
    min_size=1,  # an empty goal's export has no rows: there is nothing to import
    max_size=12,
    unique_by=lambda m: m[0],
)


def _export(goal: Goal, kind: str) -> bytes:
    if kind == "csv":
        return "".join(exports.export_csv_lines(goal)).encode("utf-8")
    out = io.BytesIO()
    exports.export_xlsx(goal, out)
    return out.getvalue()


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(measurements=_MEASUREMENTS)
def test_any_export_imports_again_into_a_new_goal_unchanged(
    tenant: Tenant, kind: str, measurements: list[tuple[date, float, str, str]]
) -> None:
    goal = make_goal(tenant.org, name="Original")
    bulk.measurements_add_many(
        goal=goal,
        items=[bulk.MeasurementIn(d, v, note, source) for d, v, note, source in measurements],
        actor=None,
    )
    copy = make_goal(tenant.org, name="Copy")
    measurement_import = imports.import_create(
        goal=copy, filename=f"export.{kind}", content=_export(goal, kind), actor=None
    )
    imports.import_set_mapping(
        measurement_import=measurement_import,
        mapping=ColumnMapping(date="date", value="value", note="note", source="source"),
        date_order=DateOrder.ISO,
    )
    imports.import_check(measurement_import=measurement_import)
    assert measurement_import.problems == []
    assert committing.import_claim(measurement_import=measurement_import)
    committing.import_commit(measurement_import=measurement_import, actor=None)
    assert measurement_import.state == MeasurementImport.State.DONE
    assert stored(copy) == stored(goal)
    assert len(stored(goal)) == len(measurements)
