"""Exit 0 when the database URL given as the only argument answers, 1 otherwise.

Used by ``make test`` to decide whether the PostgreSQL pass can run.
"""

from __future__ import annotations

import sys

import psycopg


def database_answers(url: str, timeout_seconds: int = 3) -> bool:
    admin_url = url.rsplit("/", 1)[0] + "/postgres"
    try:
        with psycopg.connect(admin_url, connect_timeout=timeout_seconds) as conn:
            conn.execute("SELECT 1")
    except psycopg.Error:
        return False
    return True


if __name__ == "__main__":
    sys.exit(0 if database_answers(sys.argv[1]) else 1)
