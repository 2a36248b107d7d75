"""Exporting a plan's actions as CSV or XLSX, with the columns an action import reads.

The CSV and the XLSX are written as a goal's measurements are (``goals.exports``): CSV with
a byte-order mark and every field quoted, text a spreadsheet would run as a formula
guarded; XLSX text cells stored as text.
"""

from __future__ import annotations

import io
import itertools
from collections.abc import Sequence
from typing import Any

from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.utils.text import slugify
from openpyxl import Workbook

from stepback.goals.exports import csv_lines, text_cell
from stepback.initiatives.models import Initiative
from stepback.lib.tabular import guard_formula
from stepback.plans.models import Action

EXPORT_HEADER = [
    "objective",
    "title",
    "description",
    "owner",
    "start_date",
    "due_date",
    "status",
    "goals",
]
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def action_cells(action: Action) -> list[Any]:
    return [
        action.objective.title if action.objective else "",
        action.title,
        action.description,
        action.owner.email if action.owner else "",
        action.start_date,
        action.due_date,
        action.status,
        ", ".join(goal.name for goal in action.goals.all()),
    ]


def export_response(
    initiative: Initiative, actions: Sequence[Action], file_format: str
) -> HttpResponse | StreamingHttpResponse:
    name = f"plan-{slugify(initiative.title) or initiative.pk}"
    if file_format == "csv":
        rows = ([_csv_text(c) for c in action_cells(a)] for a in actions)
        response: HttpResponse | StreamingHttpResponse = StreamingHttpResponse(
            csv_lines(itertools.chain([EXPORT_HEADER], rows)),
            content_type="text/csv; charset=utf-8",
        )
        response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
        return response
    if file_format != "xlsx":
        raise Http404
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Plan")
    sheet.append(EXPORT_HEADER)
    for action in actions:
        cells = action_cells(action)
        sheet.append([text_cell(sheet, c) if isinstance(c, str) else c for c in cells])
    out = io.BytesIO()
    workbook.save(out)
    response = HttpResponse(out.getvalue(), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
    return response


def _csv_text(cell: Any) -> str:
    if cell is None:
        return ""
    if hasattr(cell, "isoformat"):
        return str(cell.isoformat())
    return guard_formula(str(cell))
