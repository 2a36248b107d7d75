"""``python -m benchmarks``: Stepback at product scale, every figure beside its baseline.

Each size (default 10,000 and 1,000,000 measurements) runs in its own process on its own
database (SQLite files in ``var/bench/``, or ``--database`` for PostgreSQL: one database
per size, named after it), with production settings: DEBUG off, the cached template
loader, collected static files. The data is reused on the next run when it has the size
(``--fresh`` remakes it). At the largest size it also measures throughput and the load
check under gunicorn. The results go to a JSON file and, with ``--docs``, into the tables of
``docs/performance.md``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import secrets
import subprocess
import sys
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
BENCH_DIR = ROOT / "var" / "bench"
SMOKE_SIZES = "2000"
#: Below full scale, imports and bulk requests small enough for a quick run.
SMALL_WRITES = {"import_rows": 1000, "bulk_requests": 2, "bulk_items": 500, "write_runs": 2}


def _at_least_two(text: str) -> int:
    value = int(text)
    if value < 2:
        raise argparse.ArgumentTypeError("use at least 2 runs")
    return value


def _sizes(text: str) -> list[int]:
    try:
        sizes = sorted({int(part.replace("_", "")) for part in text.split(",") if part})
    except ValueError as error:
        raise argparse.ArgumentTypeError("sizes are numbers, comma-separated") from error
    if not sizes or sizes[0] < 1000:
        raise argparse.ArgumentTypeError("use sizes of at least 1000 measurements")
    return sizes


def parse(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument(
        "--sizes", type=_sizes, default=[10_000, 1_000_000], help="default 10000,1000000"
    )
    parser.add_argument(
        "--database",
        default="",
        help="a PostgreSQL URL (postgres://user@host:port/name); default: SQLite files",
    )
    parser.add_argument("--runs", type=_at_least_two, default=20, help="timed runs per target")
    parser.add_argument("--fresh", action="store_true", help="remake the data even if it fits")
    parser.add_argument("--output", type=Path, help="the JSON file (default var/bench/…)")
    parser.add_argument("--docs", type=Path, help="rewrite this file's tables (performance.md)")
    parser.add_argument("--throughput-seconds", type=float, default=15.0)
    parser.add_argument("--throughput-clients", type=int, default=8)
    parser.add_argument("--load-seconds", type=float, default=60.0)
    parser.add_argument("--load-clients", type=int, default=20)
    parser.add_argument("--no-servers", action="store_true", help="skip gunicorn's figures")
    parser.add_argument("--smoke", action="store_true", help="a quick run at 2,000 points")
    parser.add_argument("--only", type=int, help=argparse.SUPPRESS)  # one size, in its process
    parser.add_argument("--servers", action="store_true", help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse(argv)
    if args.only is not None:
        return _one_size(args)
    if args.smoke:
        args.sizes = _sizes(SMOKE_SIZES)
        args.runs = min(args.runs, 3)
        args.throughput_seconds = min(args.throughput_seconds, 2.0)
        args.load_seconds = min(args.load_seconds, 3.0)
    vendor = "postgresql" if args.database else "sqlite"
    output = args.output or BENCH_DIR / f"results-{vendor}.json"
    env = _environment(args)
    by_size: dict[str, Any] = {}
    for measurements in args.sizes:
        result_file = BENCH_DIR / f"size-{vendor}-{measurements}.json"
        command = [sys.executable, "-m", "benchmarks", "--only", str(measurements)]
        command += ["--runs", str(args.runs), "--output", str(result_file)]
        command += ["--throughput-seconds", str(args.throughput_seconds)]
        command += ["--throughput-clients", str(args.throughput_clients)]
        command += ["--load-seconds", str(args.load_seconds)]
        command += ["--load-clients", str(args.load_clients)]
        if args.fresh:
            command.append("--fresh")
        if measurements == args.sizes[-1] and not args.no_servers:
            command.append("--servers")
        env["STEPBACK_DATABASE_URL"] = _database_url(args.database, measurements)
        if not args.database:  # a new site's database: production settings never create one
            (BENCH_DIR / f"bench-{measurements}.sqlite3").touch()
        subprocess.run(command, env=env, check=True, cwd=ROOT)
        by_size[str(measurements)] = json.loads(result_file.read_text())
    from benchmarks.report import combine, write_docs

    results = combine(by_size, machine=_machine(vendor), command=_command(argv))
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps(results, indent=2) + "\n")
    print(f"Results written to {output}")
    if args.docs:
        write_docs(args.docs, results)
        print(f"Tables written to {args.docs}")
    return 0


def _environment(args: argparse.Namespace) -> dict[str, str]:
    """Production settings on the benchmark's own data directory."""
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    return {
        **os.environ,
        "STEPBACK_ENV": "production",
        "STEPBACK_SECRET_KEY": secrets.token_urlsafe(64),
        "STEPBACK_ALLOWED_HOSTS": "testserver,127.0.0.1,localhost",
        "STEPBACK_SSL_REDIRECT": "false",
        "STEPBACK_DATA_DIR": str(BENCH_DIR / "data"),
        "STEPBACK_TASKS_IMMEDIATE": "true",
        "STEPBACK_LOG_LEVEL": "WARNING",
        "DJANGO_SETTINGS_MODULE": "stepback.settings",
        "PYTHONPATH": os.pathsep.join([str(ROOT), *sys.path]),
    }


def _database_url(base: str, measurements: int) -> str:
    if not base:
        return f"sqlite:///{BENCH_DIR / f'bench-{measurements}.sqlite3'}"
    return f"{base.rstrip('/')}_{measurements}"


def _create_postgres_database(url: str) -> None:
    import psycopg
    from psycopg import sql

    base, name = url.rsplit("/", 1)
    with psycopg.connect(f"{base}/postgres", autocommit=True) as connection:
        found = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if found.fetchone() is None:
            connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def _one_size(args: argparse.Namespace) -> int:
    url = os.environ["STEPBACK_DATABASE_URL"]
    if url.startswith("postgres"):
        _create_postgres_database(url)
    warnings.filterwarnings("ignore", "No directory at", UserWarning)

    import django
    from django.conf import settings
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    if not (Path(settings.STATIC_ROOT) / "staticfiles.json").exists():
        call_command("collectstatic", interactive=False, verbosity=0)

    from benchmarks.harness import Size, run

    n = args.only
    full = n >= 1_000_000
    size = Size(
        measurements=n,
        audit_entries=n // 5,
        big_goal_points=100_000 if full else 3000,  # a small run still sums old history
        writes=args.servers,
        **({} if full else SMALL_WRITES),
    )
    results = run(size=size, runs=args.runs, fresh=args.fresh)
    if args.servers:
        from benchmarks.harness import measure_servers

        results["servers"] = measure_servers(
            throughput_seconds=args.throughput_seconds,
            throughput_clients=args.throughput_clients,
            load_seconds=args.load_seconds,
            load_clients=args.load_clients,
        )
    args.output.write_text(json.dumps(results, indent=2) + "\n")
    return 0


def _machine(vendor: str) -> dict[str, Any]:
    model = ""
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        model = next(
            (
                line.split(":", 1)[1].strip()
                for line in cpuinfo.read_text().splitlines()
                if line.startswith("model name")
            ),
            "",
        )
    memory = ""
    meminfo = Path("/proc/meminfo")
    if meminfo.exists():
        first = meminfo.read_text().splitlines()[0].split()
        memory = f"{int(first[1]) / 2**20:.1f} GB"
    return {
        "cpu": model or platform.processor(),
        "cores": os.cpu_count(),
        "memory": memory,
        "system": platform.platform(),
        "python": platform.python_version(),
        "database": vendor,
        "load_average": os.getloadavg() if hasattr(os, "getloadavg") else None,
    }


def _command(argv: Sequence[str] | None) -> str:
    given = list(sys.argv[1:] if argv is None else argv)
    return " ".join(["python -m benchmarks", *given])


if __name__ == "__main__":
    sys.exit(main())
