"""Exit 0 when the PostgreSQL server of URL answers within 5 seconds, 1 (with the reason) when it does not.

Used by `make test-pg` and `make cluster` to decide between running and a visible SKIPPED message.
"""
from __future__ import annotations

import sys

import psycopg


def main(url: str) -> int:
    try:
        with psycopg.connect(url, connect_timeout=5) as conn:
            conn.execute("SELECT 1")
    except psycopg.Error as exc:
        print(f"PostgreSQL at {url} is not reachable: {exc}".strip(), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "postgresql://postgres@127.0.0.1:5432/test"))
