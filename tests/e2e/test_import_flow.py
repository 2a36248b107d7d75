"""A contributor imports a goal's measurements from a messy spreadsheet, in a real browser."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from stepback.accounts.roles import Role
from stepback.goals import committing, imports, services
from stepback.goals.models import Measurement, MeasurementImport
from stepback.initiatives import services as initiative_services
from tests.conftest import PASSWORD, make_member, make_org
from tests.e2e.conftest import screenshot, sign_in

pytestmark = pytest.mark.browser

MESSY = (
    "\ufeffDatum;Score;Opmerking;Bron\r\n"
    "05.12.2023;61;al ingevoerd;toets\r\n"  # row 2: already stored for the goal: skipped
    "05.01.2024;62,5;Eerste meting;toets\r\n"
    "05.02.2024;63;;toets\r\n"
    "\r\n"
    "05.03.2024;zes;typfout;toets\r\n"  # row 6: not a number
    "31.02.2024;64;bestaat niet;toets\r\n"  # row 7: no such day
    "05.05.2024;66;;toets\r\n"
    "05.05.2024;66;dubbel;toets\r\n"  # row 9: duplicates row 8
    "05.06.2024;;geen waarde;toets\r\n"  # row 10: missing value
).encode()

FIXED = (
    "\ufeffDatum;Score;Opmerking;Bron\r\n"
    "05.01.2024;62,5;Eerste meting;toets\r\n"
    "05.02.2024;63;;toets\r\n"
    "05.03.2024;63,5;;toets\r\n"
    "05.04.2024;64,25;;toets\r\n"
    "05.05.2024;66;;toets\r\n"
    "05.06.2024;66,5;;toets\r\n"
).encode()


def choose_file(page: Page, name: str, content: bytes) -> None:
    page.get_by_label("Spreadsheet").set_input_files(
        files=[{"name": name, "mimeType": "text/csv", "buffer": content}]
    )
    page.get_by_role("button", name="Upload and choose columns").click()


def test_it_imports_a_spreadsheet_after_showing_every_problem(page: Page) -> None:
    org = make_org("Riverside School", "riverside")
    make_member(org, Role.MEMBER, "kim@riverside.example")
    initiative = initiative_services.initiative_create(
        actor=None, organisation=org, title="Learning Sprints"
    )
    goal = services.goal_create(
        initiative=initiative,
        actor=None,
        fields={
            "name": "Reading comprehension",
            "unit": "%",
            "baseline_value": 60,
            "baseline_date": date(2023, 9, 1),
            "target_value": 75,
            "target_date": date(2025, 6, 30),
        },
    )
    services.measurement_add(goal=goal, date=date(2023, 12, 5), value=61, actor=None)

    sign_in(page, "kim@riverside.example", PASSWORD)
    page.goto(
        f"/o/riverside/initiatives/{initiative.pk}/goals/{goal.pk}/",
    )
    page.get_by_role("link", name="Import from a spreadsheet").click()
    expect(page.get_by_role("heading", name="Import measurements")).to_be_visible()
    screenshot(page, "import-1-upload")

    choose_file(page, "scores-messy.csv", MESSY)
    expect(page.get_by_role("heading", name="Choose the columns")).to_be_visible()
    expect(page.get_by_label("Date column")).to_have_value("Datum")
    expect(page.get_by_label("Value column")).to_have_value("Score")
    expect(page.get_by_label("Note column")).to_have_value("Opmerking")
    expect(page.get_by_label("Source column")).to_have_value("Bron")
    expect(page.get_by_text("05.12.2023 → 5 December 2023")).to_be_visible()
    expect(page.get_by_text("05.12.2023 → May 12, 2023")).to_be_visible()

    # Choosing another date column asks again, for that column (htmx).
    page.get_by_label("Date column").select_option("Opmerking")
    expect(page.locator('input[name="date_order"]')).to_have_count(0)
    page.get_by_label("Date column").select_option("Datum")
    expect(page.locator('input[name="date_order"]')).to_have_count(2)
    page.get_by_role("radio", name=re.compile("Day first")).check()
    screenshot(page, "import-2-columns")

    page.get_by_role("button", name="Check the rows").click()
    expect(page.get_by_role("heading", name="4 problems")).to_be_visible()
    problems = page.locator("section[aria-labelledby=problems-heading] tbody tr")
    expect(problems).to_have_count(4)
    expect(problems.nth(0)).to_contain_text("6Score'zes' is not a number")
    expect(problems.nth(1)).to_contain_text("7Datum")
    expect(problems.nth(2)).to_contain_text("duplicates row 8")
    expect(problems.nth(3)).to_contain_text("10Scoremissing value")
    expect(page.get_by_role("button", name=re.compile("^Import"))).to_have_count(0)
    screenshot(page, "import-3-problems")
    assert Measurement.objects.filter(goal=goal).count() == 1

    page.get_by_role("link", name="upload it again").click()
    choose_file(page, "scores.csv", FIXED)
    page.get_by_role("radio", name=re.compile("Day first")).check()
    page.get_by_role("button", name="Check the rows").click()
    expect(page.get_by_text("The first new rows, as they will be stored")).to_be_visible()
    expect(page.get_by_role("cell", name="5 Mar 2024")).to_be_visible()
    expect(page.get_by_role("cell", name="64.25%", exact=True)).to_be_visible()
    screenshot(page, "import-4-ready")

    page.get_by_role("button", name="Import 6 new measurements").click()
    expect(page.get_by_role("alert")).to_contain_text("Imported 6 new measurements.")
    expect(page.get_by_role("heading", name="Reading comprehension")).to_be_visible()
    assert page.url.endswith(f"/goals/{goal.pk}/")
    screenshot(page, "import-5-done")
    assert Measurement.objects.filter(goal=goal).count() == 7

    # Top up from the master spreadsheet: two rows changed since, one new at the bottom.
    page.get_by_role("link", name="Import from a spreadsheet").click()
    master = (
        FIXED.replace(b"05.02.2024;63;", b"05.02.2024;63,5;").replace(
            b"05.04.2024;64,25;", b"05.04.2024;65;"
        )
        + b"05.07.2024;67;Nieuw;toets\r\n"
    )
    choose_file(page, "master.csv", master)
    page.get_by_role("radio", name=re.compile("Day first")).check()
    page.get_by_role("button", name="Check the rows").click()
    expect(page.get_by_text("Every row reads correctly: 1 new, 4 already stored")).to_be_visible()
    changes = page.locator("section[aria-labelledby=changes-heading] tbody tr")
    expect(changes).to_have_count(2)
    expect(changes.nth(0)).to_contain_text("63%")
    expect(changes.nth(0)).to_contain_text("63.5%")
    page.get_by_role("checkbox", name=re.compile("Replace 63% with 63.5%")).check()
    screenshot(page, "import-6-top-up")
    page.get_by_role("button", name="Import", exact=True).click()
    expect(page.get_by_role("alert")).to_contain_text(
        "Imported 1 new measurement and replaced 1 value; 4 rows were already stored."
    )
    values = dict(Measurement.objects.filter(goal=goal).values_list("date", "value"))
    assert (values[date(2024, 2, 5)], values[date(2024, 4, 5)]) == (63.5, 64.25)
    assert len(values) == 8
    assert page.console_errors == []

    # The measurement form: the same value again is stored already; another offers Replace.
    form = page.locator("#measurement-form")
    form.get_by_label("Date").fill("2024-07-05")
    form.get_by_label(re.compile("Value")).fill("67")
    form.get_by_role("button", name="Add measurement").click()
    expect(page.get_by_text("67 on 5 Jul 2024 is already stored.")).to_be_visible()
    form.get_by_label("Date").fill("2024-07-05")
    form.get_by_label(re.compile("Value")).fill("68")
    form.get_by_role("button", name="Add measurement").click()
    expect(page.get_by_role("button", name="Replace 67 with 68")).to_be_visible()
    page.locator("#measurement-form").scroll_into_view_if_needed()
    screenshot(page, "measurement-replace")
    page.get_by_role("button", name="Replace 67 with 68").click()
    expect(page.get_by_text("Replaced 67 with 68 on 5 Jul 2024.")).to_be_visible()
    assert Measurement.objects.get(goal=goal, date=date(2024, 7, 5)).value == 68


def _import_being_checked(**fields: object) -> MeasurementImport:
    """A member Kim's import in Riverside that the background worker is checking."""
    org = make_org("Riverside School", "riverside")
    make_member(org, Role.MEMBER, "kim@riverside.example")
    initiative = initiative_services.initiative_create(
        actor=None, organisation=org, title="Learning Sprints"
    )
    goal = services.goal_create(
        initiative=initiative,
        actor=None,
        fields={"name": "Reading", "target_value": 75, "target_date": date(2025, 6, 30)},
    )
    measurement_import = imports.import_create(
        goal=goal, filename="district-export.csv", content=b"date,value\n2024-01-01,1\n", actor=None
    )
    MeasurementImport.objects.filter(pk=measurement_import.pk).update(
        state=MeasurementImport.State.VALIDATING, **fields
    )
    return measurement_import


def test_it_shows_progress_while_a_large_file_is_checked(page: Page) -> None:
    measurement_import = _import_being_checked(row_count=100_000, progress=42_500)

    sign_in(page, "kim@riverside.example", PASSWORD)
    page.goto(f"/o/riverside/imports/{measurement_import.pk}/")
    bar = page.get_by_role("progressbar")
    expect(bar).to_have_attribute("aria-valuenow", "42500")
    expect(page.get_by_text("42,500 of 100,000 rows checked")).to_be_visible()

    MeasurementImport.objects.filter(pk=measurement_import.pk).update(progress=87_000)
    expect(bar).to_have_attribute("aria-valuenow", "87000", timeout=5_000)  # polled every second
    screenshot(page, "import-progress")
    assert page.console_errors == []


def test_it_offers_to_try_again_when_the_worker_stopped(page: Page) -> None:
    measurement_import = _import_being_checked(
        progress_at=timezone.now() - committing.STALE_AFTER - timedelta(minutes=1)
    )

    sign_in(page, "kim@riverside.example", PASSWORD)
    page.goto(f"/o/riverside/imports/{measurement_import.pk}/")
    expect(page.get_by_role("alert")).to_contain_text(
        "This import has stopped making progress (the background worker may have restarted)."
    )
    expect(page.get_by_role("progressbar")).to_have_count(0)
    screenshot(page, "import-stalled")

    page.get_by_role("button", name="Try again").click()
    expect(page.get_by_text(re.compile("^Every row reads correctly: 1 new"))).to_be_visible()
    expect(page.get_by_role("button", name="Import 1 new measurement")).to_be_visible()
    assert page.console_errors == []


def test_a_file_over_the_request_cap_gets_a_page_saying_so(
    page: Page, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The browser shows the page (the body is read before the answer), not a reset."""
    from stepback.core import uploads

    monkeypatch.setattr(uploads, "MAX_REQUEST_BYTES", 256 * 1024)
    org = make_org("Riverside School", "riverside")
    make_member(org, Role.MEMBER, "kim@riverside.example")
    initiative = initiative_services.initiative_create(
        actor=None, organisation=org, title="Learning Sprints"
    )
    goal = services.goal_create(
        initiative=initiative,
        actor=None,
        fields={"name": "Reading", "target_value": 75, "target_date": date(2027, 6, 30)},
    )
    sign_in(page, "kim@riverside.example", PASSWORD)
    page.goto(f"/o/riverside/goals/{goal.pk}/import/")
    choose_file(page, "huge.csv", b"date,value\n" + b"2024-03-04,62\n" * 40_000)

    expect(page.get_by_role("heading", name="This file is too large")).to_be_visible()
    expect(page.get_by_role("alert")).to_contain_text("the limit is 20 MB")
    screenshot(page, "import-too-large")
    page.get_by_role("link", name="Back to the upload").click()
    expect(page.get_by_role("heading", name="Import measurements")).to_be_visible()
    assert not MeasurementImport.objects.exists()
