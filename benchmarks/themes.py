"""``python -m benchmarks.themes``: how well the default themes method finds the topics of
a labelled sample (adjusted Rand index and normalised mutual information), and how long
it takes on 10,000 comments.

The sample (``benchmarks/data/themes_sample.json``) is 312 staff comments in 8 topics,
written so that each topic is said in many different words. A baseline that groups by
the single most frequent keyword is measured beside it.
"""

from __future__ import annotations

import json
import random
import time
from collections import Counter
from pathlib import Path

from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score

from stepback.feedback.themes import group

SAMPLE = Path(__file__).parent / "data" / "themes_sample.json"
LARGE = 10_000


def sample() -> tuple[list[str], list[str]]:
    data = json.loads(SAMPLE.read_text(encoding="utf-8"))
    texts, labels = [], []
    for topic, comments in data["topics"].items():
        for before, after in data["framings"]:
            for comment in comments:
                texts.append(f"{before}{comment}.{after}".replace("..", "."))
                labels.append(topic)
    return texts, labels


def keyword_baseline(texts: list[str]) -> list[str]:
    """Each comment grouped by its most frequent word of five letters or more."""
    words = Counter(w for t in texts for w in t.lower().split() if len(w) >= 5)
    return [
        max((w for w in t.lower().split() if len(w) >= 5), key=words.__getitem__, default="")
        for t in texts
    ]


def main() -> None:
    texts, labels = sample()
    topics = len(set(labels))
    for name, predicted in (
        ("themes (NMF, 8 themes)", group(texts, themes=topics).assignments),
        ("themes (NMF, default count)", group(texts).assignments),
        ("keyword baseline", keyword_baseline(texts)),
    ):
        ari = adjusted_rand_score(labels, predicted)
        nmi = normalized_mutual_info_score(labels, predicted)
        print(f"{name:30} ARI {ari:.3f}  NMI {nmi:.3f}")
    rng = random.Random(0)
    large = [f"{rng.choice(texts)} {rng.choice(texts)}" for _ in range(LARGE)]
    started, cpu = time.perf_counter(), time.process_time()
    grouping = group(large)
    seconds, cpu_seconds = time.perf_counter() - started, time.process_time() - cpu
    print(
        f"{LARGE:,} comments grouped into {len(grouping.themes)} themes in {seconds:.1f} s "
        f"({cpu_seconds:.1f} s of CPU)"
    )


if __name__ == "__main__":
    main()
