"""Guessing the column mapping."""

from __future__ import annotations

import pytest

from stepback.lib.tabular import (
    column_letter,
    read_table,
    suggest_mapping,
)
from tests.lib.tabular_support import csv_bytes

# --------------------------------------------------------------------------------------
# Mapping suggestions
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        (["Date", "Value", "Note"], {"date": "Date", "value": "Value", "note": "Note"}),
        (["Fecha", "Valor", "Comentario"], {"date": "Fecha", "value": "Valor"}),
        (["Period", "% agree", "Source"], {"date": "Period", "value": "% agree"}),
        (
            ["Student ID", "Date of visit", "Target value", "Score (%)", "KPI", "Remarks"],
            {"date": "Date of visit", "value": "Score (%)", "goal": "KPI", "note": "Remarks"},
        ),
        (["When", "Result", "Measured by"], {"date": "When", "value": "Result"}),
        (["Wk", "Reading"], {"value": "Reading"}),
    ],
)
def test_it_suggests_a_mapping_from_header_names(
    headers: list[str], expected: dict[str, str]
) -> None:
    suggested = suggest_mapping(headers)

    assert set(suggested) == {"date", "value", "note", "source", "goal"}
    for field, header in expected.items():
        assert suggested[field] == header


def test_it_suggests_date_and_value_from_the_cells_when_names_do_not_tell() -> None:
    table = read_table(csv_bytes("Wk,Class,Mark", "03/04/2024,4B,62", "10/04/2024,4B,63"), "a.csv")

    suggested = suggest_mapping(table.headers, table.rows)

    assert suggested["date"] == "Wk"
    assert suggested["value"] == "Mark"


def test_it_names_columns_like_a_spreadsheet() -> None:
    assert [column_letter(i) for i in (0, 1, 25, 26, 27, 701, 702)] == [
        "A",
        "B",
        "Z",
        "AA",
        "AB",
        "ZZ",
        "AAA",
    ]
