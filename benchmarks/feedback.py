"""Feedback at product scale: the reference initiative's inbox with up to 100,000 items.

The items are made once per benchmark database (a tenth of its measurements, at most
100,000), in one bulk insert, and found again on the next run.
"""

from __future__ import annotations

import hashlib
import random
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from benchmarks.generate import BenchOrg, bulk_insert
from stepback.feedback.models import Channel, FeedbackItem, random_id
from stepback.feedback.services import channel_create

MAX_ITEMS = 100_000
WORDS = (
    "timetable",
    "planning",
    "meetings",
    "marking",
    "reports",
    "library",
    "lunch",
    "homework",
    "bell",
    "reading",
    "sprint",
    "cover",
    "parents",
    "behaviour",
    "spreadsheet",
    "workload",
)
STATUSES = ("new", "new", "acknowledged", "in_progress", "done", "wont_do")


def item_count(measurements: int) -> int:
    return min(MAX_ITEMS, measurements // 10)


def ensure_items(bench: BenchOrg, count: int, seed: int = 14) -> Channel:
    """The reference initiative's benchmark channel, holding ``count`` items."""
    initiative = bench.reference
    channel = Channel.objects.filter(initiative=initiative, name="Benchmark channel").first()
    if channel is not None and channel.items.count() == count:
        return channel
    rng = random.Random(seed)
    today = timezone.localdate()
    with transaction.atomic():
        if channel is not None:
            channel.delete()
        channel = channel_create(initiative=initiative, actor=None, name="Benchmark channel")
        rows = (
            (
                random_id(),
                initiative.organisation_id,
                initiative.pk,
                channel.pk,
                " ".join(rng.choices(WORDS, k=rng.randint(6, 30))),
                True,
                "",
                "",
                today - timedelta(days=rng.randint(0, 700)),
                rng.choice(STATUSES),
                "",
                False,
                hashlib.sha256(f"f{n}".encode()).hexdigest(),
                hashlib.sha256(f"r{n}".encode()).hexdigest(),
            )
            for n in range(count)
        )
        bulk_insert(
            FeedbackItem._meta.db_table,
            [
                "id",
                "organisation_id",
                "initiative_id",
                "channel_id",
                "body",
                "anonymous",
                "name",
                "email",
                "submitted_on",
                "status",
                "answer",
                "published",
                "follow_up_hash",
                "receipt_hash",
            ],
            rows,
        )
    return channel
