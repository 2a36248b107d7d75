"""The import workflow's services: real-looking messy files, every problem by row and
column, all-or-nothing commits, idempotency, and the background path for large files."""

from __future__ import annotations

import io
from datetime import date, datetime, timedelta
from typing import Any

import pytest
from django.core.cache import cache
from django.db.models import QuerySet
from django.utils import timezone
from openpyxl import Workbook

from stepback.accounts.models import Organisation
from stepback.goals import bulk, committing, imports, services, tasks
from stepback.goals.models import Goal, Measurement, MeasurementImport
from stepback.initiatives import services as initiative_services
from stepback.lib.tabular import ColumnMapping, DateOrder, TableError
from tests.conftest import make_org

State = MeasurementImport.State
GOOD_SMALL = b"date,value\n2024-01-02,2\n"


def make_goal(org: Organisation, name: str = "Reading comprehension") -> Goal:
    initiative = initiative_services.initiative_create(
        actor=None, organisation=org, title="Learning Sprints"
    )
    return services.goal_create(
        initiative=initiative,
        actor=None,
        fields={
            "name": name,
            "unit": "%",
            "target_value": 75,
            "target_date": date(2026, 6, 30),
            "baseline_value": 60,
            "baseline_date": date(2024, 1, 1),
        },
    )


@pytest.fixture
def goal(db: None) -> Goal:
    return make_goal(make_org())


def upload(goal: Goal, content: bytes, filename: str = "scores.csv") -> MeasurementImport:
    return imports.import_create(goal=goal, filename=filename, content=content, actor=None)


def check(
    measurement_import: MeasurementImport,
    order: DateOrder = DateOrder.ISO,
    **mapping: Any,
) -> MeasurementImport:
    chosen = {"date": "date", "value": "value", **mapping}
    imports.import_set_mapping(
        measurement_import=measurement_import,
        mapping=ColumnMapping(**chosen),
        date_order=order,
    )
    return imports.import_check(measurement_import=measurement_import)


def commit(measurement_import: MeasurementImport) -> MeasurementImport:
    assert committing.import_claim(measurement_import=measurement_import)
    return committing.import_commit(measurement_import=measurement_import, actor=None)


def problems(measurement_import: MeasurementImport) -> list[tuple[int, str, str]]:
    return [(p["row"], p["column"], p["message"]) for p in measurement_import.problems]


def stored(goal: Goal) -> QuerySet[Measurement, tuple[Any, ...]]:
    return Measurement.objects.filter(goal=goal).values_list("date", "value", "note", "source")


def xlsx_bytes(rows: list[list[Any]], percent_column: int | None = None) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    if percent_column is not None:
        for (cell,) in sheet.iter_rows(min_row=2, min_col=percent_column, max_col=percent_column):
            cell.number_format = "0.0%"
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


# --- upload --------------------------------------------------------------------------------


def test_it_stores_an_upload_with_a_suggested_mapping(goal: Goal) -> None:
    content = b"Week,Score,Comment,Collected by\n2024-03-04,62,first,Ms Lee\n"
    measurement_import = upload(goal, content)
    assert measurement_import.state == State.UPLOADED
    assert measurement_import.row_count == 1
    assert measurement_import.organisation_id == goal.organisation_id
    assert bytes(measurement_import.content) == content
    assert measurement_import.mapping == {
        "date": "Week",
        "value": "Score",
        "note": "Comment",
        "source": "Collected by",
    }


@pytest.mark.parametrize(
    ("content", "filename", "message"),
    [
        (b"", "empty.csv", "The file is empty."),
        (b"   \n\n", "blank.csv", "The file is empty."),
        (b"date,value\n", "header-only.csv", "no data rows"),
        (b"%PDF-1.4 binary", "report.pdf", ".pdf files are not supported"),
        (b"\xd0\xcf\x11\xe0 old excel", "old.xls", "old-style Excel"),
        (b"PK\x03\x04 not really a zip", "broken.xlsx", "could not be read as an Excel"),
    ],
)
def test_it_refuses_a_file_it_cannot_use(
    goal: Goal, content: bytes, filename: str, message: str
) -> None:
    with pytest.raises(TableError, match=message):
        upload(goal, content, filename)
    assert not MeasurementImport.objects.exists()


def test_it_refuses_a_file_over_the_size_limit(goal: Goal, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(imports, "MAX_UPLOAD_BYTES", 100)
    with pytest.raises(TableError, match="the limit is"):
        upload(goal, b"date,value\n" + b"2024-01-01,1\n" * 20)


# --- date orders -----------------------------------------------------------------------------


def test_it_offers_both_date_orders_with_examples_when_dates_are_ambiguous(goal: Goal) -> None:
    measurement_import = upload(goal, b"date,value\n03/04/2024,1\n05/06/2024,2\n")
    table = imports.import_table(measurement_import)
    assert imports.date_orders(measurement_import, table, "date") == [
        DateOrder.DAY_FIRST,
        DateOrder.MONTH_FIRST,
    ]
    day_first, month_first = imports.date_order_choices(table, "date")
    assert [(e.raw, e.shown) for e in day_first.examples] == [
        ("03/04/2024", "3 April 2024"),
        ("05/06/2024", "5 June 2024"),
    ]
    assert [(e.raw, e.shown) for e in month_first.examples] == [
        ("03/04/2024", "March 4, 2024"),
        ("05/06/2024", "May 6, 2024"),
    ]


def test_it_shows_a_date_that_one_order_cannot_read(goal: Goal) -> None:
    measurement_import = upload(goal, b"date,value\n03/04/2024,1\n25/04/2024,2\n04/25/2024,3\n")
    table = imports.import_table(measurement_import)
    assert imports.date_orders(measurement_import, table, "date") == []
    day_first, month_first = imports.date_order_choices(table, "date")
    assert day_first.examples[2].shown is None
    assert month_first.examples[1].shown is None


def test_it_needs_no_choice_for_iso_dates(goal: Goal) -> None:
    measurement_import = upload(goal, b"date,value\n2024-03-04,1\n")
    table = imports.import_table(measurement_import)
    assert imports.date_orders(measurement_import, table, "date") == [DateOrder.ISO]


# --- checking messy files ------------------------------------------------------------------

EXCEL_EUROPE = (
    "\ufeffDatum;Score;Opmerking;Bron\r\n"
    "05.03.2024;62,5;Eerste meting;toets\r\n"
    "12.03.2024;63;;toets\r\n"
    "\r\n"
    ";;;\r\n"
    '19.03.2024;64,25;"notitie; met puntkomma";toets\r\n'
    "26.03.2024;1.064,5;grote waarde;toets\r\n"
).encode()


def test_it_reads_an_excel_export_with_bom_semicolons_decimal_commas_and_blank_rows(
    goal: Goal,
) -> None:
    measurement_import = upload(goal, EXCEL_EUROPE)
    assert measurement_import.mapping["date"] == "Datum"
    assert measurement_import.mapping["note"] == "Opmerking"
    assert measurement_import.mapping["source"] == "Bron"
    check(
        measurement_import,
        DateOrder.DAY_FIRST,
        date="Datum",
        value="Score",
        note="Opmerking",
        source="Bron",
    )
    assert problems(measurement_import) == []
    assert measurement_import.state == State.READY
    assert measurement_import.progress == 4
    commit(measurement_import)
    assert measurement_import.state == State.DONE
    assert measurement_import.imported_count == 4
    assert list(stored(goal)) == [
        (date(2024, 3, 5), 62.5, "Eerste meting", "toets"),
        (date(2024, 3, 12), 63.0, "", "toets"),
        (date(2024, 3, 19), 64.25, "notitie; met puntkomma", "toets"),
        (date(2024, 3, 26), 1064.5, "grote waarde", "toets"),
    ]
    goal.refresh_from_db()
    assert goal.measurement_count == 4
    assert goal.latest_value == 1064.5


MESSY = (
    b"date,value,note\n"  # row 1
    b"2024-03-04,62,ok\n"  # 2
    b"2024-03-11,sixty,typo\n"  # 3
    b"2024-02-30,63,no such day\n"  # 4
    b"\n"  # 5 (blank, skipped)
    b"2024-03-18,,forgot\n"  # 6
    b"n/a,64,no date\n"  # 7
    b"2024-03-04,62,copied twice\n"  # 8: same date and value as row 2
    b"2024-03-25,65,ok\n"  # 9
    b"2024-03-25,66,second value\n"  # 10: another value for row 9's date
    b"2024-04-01,67,ok,extra cell\n"  # 11: a cell beyond the named columns
)


def test_it_lists_every_problem_by_row_and_column(goal: Goal) -> None:
    measurement_import = check(upload(goal, MESSY), note="note")
    assert measurement_import.state == State.INVALID
    found = problems(measurement_import)
    assert [(row, column) for row, column, _ in found] == [
        (3, "value"),
        (4, "date"),
        (6, "value"),
        (7, "date"),
        (8, "date"),
        (10, "value"),
        (11, "Column D"),
    ]
    messages = dict(((row, column), message) for row, column, message in found)
    assert "'sixty' is not a number" in messages[(3, "value")]
    assert "February 2024 has no day 30" in messages[(4, "date")]
    assert messages[(6, "value")] == "missing value"
    assert "duplicates row 2" in messages[(8, "date")]
    assert "another value for 2024-03-25 than row 9" in messages[(10, "value")]
    assert len({row for row, _, _ in found}) == 7
    assert measurement_import.progress == measurement_import.row_count == 9


def test_it_counts_rows_already_stored_and_lists_dates_with_another_value(goal: Goal) -> None:
    services.measurement_add(goal=goal, date=date(2024, 3, 4), value=62, actor=None)
    services.measurement_add(goal=goal, date=date(2024, 3, 11), value=70, actor=None)
    content = b"date,value\n2024-03-04,62\n2024-03-11,63\n2024-03-18,64\n"
    measurement_import = check(upload(goal, content))
    assert problems(measurement_import) == []
    assert measurement_import.state == State.READY
    assert (measurement_import.new_count, measurement_import.stored_count) == (1, 1)
    assert measurement_import.changes == [
        {"row": 3, "date": "2024-03-11", "stored": 70.0, "value": 63.0}
    ]


def test_it_reports_notes_and_sources_too_long_to_store(goal: Goal) -> None:
    long_note, long_source = "n" * 501, "s" * 201
    content = f"date,value,note,source\n2024-03-04,62,{long_note},{long_source}\n".encode()
    measurement_import = check(upload(goal, content), note="note", source="source")
    assert problems(measurement_import) == [
        (2, "note", "the note has 501 characters; at most 500 can be stored"),
        (2, "source", "the source has 201 characters; at most 200 can be stored"),
    ]


def test_it_finds_duplicates_across_chunks_as_within_them(
    goal: Goal, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(imports, "CHUNK_ROWS", 2)
    content = (
        b"date,value\n"
        b"2024-01-01,1\n2024-01-02,2\n"  # chunk 1: rows 2-3
        b"2024-01-01,1\n2024-01-02,9\n"  # chunk 2: rows 4-5 repeat chunk 1
        b"2024-01-03,3\n2024-01-03,3\n"  # chunk 3: a repeat inside the chunk
    )
    measurement_import = check(upload(goal, content))
    assert problems(measurement_import) == [
        (4, "date", "duplicates row 2 (same date and value)"),
        (5, "value", "another value for 2024-01-02 than row 3 (2 there, 9 here)"),
        (7, "date", "duplicates row 6 (same date and value)"),
    ]


def test_it_reads_an_xlsx_with_date_cells_numbers_and_percentages(goal: Goal) -> None:
    content = xlsx_bytes(
        [
            ["Date", "Agreement", "Note"],
            [datetime(2024, 3, 4), 0.62, "first survey"],
            [None, None, None],
            [date(2024, 4, 1), 0.655, None],
            ["2024-05-06", "70%", "typed as text"],
        ],
        percent_column=2,
    )
    measurement_import = upload(goal, content, "survey.xlsx")
    assert measurement_import.mapping["date"] == "Date"
    measurement_import = check(measurement_import, date="Date", value="Agreement", note="Note")
    assert problems(measurement_import) == []
    commit(measurement_import)
    assert [(d, round(v, 6)) for d, v, _, _ in stored(goal)] == [
        (date(2024, 3, 4), 62.0),
        (date(2024, 4, 1), 65.5),
        (date(2024, 5, 6), 70.0),
    ]


def test_it_reports_bad_cells_of_an_xlsx_by_sheet_row(goal: Goal) -> None:
    content = xlsx_bytes(
        [
            ["Date", "Value"],
            [date(2024, 3, 4), 1],
            [None, None],
            ["soon", 2],
            [date(2024, 3, 5), "?"],
        ]
    )
    measurement_import = check(upload(goal, content, "data.xlsx"), date="Date", value="Value")
    assert [(row, column) for row, column, _ in problems(measurement_import)] == [
        (4, "Date"),
        (5, "Value"),
    ]


def test_it_fails_cleanly_when_the_mapping_names_a_missing_column(goal: Goal) -> None:
    measurement_import = check(upload(goal, b"date,value\n2024-01-01,1\n"), value="score")
    assert measurement_import.state == State.FAILED
    assert "no column called 'score'" in measurement_import.error


# --- committing ------------------------------------------------------------------------------


def test_it_commits_nothing_while_there_are_problems(goal: Goal) -> None:
    measurement_import = check(upload(goal, MESSY), note="note")
    assert not committing.import_claim(measurement_import=measurement_import)
    with pytest.raises(imports.ImportNotReady):
        committing.import_commit(measurement_import=measurement_import, actor=None)
    assert not Measurement.objects.exists()


def test_it_writes_nothing_when_the_write_fails_midway(
    goal: Goal, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(bulk, "INSERT_BATCH_SIZE", 3)
    rows = "".join(f"2024-01-{day:02d},{day}\n" for day in range(1, 11))
    measurement_import = check(upload(goal, f"date,value\n{rows}".encode()))
    real_insert = bulk._insert_batch
    calls = []

    def failing_insert(sql: str, batch: list[Any]) -> None:
        calls.append(len(batch))
        if len(calls) == 2:
            raise RuntimeError("disk full")
        real_insert(sql, batch)

    monkeypatch.setattr(bulk, "_insert_batch", failing_insert)
    commit(measurement_import)
    assert calls == [3, 3]  # the first batch was written, then rolled back
    assert Measurement.objects.count() == 0
    assert measurement_import.state == State.READY
    assert "nothing was stored" in measurement_import.error
    goal.refresh_from_db()
    assert goal.measurement_count == 0

    monkeypatch.setattr(bulk, "_insert_batch", real_insert)
    commit(measurement_import)
    assert measurement_import.state == State.DONE
    assert measurement_import.error == ""
    assert Measurement.objects.count() == 10


def test_it_reports_commit_progress_while_storing(
    goal: Goal, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(bulk, "INSERT_BATCH_SIZE", 2)
    seen: list[str] = []
    real_add_many = bulk.measurements_add_many

    def spy(**kwargs: Any) -> bulk.BulkResult:
        report = kwargs["on_progress"]

        def recording(done: int) -> None:
            report(done)
            seen.append(committing.import_progress(measurement_import).label)

        return real_add_many(**{**kwargs, "on_progress": recording})

    monkeypatch.setattr(bulk, "measurements_add_many", spy)
    rows = "".join(f"2024-01-0{day},{day}\n" for day in range(1, 6))
    measurement_import = check(upload(goal, f"date,value\n{rows}".encode()))
    commit(measurement_import)
    assert seen == [
        "2 of 5 rows written; none is stored until all are",
        "4 of 5 rows written; none is stored until all are",
        "5 of 5 rows written; none is stored until all are",
    ]


def long_ago() -> datetime:
    return timezone.now() - committing.STALE_AFTER - timedelta(seconds=1)


def test_it_records_when_checking_last_made_progress(goal: Goal) -> None:
    before = timezone.now()
    measurement_import = check(upload(goal, GOOD_SMALL))
    measurement_import.refresh_from_db()
    assert measurement_import.progress_at is not None
    assert measurement_import.progress_at >= before
    assert not committing.import_progress(measurement_import).stalled  # READY: nothing runs


def test_it_calls_an_import_stalled_only_after_a_while_without_progress(goal: Goal) -> None:
    measurement_import = upload(goal, GOOD_SMALL)
    imports.import_set_mapping(
        measurement_import=measurement_import,
        mapping=ColumnMapping(date="date", value="value"),
        date_order=DateOrder.ISO,
    )
    assert not committing.import_progress(measurement_import).stalled
    measurement_import.progress_at = timezone.now() - committing.STALE_AFTER + timedelta(seconds=5)
    assert not committing.import_progress(measurement_import).stalled
    measurement_import.progress_at = long_ago()
    assert committing.import_progress(measurement_import).stalled
    measurement_import.state = State.READY
    assert not committing.import_progress(measurement_import).stalled


def test_a_commit_reporting_progress_to_the_cache_is_not_stalled(goal: Goal) -> None:
    measurement_import = check(upload(goal, GOOD_SMALL))
    assert committing.import_claim(measurement_import=measurement_import)
    MeasurementImport.objects.filter(pk=measurement_import.pk).update(progress_at=long_ago())
    measurement_import.refresh_from_db()
    # The claim's report is fresh: the commit's progress goes to the cache, not the row.
    assert not committing.import_progress(measurement_import).stalled
    assert not committing.import_restart(measurement_import=measurement_import)
    cache.clear()  # e.g. Redis restarted along with the worker
    assert committing.import_progress(measurement_import).stalled


def test_only_one_of_two_clicks_restarts_a_stalled_import(goal: Goal) -> None:
    measurement_import = upload(goal, GOOD_SMALL)
    MeasurementImport.objects.filter(pk=measurement_import.pk).update(
        state=State.VALIDATING, progress=1, progress_at=long_ago()
    )
    first = MeasurementImport.objects.get(pk=measurement_import.pk)
    second = MeasurementImport.objects.get(pk=measurement_import.pk)
    assert committing.import_restart(measurement_import=first)
    assert not committing.import_restart(measurement_import=second)
    first.refresh_from_db()
    assert first.progress == 0
    assert not committing.import_progress(first).stalled
    assert not committing.import_restart(measurement_import=first)


# --- large files: the background path ----------------------------------------------------------
#
# One value per date is the rule (tabular.validate), and years run 1900-2100, so a single
# goal's clean file holds at most ~73,000 rows. The 100,000-row file is therefore the
# realistic accident: a 50,000-row export pasted twice, with a few bad cells.


def daily_rows(count: int) -> list[str]:
    start = date(1950, 1, 1)
    return [
        f"{(start + timedelta(days=i)).strftime('%d/%m/%Y')};{i % 100},5;day {i}"
        for i in range(count)
    ]


def csv_file(rows: list[str]) -> bytes:
    return "\r\n".join(["date;value;note", *rows]).encode()


def check_in_background(measurement_import: MeasurementImport) -> MeasurementImport:
    imports.import_set_mapping(
        measurement_import=measurement_import,
        mapping=ColumnMapping(date="date", value="value", note="note"),
        date_order=DateOrder.DAY_FIRST,
    )
    tasks.measurement_import_check(measurement_import.pk)  # immediate mode in tests
    measurement_import.refresh_from_db()
    return measurement_import


@pytest.mark.slow
def test_it_reports_every_bad_row_of_a_100000_row_file_checked_in_the_background(
    goal: Goal, monkeypatch: pytest.MonkeyPatch
) -> None:
    # 50,000 days from 1950 run into the 2080s: checked as of 2100, none is in the future.
    monkeypatch.setattr(Organisation, "today", lambda self, now=None: date(2100, 12, 31))
    half = daily_rows(50_000)
    rows = half + half
    rows[500 - 2] = "31/02/2000;1,5;no such day"  # file row 500 (row 1 is the header)
    rows[30_000 - 2] = "01/01/2031;n.v.t.;not a number"
    measurement_import = upload(goal, csv_file(rows))
    assert measurement_import.row_count == 100_000 >= imports.BACKGROUND_ROWS

    measurement_import = check_in_background(measurement_import)
    assert measurement_import.state == State.INVALID
    assert measurement_import.progress == 100_000
    found = {(p["row"], p["column"]): p["message"] for p in measurement_import.problems}
    assert "February 2000 has no day 31" in found[(500, "date")]
    assert "'n.v.t.' is not a number" in found[(30_000, "value")]
    # The pasted copy repeats every row, except the copies of the two bad rows.
    repeats = set(range(50_002, 100_002)) - {50_500, 80_000}
    assert {row for row, _ in found} == {500, 30_000} | repeats
    assert found[(50_002, "date")] == "duplicates row 2 (same date and value)"
    assert not committing.import_claim(measurement_import=measurement_import)
    assert not Measurement.objects.exists()


@pytest.mark.slow
def test_it_commits_a_large_file_in_the_background_all_or_nothing(
    goal: Goal, monkeypatch: pytest.MonkeyPatch
) -> None:
    measurement_import = check_in_background(upload(goal, csv_file(daily_rows(20_000))))
    assert measurement_import.state == State.READY

    real_insert = bulk._insert_batch
    calls: list[int] = []

    def failing_insert(sql: str, batch: list[Any]) -> None:
        calls.append(len(batch))
        if len(calls) == 2:
            raise RuntimeError("connection lost")
        real_insert(sql, batch)

    monkeypatch.setattr(bulk, "_insert_batch", failing_insert)
    assert committing.import_claim(measurement_import=measurement_import)
    tasks.measurement_import_commit(measurement_import.pk, None)
    measurement_import.refresh_from_db()
    assert calls == [bulk.INSERT_BATCH_SIZE, bulk.INSERT_BATCH_SIZE]
    assert measurement_import.state == State.READY
    assert Measurement.objects.count() == 0

    monkeypatch.setattr(bulk, "_insert_batch", real_insert)
    assert committing.import_claim(measurement_import=measurement_import)
    tasks.measurement_import_commit(measurement_import.pk, None)
    measurement_import.refresh_from_db()
    assert measurement_import.state == State.DONE
    assert measurement_import.imported_count == 20_000
    goal.refresh_from_db()
    assert goal.measurement_count == 20_000
    assert Measurement.objects.filter(goal=goal, note="day 19999").get().value == 99.5


def test_it_deletes_imports_after_a_month(goal: Goal) -> None:
    old, recent = upload(goal, b"date,value\n2024-01-01,1\n"), upload(goal, GOOD_SMALL)
    MeasurementImport.objects.filter(pk=old.pk).update(
        created_at=timezone.now() - timedelta(days=imports.KEEP_DAYS + 1)
    )
    assert tasks.delete_old_measurement_imports.call_local() == 1
    assert list(MeasurementImport.objects.all()) == [recent]


def test_the_clean_up_logs_an_import_it_cannot_delete_and_deletes_the_others(
    goal: Goal, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    old = [upload(goal, f"date,value\n2024-01-0{n},1\n".encode()) for n in range(1, 4)]
    MeasurementImport.objects.update(
        created_at=timezone.now() - timedelta(days=imports.KEEP_DAYS + 1)
    )
    stuck = old[1]
    real_delete = imports._delete_import

    def delete(pk: int) -> None:
        if pk == stuck.pk:
            raise OSError("disk I/O error")
        real_delete(pk)

    monkeypatch.setattr(imports, "_delete_import", delete)
    assert tasks.delete_old_measurement_imports.call_local() == 2
    assert list(MeasurementImport.objects.values_list("pk", flat=True)) == [stuck.pk]
    assert [r.getMessage() for r in caplog.records if r.levelname == "ERROR"] == [
        f"Deleting import {stuck.pk} failed; going on"
    ]
