"""The benchmark harness at a small scale, so it cannot rot between full runs."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from benchmarks.__main__ import parse
from benchmarks.generate import find
from benchmarks.harness import run

from stepback.core.models import AuditEntry
from stepback.goals.models import Goal, Measurement

pytestmark = pytest.mark.slow


def test_it_generates_an_organisation_and_times_every_target(db: None, tmp_path: Path) -> None:
    output = tmp_path / "results.json"
    lines: list[str] = []

    results = run(measurements=2000, runs=2, output=output, report=lines.append)

    assert json.loads(output.read_text()) == results
    assert results["size"] == {
        "initiatives": 50,
        "goals_per_initiative": 5,
        "measurements": 2000,
        "audit_entries": 400,
    }
    assert AuditEntry.objects.count() == 400
    assert Measurement.objects.count() == 2000
    assert Goal.objects.count() == 250
    assert results["pace_points"] == 2000  # the pace goal takes all it can, up to 10,000
    names = [t["name"] for t in results["timings"]]
    assert names[:2] == ["Organisation dashboard", "Initiative page"]
    assert names[2].startswith("Goal page (")
    assert names[3:] == [
        "API: list initiatives",
        "Activity page",
        "Activity page: one person, one kind",
        "Initiative activity page",
        "API: list activity",
        "Pace: read and assess 2,000 points",
        "Pace: assess 2,000 points in memory",
        "Read a 100,000-row XLSX (3 columns)",
    ]
    assert all(t["median_ms"] > 0 and t["runs"] == 2 for t in results["timings"])
    assert results["timings"][0]["queries"] <= 12
    activity = {t["name"]: t["queries"] for t in results["timings"] if "ctivity" in t["name"]}
    assert all(queries <= 8 for queries in activity.values()), activity
    assert "median ms" in "\n".join(lines)


def test_it_reuses_data_of_the_same_size(db: None, tmp_path: Path) -> None:
    run(measurements=500, initiatives=4, runs=2, output=tmp_path / "a.json", report=print)
    assert find(initiatives=4, goals_per_initiative=5, measurements=500, audit_entries=100)
    assert find(initiatives=4, goals_per_initiative=5, measurements=501) is None
    assert find(initiatives=4, goals_per_initiative=5, measurements=500, audit_entries=30)
    assert AuditEntry.objects.count() == 30  # remade in place, the rest reused

    results = run(measurements=500, initiatives=4, runs=2, output=tmp_path / "b.json")

    assert results["generation_seconds"] is None


def test_it_refuses_fewer_than_two_runs() -> None:
    with pytest.raises(SystemExit):
        parse(["--runs", "1"])
    assert parse(["--measurements", "2000"]).measurements == 2000
