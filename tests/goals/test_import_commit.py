"""The commit of a checked import: it stores the rows the check kept, held against the
goal's values now, never twice, and nothing when the goal changed since the check."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from stepback.goals import committing, imports, services
from stepback.goals.models import Goal, Measurement, MeasurementImport
from tests.conftest import make_org
from tests.goals.test_imports import check, commit, make_goal, stored, upload

State = MeasurementImport.State


@pytest.fixture
def goal(db: None) -> Goal:
    return make_goal(make_org())


def test_it_never_stores_a_row_twice(goal: Goal) -> None:
    measurement_import = check(upload(goal, b"date,value\n2024-01-01,1\n2024-01-02,2\n"))
    commit(measurement_import)
    assert not committing.import_claim(measurement_import=measurement_import)  # a second click

    # Even if the commit ran again (a worker retried after a crash), the keys skip every row.
    MeasurementImport.objects.filter(pk=measurement_import.pk).update(state=State.COMMITTING)
    measurement_import.refresh_from_db()
    committing.import_commit(measurement_import=measurement_import, actor=None)
    assert measurement_import.state == State.DONE
    assert measurement_import.imported_count == 2
    keys = list(Measurement.objects.order_by("date").values_list("idempotency_key", flat=True))
    assert keys == [
        f"import-{measurement_import.pk}-row-2",
        f"import-{measurement_import.pk}-row-3",
    ]


def test_it_checks_again_at_commit_time(goal: Goal) -> None:
    measurement_import = check(upload(goal, b"date,value\n2024-01-01,1\n2024-01-02,2\n"))
    services.measurement_add(goal=goal, date=date(2024, 1, 2), value=5, actor=None)
    commit(measurement_import)
    assert measurement_import.state == State.READY
    assert measurement_import.error == committing.GOAL_CHANGED
    assert measurement_import.changes == [
        {"row": 3, "date": "2024-01-02", "stored": 5.0, "value": 2.0}
    ]
    assert Measurement.objects.count() == 1


def test_the_commit_stores_the_checked_rows_without_reading_the_table_again(
    goal: Goal, monkeypatch: pytest.MonkeyPatch
) -> None:
    measurement_import = check(
        upload(goal, b"date,value,note\n2024-01-01,1,first\n2024-01-02,2.5,\n"), note="note"
    )
    assert measurement_import.checked_rows is not None

    def no_table(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("the commit read the table again")

    monkeypatch.setattr(imports, "import_table", no_table)
    monkeypatch.setattr(imports, "check_rows", no_table)
    commit(measurement_import)

    assert measurement_import.state == State.DONE
    assert sorted(stored(goal)) == [
        (date(2024, 1, 1), 1.0, "first", ""),
        (date(2024, 1, 2), 2.5, "", ""),
    ]


def test_bounds_narrowed_after_the_check_store_nothing(goal: Goal) -> None:
    measurement_import = check(upload(goal, b"date,value\n2024-01-01,1\n2024-01-02,120\n"))
    assert measurement_import.state == State.READY
    services.goal_update(goal=goal, actor=None, changes={"upper_bound": 100})
    measurement_import.goal.refresh_from_db()

    commit(measurement_import)

    assert measurement_import.state == State.INVALID
    assert [(p["row"], p["column"]) for p in measurement_import.problems] == [(3, "value")]
    assert Measurement.objects.filter(goal=goal).count() == 0


def test_an_import_checked_before_rows_were_kept_is_checked_again_at_commit(goal: Goal) -> None:
    measurement_import = check(upload(goal, b"date,value\n2024-01-01,1\n2024-01-02,2\n"))
    MeasurementImport.objects.filter(pk=measurement_import.pk).update(checked_rows=None)
    measurement_import.refresh_from_db()

    commit(measurement_import)

    assert measurement_import.state == State.DONE
    assert sorted(stored(goal)) == [
        (date(2024, 1, 1), 1.0, "", ""),
        (date(2024, 1, 2), 2.0, "", ""),
    ]
