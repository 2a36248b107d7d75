"""The benchmark harness at a small scale, so it cannot rot between full runs."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from benchmarks import load
from benchmarks.__main__ import parse
from benchmarks.generate import BIG_GOALS, find, reference_points
from benchmarks.harness import Size, run
from benchmarks.report import combine, markdown, write_docs
from benchmarks.writes import import_parts

from stepback.core.models import AuditEntry
from stepback.goals.models import Goal, Measurement, MonthSummary

pytestmark = pytest.mark.slow

SMALL = Size(
    measurements=2000,
    audit_entries=400,
    big_goal_points=300,
    import_rows=200,
    bulk_requests=2,
    bulk_items=100,
    write_runs=2,
)


def test_it_generates_the_data_and_times_every_target_beside_its_baseline(
    db: None, tmp_path: Path
) -> None:
    output = tmp_path / "results.json"
    lines: list[str] = []

    results = run(size=SMALL, runs=2, output=output, report=lines.append)

    assert json.loads(output.read_text()) == results
    assert AuditEntry.objects.filter(organisation__slug="bench").count() == 400
    assert Measurement.objects.filter(organisation__slug="bench").count() == 2000
    assert Measurement.objects.filter(organisation__slug="bench-big").count() == BIG_GOALS * 300
    assert Goal.objects.filter(organisation__slug="bench").count() == 250
    assert results["reference_points"] == sum(reference_points(2000))
    # Every goal's month summaries add up to its points, and its stored count says so.
    for goal in Goal.objects.all():
        months = MonthSummary.objects.filter(goal=goal)
        assert sum(m.count for m in months) == goal.measurement_count
        assert goal.measurement_count == Measurement.objects.filter(goal=goal).count()
    timings = {t["name"]: t for t in results["timings"]}
    names = list(timings)
    assert names[:3] == ["/livez", "/healthz", "Dashboard"]
    assert any(n.startswith("Big initiative page (3,000 points)") for n in names)
    assert any(n.startswith("Import 200 rows, one CSV file") for n in names)
    assert {"Organisation settings page", "Language and preferences page"} <= set(names)
    assert any(n.startswith("Bulk API: 2 requests") for n in names)
    pages = [
        t
        for t in results["timings"]
        if t["group"] in ("page", "api") and t["name"] not in ("/livez", "/healthz")
    ]
    assert all(t["healthz_ratio"] and t["livez_ratio"] and t["median_ms"] > 0 for t in pages)
    assert timings["Dashboard"]["baseline"] == "raw SQL of its rows"
    assert timings["Dashboard"]["ratio"] > 0
    # 12 for the goals and initiatives, 5 for a leader's balance panel (ownership).
    assert 0 < timings["Dashboard"]["queries"] <= 17
    writes = [t for t in results["timings"] if t["group"] == "write"]
    assert all(t["ratio"] and t["baseline"] for t in writes)
    # The timed writes leave the data as it was.
    assert Measurement.objects.filter(organisation__slug="bench").count() == 2000
    assert "raw SQL of its rows" in "\n".join(lines)

    combined = combine(
        {"2000": results},
        machine={
            "cpu": "test",
            "cores": 2,
            "memory": "1 GB",
            "system": "x",
            "python": "3",
            "load_average": None,
        },
        command="python -m benchmarks --smoke",
    )
    targets = {c["target"] for c in combined["targets"]}
    assert "Dashboard: \N{MULTIPLICATION SIGN} /healthz" in targets
    assert "Dashboard: \N{MULTIPLICATION SIGN} /livez (the bare view)" in targets
    docs = tmp_path / "performance.md"
    docs.write_text("# Performance\n\nintro\n")
    write_docs(docs, combined)
    write_docs(docs, combined)  # replaced in place, not appended twice
    text = docs.read_text()
    marker = f"<!-- bench:{combined['database']} -->"  # the database the suite runs on
    assert text.count(marker) == 1 and text.startswith("# Performance")
    assert markdown(combined) in text


def test_it_reuses_data_of_the_same_size(db: None, tmp_path: Path) -> None:
    size = Size(
        initiatives=4,
        measurements=500,
        audit_entries=100,
        big_goal_points=0,
        writes=False,
    )
    run(size=size, runs=2, report=print)
    shape = {"initiatives": 4, "goals_per_initiative": 5, "audit_entries": 100}
    assert find(measurements=500, big_goal_points=0, **shape)
    assert find(measurements=501, big_goal_points=0, **shape) is None

    results = run(size=size, runs=2, output=tmp_path / "b.json")

    assert results["generation_seconds"] is None


class _Answer(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        status = 200 if self.path == "/ok" else 500
        self.send_response(status)
        self.end_headers()
        self.wfile.write(b"hello")

    def do_POST(self) -> None:
        length = int(self.headers["Content-Length"])
        self.rfile.read(length)
        self.send_response(201)
        self.end_headers()

    def log_message(self, format: str, *args: object) -> None:
        return None


def test_the_driver_counts_requests_errors_and_each_write_once() -> None:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Answer)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    address = f"127.0.0.1:{server.server_address[1]}"
    try:
        figures = load.drive(
            address,
            [
                load.Stream("ok", "/ok", 2),
                load.Stream("broken", "/broken", 1),
                load.Stream("writes", "/w", 2, method="POST", bodies=["a", "b", "c"]),
            ],
            seconds=0.5,
        )
    finally:
        server.shutdown()
    assert figures["ok"]["requests"] > 0 and figures["ok"]["errors"] == 0
    assert figures["broken"]["errors"] == figures["broken"]["requests"] > 0
    assert figures["broken"]["error_examples"] == ["HTTP 500"]
    assert figures["writes"]["requests"] == 3  # each body once, then the writers stop
    assert figures["ok"]["p95_ms"] >= figures["ok"]["median_ms"] > 0


def test_it_refuses_fewer_than_two_runs_and_small_sizes() -> None:
    with pytest.raises(SystemExit):
        parse(["--runs", "1"])
    with pytest.raises(SystemExit):
        parse(["--sizes", "10"])
    assert parse(["--sizes", "1_000_000,10000"]).sizes == [10_000, 1_000_000]


def test_a_100000_row_import_is_split_into_files_one_goal_can_hold() -> None:
    parts = import_parts(100_000)

    assert parts == [33_334, 33_333, 33_333] and sum(parts) == 100_000
    assert import_parts(200) == [200]
