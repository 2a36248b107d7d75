"""``python -m benchmarks.balance``: how often the balance signal is right about leaders
whose behaviour is known.

Each case is one month of one handed-off group, simulated from a leader behaviour with
its truth known, with the noise real months have (how much work the group does, check-ins
missed by chance, barriers that take long to remove):

* **balanced**: others do most of the work (the leader 0-30% of it, an edit or two), the
  leader attends most check-ins (70-100%) and removes barriers within about two weeks;
* **over-involved**: the leader still does 45-90% of the work, or rewrites the group's
  items (4-12 edits), while attending;
* **stepping away**: others do the work, but the leader attends 0-40% of the check-ins,
  or leaves barriers open for 25-60 days;
* **borderline**: each of the three again, with its figures drawn near the thresholds
  (the leader 30-50% of the work, 35-65% attendance, barriers 14-30 days), where a wrong
  call is most likely.

The signal is :func:`stepback.ownership.balance.assess` with the default thresholds
(``docs/balance.md``). The report gives, for each behaviour, how often the signal named
it (recall), and for each signal how often it was right (precision), then the balanced
accuracy: the mean recall, 0.33 for a blind guess among three.
"""

from __future__ import annotations

import argparse
import random
from collections import Counter
from collections.abc import Sequence
from datetime import date, timedelta

from stepback.ownership.balance import (
    BarrierFact,
    CheckInFact,
    History,
    Period,
    Signal,
    Work,
    WorkKind,
    assess,
)

MONTH = Period(date(2026, 3, 1), date(2026, 3, 31))
AS_OF = MONTH.end
BEHAVIOURS = (Signal.BALANCED, Signal.OVER_INVOLVED, Signal.STEPPING_AWAY)


def _day(rng: random.Random) -> date:
    return MONTH.start + timedelta(days=rng.randrange(31))


def simulate(truth: Signal, rng: random.Random, *, borderline: bool = False) -> History:
    """One month of a group whose leader behaves as ``truth`` says."""
    items = rng.randint(6, 30)
    leader_share = rng.uniform(0.0, 0.3)
    edits = rng.choice([0, 0, 1, 2])
    attendance = rng.uniform(0.7, 1.0)
    barrier_days = (1, 14)
    barrier_count = rng.randint(0, 3)
    if truth == Signal.OVER_INVOLVED:
        if borderline:
            leader_share = rng.uniform(0.4, 0.55)
        elif rng.random() < 0.5:
            leader_share = rng.uniform(0.45, 0.9)
        else:
            edits = rng.randint(4, 12)
    elif truth == Signal.STEPPING_AWAY:
        if borderline:
            attendance = rng.uniform(0.3, 0.5)
        elif rng.random() < 0.5:
            attendance = rng.uniform(0.0, 0.4)
        else:
            barrier_days, barrier_count = (25, 60), rng.randint(1, 3)
    elif borderline:
        leader_share = rng.uniform(0.25, 0.4)
        attendance = rng.uniform(0.5, 0.7)
        barrier_days = (10, 21)
    work = [
        Work(_day(rng), rng.choice(list(WorkKind)), by_leader=rng.random() < leader_share)
        for _ in range(items)
    ]
    work += [Work(_day(rng), WorkKind.UPDATE, by_leader=True, leader_edit=True)] * edits
    checkins = [
        CheckInFact(_day(rng), held=True, leader_attended=rng.random() < attendance)
        for _ in range(rng.randint(2, 4))
    ]
    barriers = []
    for _ in range(barrier_count):
        raised = AS_OF - timedelta(days=rng.randint(*barrier_days) + rng.randint(0, 5))
        took = rng.randint(*barrier_days)
        resolved = raised + timedelta(days=took)
        barriers.append(BarrierFact(raised, resolved if resolved <= AS_OF else None))
    return History(work=work, checkins=checkins, barriers=barriers)


def run(cases: int, seed: int) -> dict[str, dict[Signal, Counter[Signal]]]:
    rng = random.Random(seed)
    results: dict[str, dict[Signal, Counter[Signal]]] = {}
    for family, borderline in (("clear", False), ("borderline", True)):
        results[family] = {}
        for truth in BEHAVIOURS:
            calls = Counter(
                assess(simulate(truth, rng, borderline=borderline), MONTH, AS_OF).signal
                for _ in range(cases)
            )
            results[family][truth] = calls
    return results


def report(results: dict[str, dict[Signal, Counter[Signal]]]) -> str:
    lines = []
    for family, table in results.items():
        lines.append(f"## {family} behaviours")
        lines.append(
            "| behaviour | " + " | ".join(f"called {s.value}" for s in BEHAVIOURS) + " | recall |"
        )
        lines.append("|---" * (len(BEHAVIOURS) + 2) + "|")
        recalls = []
        for truth, calls in table.items():
            total = sum(calls.values())
            recall = calls[truth] / total
            recalls.append(recall)
            cells = " | ".join(f"{calls[s] / total:.1%}" for s in BEHAVIOURS)
            lines.append(f"| {truth.value} | {cells} | {recall:.1%} |")
        for signal in BEHAVIOURS:
            called = sum(table[t][signal] for t in BEHAVIOURS)
            precision = table[signal][signal] / called if called else float("nan")
            lines.append(f"precision of {signal.value}: {precision:.1%} ({called} calls)")
        lines.append(f"balanced accuracy: {sum(recalls) / len(recalls):.1%}")
        lines.append("")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.balance", description=__doc__)
    parser.add_argument("--cases", type=int, default=2000, help="simulated months a behaviour")
    parser.add_argument("--seed", type=int, default=12)
    args = parser.parse_args(argv)
    print(report(run(args.cases, args.seed)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
