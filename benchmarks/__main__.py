"""``python -m benchmarks``: generate an organisation at product scale and time its pages.

By default the data lives in its own SQLite file, ``var/bench/bench.sqlite3``, and is
reused on the next run when it has the requested size; set ``STEPBACK_DATABASE_URL`` to
measure another database (for example PostgreSQL) instead.
"""

from __future__ import annotations

import argparse
import os
import sys
import warnings
from collections.abc import Sequence
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent.parent / "var" / "bench"


def _at_least_two(text: str) -> int:
    value = int(text)
    if value < 2:
        raise argparse.ArgumentTypeError("use at least 2 runs")
    return value


def parse(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument("--measurements", type=int, default=1_000_000, help="default 1,000,000")
    parser.add_argument(
        "--audit-entries", type=int, default=200_000, help="audit log entries, default 200,000"
    )
    parser.add_argument("--initiatives", type=int, default=50, help="default 50")
    parser.add_argument("--goals-per-initiative", type=int, default=5, help="default 5")
    parser.add_argument("--runs", type=_at_least_two, default=20, help="timed runs per target")
    parser.add_argument("--fresh", action="store_true", help="remake the data even if it fits")
    parser.add_argument(
        "--output", type=Path, default=BENCH_DIR / "results.json", help="the JSON results file"
    )
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse(argv)
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("STEPBACK_DATABASE_URL", f"sqlite:///{BENCH_DIR / 'bench.sqlite3'}")
    # Test mode: plain static files (no collectstatic), in-memory cache, no debug logging.
    os.environ["STEPBACK_ENV"] = "test"
    os.environ["STEPBACK_DEBUG"] = "false"
    warnings.filterwarnings("ignore", "No directory at", UserWarning)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "stepback.settings")

    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)

    from benchmarks.harness import run

    run(
        measurements=args.measurements,
        audit_entries=args.audit_entries,
        initiatives=args.initiatives,
        goals_per_initiative=args.goals_per_initiative,
        runs=args.runs,
        fresh=args.fresh,
        output=args.output,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
