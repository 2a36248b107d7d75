"""Run calls at the same moment in threads, each on its own database connection.

The SQLite test database lives in memory with a shared cache, where a writer that meets
another's lock is told at once ("database table is locked") instead of waiting out the
busy timeout as it does on the site's database file; ``at_once`` waits and retries it,
as the file would, so the second write runs after the first commits, as it would there.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

from django.db import OperationalError, connection


def at_once(*calls: Callable[[], Any]) -> list[Any]:
    """Run the calls in threads released together; each answer or exception, in order."""
    barrier = threading.Barrier(len(calls))
    answers: list[Any] = [None] * len(calls)

    def run(index: int, call: Callable[[], Any]) -> None:
        barrier.wait()
        give_up_at = time.monotonic() + 60  # a lock is held for one short transaction
        try:
            while True:
                try:
                    answers[index] = call()
                    return
                except OperationalError as error:
                    if "locked" not in str(error) or time.monotonic() > give_up_at:
                        raise
                    time.sleep(0.01)
        except Exception as error:  # the refusal is the answer under test
            answers[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=pair) for pair in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return answers
