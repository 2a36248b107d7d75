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
                    "ratio": round(b["median_ms"] / a["median_ms"], 2),
                }
            )
    return rows


def targets(results: dict[str, Any]) -> list[dict[str, Any]]:
    """Each target of issue 10's "Done when" with its figure from this run, met or not."""
    sizes = results["sizes"]
    large = sizes[max(sizes, key=int)]
    checks: list[dict[str, Any]] = []

    def check(
        what: str, figure: float | None, limit: float, unit: str, at_most: bool = True
    ) -> None:
        met = figure is not None and (figure <= limit if at_most else figure >= limit)
        checks.append(
            {"target": what, "figure": figure, "limit": limit, "unit": unit, "met": bool(met)}
        )

    for prefix in ("Dashboard", "Initiative page", "Goal page"):
        timing = _find(large, prefix)
        check(f"{prefix}: {TIMES} /healthz", timing and timing["healthz_ratio"], 15, "x")
    for row in results["scaling"]:
        if not row["name"].startswith("API"):
            check(f"{row['name']}: largest size / smallest", row["ratio"], 1.2, "x")
    for prefix in ("Big initiative page", "Big goal page"):
        timing = _find(large, prefix)
        if timing:
            check(f"{timing['name']}: median", timing["median_ms"], 100, "ms")
    add = _find(large, "Add one measurement (100,000")
    if add:
        check(f"{add['name']}: median", add["median_ms"], 20, "ms")
    for prefix, limit in (("Import", 2.0), ("Bulk API", 3.0)):
        timing = _find(large, prefix)
        if timing:
            check(f"{timing['name']}: {TIMES} {timing['baseline']}", timing["ratio"], limit, "x")
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
        "benchmark, so read the ratios (each measured in the same run as its baseline) "
        "before the absolute figures.",
        "",
    ]
    for size, result in sorted(results["sizes"].items(), key=lambda item: int(item[0])):
        generated = result["generation_seconds"]
        made = f"generated in {generated} s" if generated is not None else "reused"
        lines += [
            f"#### {int(size):,} measurements ({made})",
            "",
            "| target | median ms | p95 ms | queries | baseline | baseline ms | ratio "
            f"| {TIMES} /healthz |",
            "|---|---:|---:|---:|---|---:|---:|---:|",
        ]
        for t in result["timings"]:
            lines.append(
                f"| {t['name']} | {t['median_ms']} | {t['p95_ms'] or ''} | {t['queries'] or ''} "
                f"| {t['baseline']} | {_blank(t['baseline_ms'])} | {_blank(t['ratio'])} "
                f"| {_blank(t['healthz_ratio'])} |"
            )
        lines.append("")
        servers = result.get("servers")
        if servers:
            lines += _servers(servers)
    if results["scaling"]:
        sizes = sorted(results["sizes"], key=int)
        lines += [
            f"#### The same pages at {int(sizes[0]):,} and {int(sizes[-1]):,} measurements",
            "",
            f"| page | {int(sizes[0]):,} ms | {int(sizes[-1]):,} ms | ratio |",
            "|---|---:|---:|---:|",
        ]
        lines += [
            f"| {r['name']} | {r['small_ms']} | {r['large_ms']} | {r['ratio']} |"
            for r in results["scaling"]
        ]
        lines.append("")
    lines += ["#### Targets", "", "| target | figure | limit | met |", "|---|---:|---:|---|"]
    for c in results["targets"]:
        at_least = c["target"].startswith("Dashboard throughput")
        unit = TIMES if c["unit"] == "x" else c["unit"]
        met = "yes" if c["met"] else "**no**"
        lines.append(
            f"| {c['target']} | {_blank(c['figure'])}{unit} "
            f"| {'≥' if at_least else '≤'} {c['limit']}{unit} | {met} |"
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
