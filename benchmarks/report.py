"""The benchmark's results, combined over the sizes, checked against the targets and written
as Markdown tables into ``docs/performance.md`` (between ``<!-- bench:<database> -->`` and
``<!-- /bench:<database> -->``, so each database's tables are replaced on their own)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

#: The pages compared at the smallest and the largest size (their names do not change).
TIMES = "\N{MULTIPLICATION SIGN}"
SCALED = ("Dashboard", "Initiative page", "Goal page", "API: list initiatives")


def combine(by_size: dict[str, Any], *, machine: dict[str, Any], command: str) -> dict[str, Any]:
    sizes = sorted(by_size, key=int)
    largest = by_size[sizes[-1]]
    results: dict[str, Any] = {
        "database": largest["database"],
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "command": command,
        "machine": machine,
        "sizes": by_size,
        "scaling": _scaling(by_size[sizes[0]], largest) if len(sizes) > 1 else [],
    }
    results["targets"] = targets(results)
    return results


def _by_name(result: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {t["name"]: t for t in result["timings"]}


def _find(result: dict[str, Any], prefix: str) -> dict[str, Any] | None:
    return next((t for t in result["timings"] if t["name"].startswith(prefix)), None)


def _ratio(a: float | None, b: float | None) -> float | None:
    return round(a / b, 2) if a and b else None


def _scaling(small: dict[str, Any], large: dict[str, Any]) -> list[dict[str, Any]]:
    rows = []
    for prefix in SCALED:
        a, b = _find(small, prefix), _find(large, prefix)
        if a and b and a["name"] == b["name"]:
            rows.append(
                {
                    "name": a["name"],
                    "small_ms": a["median_ms"],
                    "large_ms": b["median_ms"],
                    "ratio": _ratio(b["median_ms"], a["median_ms"]),
                    "small_cpu_ms": a["cpu_median_ms"],
                    "large_cpu_ms": b["cpu_median_ms"],
                    "cpu_ratio": _ratio(b["cpu_median_ms"], a["cpu_median_ms"]),
                }
            )
    return rows


def targets(results: dict[str, Any]) -> list[dict[str, Any]]:
    """Each target of issue 10's "Done when" with its figure from this run (in wall time
    and in this process's CPU time), met or not."""
    sizes = results["sizes"]
    large = sizes[max(sizes, key=int)]
    checks: list[dict[str, Any]] = []

    def check(
        what: str,
        figure: float | None,
        limit: float,
        unit: str,
        *,
        cpu: float | None = None,
        at_most: bool = True,
    ) -> None:
        def meets(value: float | None) -> bool | None:
            if value is None:
                return None
            return value <= limit if at_most else value >= limit

        checks.append(
            {
                "target": what,
                "figure": figure,
                "cpu_figure": cpu,
                "limit": limit,
                "unit": unit,
                "at_most": at_most,
                "met": bool(meets(figure)),
                "met_on_cpu": meets(cpu),
            }
        )

    for prefix in ("Dashboard", "Initiative page", "Goal page"):
        t = _find(large, prefix)
        if t:
            check(
                f"{t['name']}: {TIMES} /healthz",
                t["healthz_ratio"],
                15,
                TIMES,
                cpu=t["cpu_healthz_ratio"],
            )
            check(
                f"{t['name']}: {TIMES} /livez (the bare view)",
                t.get("livez_ratio"),
                15,
                TIMES,
                cpu=t.get("cpu_livez_ratio"),
            )
    for row in results["scaling"]:
        if not row["name"].startswith("API"):
            check(
                f"{row['name']}: largest size / smallest",
                row["ratio"],
                1.2,
                TIMES,
                cpu=row["cpu_ratio"],
            )
    for prefix in ("Big initiative page", "Big goal page", "Add one measurement (100,000"):
        t = _find(large, prefix)
        if t:
            most = 20.0 if prefix.startswith("Add") else 100.0
            check(f"{t['name']}: median", t["median_ms"], most, " ms", cpu=t["cpu_median_ms"])
    for prefix, limit in (("Import", 2.0), ("Bulk API", 3.0)):
        t = _find(large, prefix)
        if t:
            check(
                f"{t['name']}: {TIMES} {t['baseline']}",
                t["ratio"],
                limit,
                TIMES,
                cpu=t["cpu_ratio"],
            )
    servers = large.get("servers")
    if servers:
        share = servers["throughput"]["Dashboard"]["share_of_healthz"]
        check("Dashboard throughput: share of /healthz's", share, 0.2, "", at_most=False)
        errors = sum(stream["errors"] for stream in servers["load"].values())
        check("Load check: errors", errors, 0, "")
    return checks


# --- Markdown -----------------------------------------------------------------------------------


def markdown(results: dict[str, Any]) -> str:
    machine = results["machine"]
    lines = [
        f"Run {results['when']} on {results['database']}: `{results['command']}`.",
        "",
        f"Machine: {machine['cpu']}, {machine['cores']} cores, {machine['memory']}, "
        f"{machine['system']}, Python {machine['python']}; load average at the start "
        f"{_load(machine['load_average'])}. **A shared machine**: other work ran beside the "
        "benchmark, so wall times are inflated, long requests more than short ones. Each "
        "ratio is measured in the same run as its baseline; the CPU columns (this process's "
        "CPU time, which with SQLite includes the database's work) are much less disturbed.",
        "",
    ]
    for size, result in sorted(results["sizes"].items(), key=lambda item: int(item[0])):
        generated = result["generation_seconds"]
        made = f"generated in {generated} s" if generated is not None else "data reused"
        lines += [
            f"#### {int(size):,} measurements ({made})",
            "",
            "| target | median ms | p95 ms | CPU ms | queries | baseline | baseline ms | ratio "
            f"| CPU ratio | {TIMES} /healthz | CPU {TIMES} /healthz | {TIMES} /livez "
            f"| CPU {TIMES} /livez |",
            "|---|---:|---:|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|",
        ]
        for t in result["timings"]:
            lines.append(
                f"| {t['name']} | {t['median_ms']} | {t['p95_ms'] or ''} "
                f"| {_blank(t['cpu_median_ms'])} | {t['queries'] or ''} "
                f"| {t['baseline']} | {_blank(t['baseline_ms'])} | {_blank(t['ratio'])} "
                f"| {_blank(t['cpu_ratio'])} | {_blank(t['healthz_ratio'])} "
                f"| {_blank(t['cpu_healthz_ratio'])} | {_blank(t.get('livez_ratio'))} "
                f"| {_blank(t.get('cpu_livez_ratio'))} |"
            )
        lines.append("")
        servers = result.get("servers")
        if servers:
            lines += _servers(servers)
    if results["scaling"]:
        small, large = (
            int(n) for n in sorted(results["sizes"], key=int)[:: len(results["sizes"]) - 1]
        )
        lines += [
            f"#### The same pages at {small:,} and {large:,} measurements",
            "",
            f"| page | {small:,}: ms | {large:,}: ms | ratio | {small:,}: CPU ms "
            f"| {large:,}: CPU ms | CPU ratio |",
            "|---|---:|---:|---:|---:|---:|---:|",
        ]
        lines += [
            f"| {r['name']} | {r['small_ms']} | {r['large_ms']} | {r['ratio']} "
            f"| {r['small_cpu_ms']} | {r['large_cpu_ms']} | {r['cpu_ratio']} |"
            for r in results["scaling"]
        ]
        lines.append("")
    lines += [
        "#### Targets (issue 10, and issue 7's load check)",
        "",
        "| target | figure | in CPU time | limit | met | met in CPU time |",
        "|---|---:|---:|---:|---|---|",
    ]
    for c in results["targets"]:
        unit = c["unit"]
        cpu = "" if c["cpu_figure"] is None else f"{c['cpu_figure']}{unit}"
        on_cpu = {True: "yes", False: "**no**", None: ""}[c["met_on_cpu"]]
        lines.append(
            f"| {c['target']} | {_blank(c['figure'])}{unit} | {cpu} "
            f"| {'≤' if c['at_most'] else '≥'} {c['limit']}{unit} "
            f"| {'yes' if c['met'] else '**no**'} | {on_cpu} |"
        )
    return "\n".join(lines) + "\n"


def _servers(servers: dict[str, Any]) -> list[str]:
    lines = [
        f"Under gunicorn, {servers['workers']} sync workers, driven from another process:",
        "",
        "| throughput | clients | seconds | requests/s | share of /healthz | median ms | p95 ms "
        "| errors |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for name, f in servers["throughput"].items():
        lines.append(
            f"| {name} | {f['clients']} | {f['seconds']} | {f['requests_per_second']} "
            f"| {f['share_of_healthz']} | {f['median_ms']} | {f['p95_ms']} | {f['errors']} |"
        )
    lines += [
        "",
        "| load check (all at once) | clients | seconds | requests/s | median ms | p95 ms "
        "| errors |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for name, f in servers["load"].items():
        lines.append(
            f"| {name} | {f['clients']} | {f['seconds']} | {f['requests_per_second']} "
            f"| {f['median_ms']} | {f['p95_ms']} | {f['errors']} |"
        )
    return [*lines, ""]


def _blank(value: object) -> str:
    return "" if value is None else str(value)


def _load(average: object) -> str:
    if not average:
        return "unknown"
    return ", ".join(f"{value:.1f}" for value in average)  # type: ignore[attr-defined]


def write_docs(path: Path, results: dict[str, Any]) -> None:
    """Replace this database's tables in ``path`` (appended when the markers are missing)."""
    start, end = f"<!-- bench:{results['database']} -->", f"<!-- /bench:{results['database']} -->"
    text = path.read_text() if path.exists() else ""
    block = f"{start}\n{markdown(results)}{end}"
    if start in text and end in text:
        before, rest = text.split(start, 1)
        text = before + block + rest.split(end, 1)[1]
    else:
        text = text.rstrip("\n") + f"\n\n{block}\n"
    path.write_text(text)
