"""The import pages: upload, choose columns, check and preview, commit; tenants kept apart."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any
from unittest import mock

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from stepback.accounts.roles import Role
from stepback.goals import background, bulk, committing, import_views, imports
from stepback.goals.models import Goal, Measurement, MeasurementImport
from stepback.lib import tabular
from stepback.lib.tabular import ColumnMapping, DateOrder
from tests.conftest import Tenant
from tests.goals.test_imports import MESSY, make_goal
from tests.lib.tabular_support import FIXTURES, ods_bytes, ods_cell, ods_row, ods_text

State = MeasurementImport.State
GOOD = b"date,value,note\n2024-03-04,62,first\n2024-03-11,63.5,\n2024-03-18,64,third\n"


@pytest.fixture
def goal(tenant: Tenant) -> Goal:
    return make_goal(tenant.org)


@pytest.fixture
def client(tenant: Tenant) -> Client:
    return tenant.client(Role.MEMBER)


def start_url(goal: Goal, org: str = "riverside") -> str:
    return reverse("goals:import_start", kwargs={"org": org, "goal_id": goal.pk})


def url(name: str, measurement_import: MeasurementImport, org: str = "riverside") -> str:
    return reverse(f"goals:{name}", kwargs={"org": org, "import_id": measurement_import.pk})


def goal_page(goal: Goal) -> str:
    return reverse(
        "goals:detail",
        kwargs={"org": "riverside", "initiative_id": goal.initiative_id, "goal_id": goal.pk},
    )


def post_file(client: Client, goal: Goal, content: bytes, name: str = "scores.csv") -> Any:
    return client.post(start_url(goal), {"file": SimpleUploadedFile(name, content)})


def uploaded(goal: Goal, content: bytes = GOOD, name: str = "scores.csv") -> MeasurementImport:
    return imports.import_create(goal=goal, filename=name, content=content, actor=None)


def checked(goal: Goal, content: bytes = GOOD, note: str | None = "note") -> MeasurementImport:
    measurement_import = uploaded(goal, content)
    imports.import_set_mapping(
        measurement_import=measurement_import,
        mapping=ColumnMapping(date="date", value="value", note=note),
        date_order=DateOrder.ISO,
    )
    return imports.import_check(measurement_import=measurement_import)


# --- step 1: upload --------------------------------------------------------------------------


def test_it_shows_the_upload_form(client: Client, goal: Goal) -> None:
    response = client.get(start_url(goal))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'type="file"' in html
    assert 'accept=".csv,.tsv,.txt,.xlsx,.xlsm,.xls,.ods"' in html
    assert 'enctype="multipart/form-data"' in html
    assert goal.name in html


def test_it_stores_an_upload_and_goes_to_the_columns(client: Client, goal: Goal) -> None:
    response = post_file(client, goal, GOOD)
    measurement_import = MeasurementImport.objects.get()
    assert response.status_code == 302
    assert response["Location"] == url("import_map", measurement_import)
    assert measurement_import.goal == goal
    assert measurement_import.row_count == 3
    assert measurement_import.created_by is not None
    assert measurement_import.created_by.email == "member@riverside.example"


@pytest.mark.parametrize("name", ["scores.xls", "scores.ods"])
def test_it_takes_an_xls_or_ods_upload(client: Client, goal: Goal, name: str) -> None:
    if name.endswith(".xls"):
        content = (FIXTURES / "scores.xls").read_bytes()
    else:
        header = ods_row(ods_text("date"), ods_text("value"), ods_text("note"))
        row = ods_row(
            ods_cell("date", "2024-03-05", attr="date-value"),
            ods_cell("percentage", "0.62"),
            ods_text("first"),
        )
        content = ods_bytes("Scores", [header, row])

    response = post_file(client, goal, content, name)

    measurement_import = MeasurementImport.objects.get()
    assert response.status_code == 302
    assert response["Location"] == url("import_map", measurement_import)
    assert measurement_import.mapping["date"] == "date"
    value = "62" if name.endswith(".xls") else "62%"
    assert imports.import_table(measurement_import).rows[0][:2] == ["2024-03-05", value]


def test_it_reads_the_file_once_at_upload_and_never_again(
    client: Client, goal: Goal, monkeypatch: pytest.MonkeyPatch
) -> None:
    post_file(client, goal, GOOD)
    measurement_import = MeasurementImport.objects.get()
    assert measurement_import.parsed_table is not None

    def no_reading(*args: object, **kwargs: object) -> None:
        raise AssertionError("the uploaded file was read again")

    monkeypatch.setattr(tabular, "read_table", no_reading)
    assert client.get(url("import_map", measurement_import)).status_code == 200
    assert (
        client.get(
            url("import_map", measurement_import), {"date": "date"}, HTTP_HX_REQUEST="true"
        ).status_code
        == 200
    )
    response = client.post(
        url("import_map", measurement_import), {"date": "date", "value": "value", "note": "note"}
    )
    assert response["Location"] == url("import_preview", measurement_import)
    response = client.get(url("import_preview", measurement_import))
    assert response.status_code == 200
    assert "Import 3 new measurements" in response.content.decode()
    response = client.post(url("import_commit", measurement_import), follow=True)
    assert response.redirect_chain[-1][0] == goal_page(goal)
    assert Measurement.objects.filter(goal=goal).count() == 3


def test_the_pages_before_the_check_never_load_the_whole_table(
    client: Client, goal: Goal, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Work proportional to the file is done once, at upload: the column page, its date
    question and the preview read the stored first rows and date orders only."""
    monkeypatch.setattr(imports, "BACKGROUND_ROWS", 3)  # the check runs in the worker
    monkeypatch.setattr(imports, "HEAD_KEPT", 5)
    rows = "".join(f"{day:02d}/03/2024,{day},row {day}\n" for day in range(1, 29))
    post_file(client, goal, f"date,value,note\n{rows}".encode())
    measurement_import = MeasurementImport.objects.get()
    assert measurement_import.column_orders == {"date": ["day_first"]}
    loads: list[int] = []
    load_table = tabular.load_table

    def counting(data: bytes) -> tabular.Table:
        table = load_table(data)
        loads.append(len(table.rows))
        return table

    monkeypatch.setattr(tabular, "load_table", counting)
    assert client.get(url("import_map", measurement_import)).status_code == 200
    fragment = client.get(
        url("import_map", measurement_import), {"date": "date"}, HTTP_HX_REQUEST="true"
    )
    assert fragment.status_code == 200
    with mock.patch.object(background.tasks, "measurement_import_check") as task:
        response = client.post(
            url("import_map", measurement_import),
            {"date": "date", "value": "value", "note": "note"},
        )
    assert response.status_code == 302
    task.assert_called_once()
    assert client.get(url("import_preview", measurement_import)).status_code == 200
    assert loads and all(rows <= 5 for rows in loads)

    monkeypatch.setattr(tabular, "load_table", load_table)
    measurement_import.refresh_from_db()
    imports.import_check(measurement_import=measurement_import)  # as the worker does
    monkeypatch.setattr(tabular, "load_table", counting)
    loads.clear()
    page = client.get(url("import_preview", measurement_import)).content.decode()
    assert "Import 28 new measurements" in page
    assert "row 1" in page  # the sample rows, from the stored first rows
    assert loads and all(rows <= 5 for rows in loads)


def test_an_import_uploaded_before_tables_were_stored_is_read_once(
    client: Client, goal: Goal, monkeypatch: pytest.MonkeyPatch
) -> None:
    measurement_import = uploaded(goal)
    MeasurementImport.objects.filter(pk=measurement_import.pk).update(
        parsed_table=None, parsed_head=None, column_orders={}
    )
    reads: list[str] = []
    read_table = tabular.read_table

    def counting(data: bytes, filename: str, **kwargs: Any) -> tabular.Table:
        reads.append(filename)
        return read_table(data, filename, **kwargs)

    monkeypatch.setattr(tabular, "read_table", counting)
    for _ in range(2):
        assert client.get(url("import_map", measurement_import)).status_code == 200

    assert reads == ["scores.csv"]
    measurement_import.refresh_from_db()
    assert measurement_import.parsed_table is not None
    assert measurement_import.parsed_head is not None
    assert measurement_import.column_orders == {"date": ["iso"]}
    assert imports.import_table(measurement_import).row_numbers == [2, 3, 4]


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (None, "", "Choose a file to upload."),
        (b"", "empty.csv", "The file is empty."),
        (b"%PDF-1.7", "scores.pdf", ".pdf files are not supported"),
        (b"date,value\n", "scores.csv", "no data rows below them"),
        (b"\xd0\xcf\x11\xe0rest", "scores.xls", "old-style Excel file"),
    ],
)
def test_it_explains_why_a_file_cannot_be_used(
    client: Client, goal: Goal, content: bytes | None, name: str, message: str
) -> None:
    data = {} if content is None else {"file": SimpleUploadedFile(name, content)}
    response = client.post(start_url(goal), data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not MeasurementImport.objects.exists()


def test_it_refuses_a_file_over_the_limit(
    client: Client, goal: Goal, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(imports, "MAX_UPLOAD_BYTES", 1024 * 1024)
    response = post_file(client, goal, GOOD + b"2024-04-01,1\n" * 90_000)
    assert response.status_code == 400
    assert "the limit is 1 MB" in response.content.decode()


def test_a_small_file_with_100000_columns_gets_a_message_at_upload(
    client: Client, goal: Goal
) -> None:
    header = ",".join(["date", "value", *(f"c{n}" for n in range(99_998))])
    content = f"{header}\n2024-01-02,1{',x' * 99_998}\n".encode()
    assert len(content) < 1_400_000
    response = post_file(client, goal, content)
    assert response.status_code == 400
    assert "Row 1 has 100,000 columns; at most 1,000 can be read" in response.content.decode()
    assert not MeasurementImport.objects.exists()


# --- step 2: columns -------------------------------------------------------------------------


def test_it_shows_the_headers_first_rows_and_suggested_columns(client: Client, goal: Goal) -> None:
    content = b"Week;Score;Comment\n" + b"".join(
        f"2024-03-{day:02d};{day},5;row {day}\n".encode() for day in range(1, 9)
    )
    measurement_import = uploaded(goal, content)
    response = client.get(url("import_map", measurement_import))
    html = response.content.decode()
    assert response.status_code == 200
    assert '<th scope="col" class="text-nowrap">Comment</th>' in html
    assert "row 5" in html and "row 6" not in html  # the first five rows only
    assert '<option value="Week" selected>' in html
    assert html.count('<option value="Score" selected>') == 1
    assert '<option value="Comment" selected>' in html
    assert 'name="date_order"' not in html  # ISO dates: no question


def test_it_asks_for_the_date_order_only_when_dates_are_ambiguous(
    client: Client, goal: Goal
) -> None:
    measurement_import = uploaded(goal, b"date,value\n03/04/2024,1\n05/06/2024,2\n")
    html = client.get(url("import_map", measurement_import)).content.decode()
    assert html.count('name="date_order"') == 2
    assert "03/04/2024 → 3 April 2024" in html
    assert "03/04/2024 → March 4, 2024" in html

    unambiguous = uploaded(goal, b"date,value\n03/04/2024,1\n25/06/2024,2\n")
    html = client.get(url("import_map", unambiguous)).content.decode()
    assert 'name="date_order"' not in html
    assert "read only one way: day first" in html


def test_it_updates_the_date_order_question_when_the_date_column_changes(
    client: Client, goal: Goal
) -> None:
    content = b"when,other,value\n2024-03-04,03/04/2024,1\n2024-03-05,04/05/2024,2\n"
    measurement_import = uploaded(goal, content)
    response = client.get(
        url("import_map", measurement_import), {"date": "other"}, headers={"HX-Request": "true"}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith('<div id="date-order"')
    assert "<form" not in html
    assert "How are the dates in “other” written?" in html
    response = client.get(
        url("import_map", measurement_import), {"date": "when"}, headers={"HX-Request": "true"}
    )
    assert 'name="date_order"' not in response.content.decode()


def test_it_requires_a_date_order_when_ambiguous(client: Client, goal: Goal) -> None:
    measurement_import = uploaded(goal, b"date,value\n03/04/2024,1\n")
    for order in ("", "iso", "backwards"):
        response = client.post(
            url("import_map", measurement_import),
            {"date": "date", "value": "value", "date_order": order},
        )
        assert response.status_code == 400
        assert "Choose how the dates are written." in response.content.decode()
    response = client.post(
        url("import_map", measurement_import),
        {"date": "date", "value": "value", "date_order": "month_first"},
    )
    assert response.status_code == 302
    measurement_import.refresh_from_db()
    assert measurement_import.date_order == "month_first"
    assert measurement_import.state == State.READY


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"value": "value"}, "Choose the column with the dates."),
        ({"date": "date", "value": "date"}, "“date” is already chosen as the date column."),
        ({"date": "date", "value": "nope"}, "Select a valid choice."),
    ],
)
def test_it_refuses_an_incomplete_or_contradictory_mapping(
    client: Client, goal: Goal, data: dict[str, str], message: str
) -> None:
    measurement_import = uploaded(goal)
    response = client.post(url("import_map", measurement_import), data)
    assert response.status_code == 400
    assert message in response.content.decode()
    measurement_import.refresh_from_db()
    assert measurement_import.state == State.UPLOADED


def test_it_checks_small_files_at_once_and_large_ones_in_the_background(
    client: Client, goal: Goal, monkeypatch: pytest.MonkeyPatch
) -> None:
    mapping = {"date": "date", "value": "value", "note": "note"}
    small = uploaded(goal)
    with mock.patch.object(background.tasks, "measurement_import_check") as task:
        response = client.post(url("import_map", small), mapping)
    assert response["Location"] == url("import_preview", small)
    task.assert_not_called()
    small.refresh_from_db()
    assert small.state == State.READY

    monkeypatch.setattr(imports, "BACKGROUND_ROWS", 3)
    large = uploaded(goal)
    with mock.patch.object(background.tasks, "measurement_import_check") as task:
        client.post(url("import_map", large), mapping)
    task.assert_called_once_with(large.pk)
    large.refresh_from_db()
    assert large.state == State.VALIDATING


# --- step 3: check and preview ---------------------------------------------------------------


def test_it_lists_every_problem_with_its_row_and_column(client: Client, goal: Goal) -> None:
    measurement_import = checked(goal, MESSY)
    response = client.get(url("import_preview", measurement_import))
    html = response.content.decode()
    assert response.status_code == 200
    assert "7 problems" in html
    assert '<tr><td>3</td><td class="text-break">value</td>' in html
    assert "&#x27;sixty&#x27; is not a number" in html
    assert '<tr><td>11</td><td class="text-break">Column D</td>' in html
    assert url("import_commit", measurement_import) not in html
    sample = html.split("The first new rows without problems, as they would be stored")[1]
    assert "4 Mar 2024" in sample and "25 Mar 2024" in sample
    assert "copied twice" not in sample  # row 8 has a problem


def test_it_caps_the_list_and_offers_every_problem_as_csv(client: Client, goal: Goal) -> None:
    rows = "".join(f"2024-01-01,bad{n}\n" for n in range(250))
    measurement_import = checked(goal, f"date,value\n{rows}".encode(), note=None)
    html = client.get(url("import_preview", measurement_import)).content.decode()
    assert html.count("is not a number") == import_views.PROBLEMS_SHOWN
    assert "…and 50 more" in html
    response = client.get(url("import_problems", measurement_import))
    body = b"".join(response.streaming_content).decode("utf-8-sig")  # type: ignore[attr-defined]
    lines = body.splitlines()
    assert response["Content-Disposition"] == 'attachment; filename="scores-problems.csv"'
    assert lines[0] == '"row","column","problem"'
    assert len(lines) == 251
    assert lines[-1] == '"251","value","\'bad249\' is not a number"'


def test_it_shows_counts_and_the_rows_as_they_will_be_stored(client: Client, goal: Goal) -> None:
    goal.unit = "%"
    goal.save()
    measurement_import = checked(goal)
    html = client.get(url("import_preview", measurement_import)).content.decode()
    assert 'New</dt><dd class="fs-4 mb-0 text-success-emphasis">3<' in html
    assert "4 Mar 2024" in html
    assert "63.5%" in html
    assert "Import 3 new measurements" in html


def test_it_polls_while_the_worker_checks(client: Client, goal: Goal) -> None:
    measurement_import = uploaded(goal)
    MeasurementImport.objects.filter(pk=measurement_import.pk).update(
        state=State.VALIDATING, row_count=100_000, progress=40_000
    )
    page = client.get(url("import_preview", measurement_import)).content.decode()
    assert 'hx-trigger="every 1s"' in page
    assert 'aria-valuenow="40000"' in page
    assert 'width="40%"' in page

    fragment = client.get(url("import_preview", measurement_import), headers={"HX-Request": "true"})
    html = fragment.content.decode()
    assert html.lstrip().startswith('<div id="import-progress"')
    assert "40,000 of 100,000 rows checked" in html

    MeasurementImport.objects.filter(pk=measurement_import.pk).update(state=State.INVALID)
    done = client.get(url("import_preview", measurement_import), headers={"HX-Request": "true"})
    assert done["HX-Refresh"] == "true"


def test_it_sends_the_page_to_the_goal_when_the_worker_has_stored_the_rows(
    client: Client, goal: Goal
) -> None:
    measurement_import = uploaded(goal)
    MeasurementImport.objects.filter(pk=measurement_import.pk).update(
        state=State.DONE, imported_count=1234
    )
    response = client.get(url("import_preview", measurement_import), headers={"HX-Request": "true"})
    assert response["HX-Redirect"] == goal_page(goal)
    follow = client.get(goal_page(goal))
    assert "Imported 1,234 new measurements." in follow.content.decode()


def test_the_preview_page_makes_a_bounded_number_of_queries(
    client: Client, goal: Goal, django_assert_max_num_queries: Any
) -> None:
    rows = "".join(f"2024-01-{1 + n % 28:02d},{'x' if n % 2 else n}\n" for n in range(3000))
    measurement_import = checked(goal, f"date,value\n{rows}".encode(), note=None)
    assert len(measurement_import.problems) > 1000
    client.get(url("import_preview", measurement_import))  # the session remembers the org
    with django_assert_max_num_queries(6):
        response = client.get(url("import_preview", measurement_import))
    assert response.status_code == 200


# --- step 4: commit --------------------------------------------------------------------------


def test_it_commits_and_lands_on_the_goal_with_a_message(client: Client, goal: Goal) -> None:
    measurement_import = checked(goal)
    response = client.post(url("import_commit", measurement_import), follow=True)
    assert response.redirect_chain[-1][0] == goal_page(goal)
    assert "Imported 3 new measurements." in response.content.decode()
    assert list(Measurement.objects.filter(goal=goal).values_list("date", "value", "note")) == [
        (date(2024, 3, 4), 62.0, "first"),
        (date(2024, 3, 11), 63.5, ""),
        (date(2024, 3, 18), 64.0, "third"),
    ]
    assert (
        Measurement.objects.filter(goal=goal, created_by__email="member@riverside.example").count()
        == 3
    )


def test_a_double_submitted_commit_stores_nothing_twice(client: Client, goal: Goal) -> None:
    measurement_import = checked(goal)
    client.post(url("import_commit", measurement_import))
    response = client.post(url("import_commit", measurement_import), follow=True)
    assert "These rows were already imported." in response.content.decode()
    assert Measurement.objects.filter(goal=goal).count() == 3


def test_it_refuses_to_commit_an_import_with_problems(client: Client, goal: Goal) -> None:
    measurement_import = checked(goal, MESSY)
    response = client.post(url("import_commit", measurement_import))
    assert response["Location"] == url("import_preview", measurement_import)
    assert not Measurement.objects.exists()


def test_it_commits_large_imports_in_the_background(
    client: Client, goal: Goal, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(imports, "BACKGROUND_ROWS", 3)
    measurement_import = checked(goal)
    response = client.post(url("import_commit", measurement_import))  # immediate mode in tests
    assert response["Location"] == goal_page(goal)
    assert Measurement.objects.filter(goal=goal).count() == 3


def test_it_says_so_when_the_commit_fails(
    client: Client, goal: Goal, monkeypatch: pytest.MonkeyPatch
) -> None:
    measurement_import = checked(goal)

    def fail(**kwargs: Any) -> None:
        raise RuntimeError("database gone")

    monkeypatch.setattr(bulk, "measurements_add_many", fail)
    response = client.post(url("import_commit", measurement_import), follow=True)
    html = response.content.decode()
    assert "The import failed and nothing was stored." in html
    assert "Import 3 new measurements" in html  # the user can try again
    assert not Measurement.objects.exists()


# --- a worker that died ----------------------------------------------------------------------


def long_ago() -> datetime:
    return timezone.now() - committing.STALE_AFTER - timedelta(minutes=1)


def stalled(measurement_import: MeasurementImport, **fields: Any) -> None:
    """Leave the import as a worker killed while checking does: silent for a while."""
    MeasurementImport.objects.filter(pk=measurement_import.pk).update(
        state=State.VALIDATING, progress_at=long_ago(), **fields
    )


def test_it_offers_to_try_again_and_stops_polling_when_the_worker_stopped(
    client: Client, goal: Goal
) -> None:
    measurement_import = uploaded(goal)
    stalled(measurement_import, row_count=100_000, progress=40_000)
    message = "This import has stopped making progress (the background worker may have restarted)."
    retry = f'action="{url("import_retry", measurement_import)}"'

    page = client.get(url("import_preview", measurement_import)).content.decode()
    assert message in page
    assert retry in page
    assert "hx-trigger" not in page
    assert 'http-equiv="refresh"' not in page

    fragment = client.get(url("import_preview", measurement_import), headers={"HX-Request": "true"})
    html = fragment.content.decode()
    assert html.lstrip().startswith('<div id="import-progress" class="alert alert-warning')
    assert message in html and retry in html
    assert "hx-get" not in html  # the swapped-in fragment ends the polling


def test_a_running_import_is_not_offered_a_retry(
    client: Client, goal: Goal, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(imports, "BACKGROUND_ROWS", 3)
    measurement_import = checked(goal)
    assert committing.import_claim(measurement_import=measurement_import)
    # The row's heartbeat is old, but the commit reports progress to the cache as it goes.
    MeasurementImport.objects.filter(pk=measurement_import.pk).update(progress_at=long_ago())
    page = client.get(url("import_preview", measurement_import)).content.decode()
    assert 'hx-trigger="every 1s"' in page
    assert "stopped making progress" not in page
    assert url("import_retry", measurement_import) not in page

    with mock.patch.object(background.tasks, "measurement_import_commit") as task:
        response = client.post(url("import_retry", measurement_import), follow=True)
    task.assert_not_called()
    assert "This import is still making progress." in response.content.decode()
    measurement_import.refresh_from_db()
    assert measurement_import.state == State.COMMITTING
    assert not Measurement.objects.exists()


def test_it_checks_a_stalled_import_again_once(
    client: Client, goal: Goal, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(imports, "BACKGROUND_ROWS", 3)
    measurement_import = checked(goal)
    stalled(measurement_import, progress=2)
    with mock.patch.object(background.tasks, "measurement_import_check") as task:
        first = client.post(url("import_retry", measurement_import))
        second = client.post(url("import_retry", measurement_import))  # a double click
    task.assert_called_once_with(measurement_import.pk)
    assert first["Location"] == second["Location"] == url("import_preview", measurement_import)
    measurement_import.refresh_from_db()
    assert measurement_import.state == State.VALIDATING
    assert measurement_import.progress == 0

    stalled(measurement_import)
    client.post(url("import_retry", measurement_import))  # the worker runs it (immediate mode)
    measurement_import.refresh_from_db()
    assert measurement_import.state == State.READY


def test_after_a_worker_died_mid_store_the_page_never_says_rows_were_stored(
    client: Client, goal: Goal, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The worker wrote 2 of 3 rows in the commit's transaction, reported it, then was
    killed: its transaction rolled back, and its last report stays in the cache."""
    monkeypatch.setattr(imports, "BACKGROUND_ROWS", 3)
    measurement_import = checked(goal)
    with mock.patch.object(background.tasks, "measurement_import_commit"):  # the worker
        client.post(url("import_commit", measurement_import))
    committing._report_commit(measurement_import, "storing", 2)  # its last report, then death

    page = client.get(url("import_preview", measurement_import)).content.decode()
    assert "2 of 3 rows written; none is stored until all are" in page
    assert "rows stored" not in page
    assert not Measurement.objects.exists()

    with mock.patch(
        "django.utils.timezone.now", return_value=timezone.now() + committing.STALE_AFTER * 2
    ):
        page = client.get(url("import_preview", measurement_import)).content.decode()
        assert "stopped making progress" in page
        client.post(url("import_retry", measurement_import))  # immediate mode: it runs now
    assert Measurement.objects.filter(goal=goal).count() == 3


@pytest.mark.parametrize("stored_before_crash", [0, 1, 3])
def test_a_commit_retried_after_a_crash_never_stores_a_row_twice(
    client: Client, goal: Goal, stored_before_crash: int
) -> None:
    measurement_import = checked(goal)
    rows = [(2, date(2024, 3, 4), 62.0), (3, date(2024, 3, 11), 63.5), (4, date(2024, 3, 18), 64.0)]
    # The worker claimed the import and stored some rows (or all), then was killed.
    with mock.patch("django.utils.timezone.now", return_value=long_ago()):
        assert committing.import_claim(measurement_import=measurement_import)
        bulk.measurements_add_many(
            goal=goal,
            items=[
                bulk.MeasurementIn(
                    date=when,
                    value=value,
                    idempotency_key=f"import-{measurement_import.pk}-row-{row}",
                )
                for row, when, value in rows[:stored_before_crash]
            ],
            actor=None,
        )
    page = client.get(url("import_preview", measurement_import)).content.decode()
    assert "Trying again never stores a row twice." in page

    response = client.post(url("import_retry", measurement_import), follow=True)
    assert response.redirect_chain[-1][0] == goal_page(goal)
    assert "Imported 3 new measurements." in response.content.decode()
    assert sorted(Measurement.objects.filter(goal=goal).values_list("date", "value")) == [
        (when, value) for _, when, value in rows
    ]
    measurement_import.refresh_from_db()
    assert measurement_import.state == State.DONE
    assert measurement_import.imported_count == 3

    again = client.post(url("import_retry", measurement_import))
    assert again["Location"] == url("import_preview", measurement_import)
    assert Measurement.objects.filter(goal=goal).count() == 3


# --- tenants and roles -----------------------------------------------------------------------


def test_another_organisation_cannot_see_or_commit_an_import(tenant: Tenant, goal: Goal) -> None:
    measurement_import = checked(goal)
    outsider = tenant.client_for(tenant.outsider)
    for name in ("import_preview", "import_map", "import_problems"):
        assert outsider.get(url(name, measurement_import, org="hillside")).status_code == 404
    for name in ("import_commit", "import_retry"):
        assert outsider.post(url(name, measurement_import, org="hillside")).status_code == 404
    assert not Measurement.objects.exists()


def test_a_goal_of_another_organisation_in_the_url_is_not_found(tenant: Tenant) -> None:
    their_goal = make_goal(tenant.other_org)
    client = tenant.client(Role.ADMIN)
    assert client.get(start_url(their_goal)).status_code == 404
    assert post_file(client, their_goal, GOOD).status_code == 404
    export = reverse(
        "goals:measurements_export", kwargs={"org": "riverside", "goal_id": their_goal.pk}
    )
    assert client.get(export).status_code == 404
    assert not MeasurementImport.objects.exists()


def test_a_viewer_cannot_import(tenant: Tenant, goal: Goal) -> None:
    viewer = tenant.client(Role.VIEWER)
    assert viewer.get(start_url(goal)).status_code == 403
    response = viewer.post(start_url(goal), {"file": SimpleUploadedFile("a.csv", GOOD)})
    assert response.status_code == 403
    assert not MeasurementImport.objects.exists()
