"""A PostgreSQL database for tests that need one whichever run they are in (copy-to, the cluster).

``pg_base_url()`` is ``TONGBANG_TEST_DATABASE_URL`` or this machine's ``postgresql://postgres@127.0.0.1:5432/test``;
``require_pg()`` skips the calling test, naming the reason, when that server does not answer.
"""
from __future__ import annotations

import os

import psycopg
import pytest

DEFAULT = "postgresql://postgres@127.0.0.1:5432/test"


#: Heavy two-engine tests (several processes) run once, in ``make test-pg``, not again in the SQLite run.
pg_run_only = pytest.mark.skipif(not (os.environ.get("TONGBANG_TEST_DATABASE_URL") or "").strip(),
                                 reason="runs in make test-pg (TONGBANG_TEST_DATABASE_URL)")


def pg_base_url() -> str:
    return (os.environ.get("TONGBANG_TEST_DATABASE_URL") or "").strip() or DEFAULT


def require_pg() -> str:
    url = pg_base_url()
    try:
        with psycopg.connect(url, connect_timeout=5) as conn:
            conn.execute("SELECT 1")
    except psycopg.Error as exc:
        pytest.skip(f"PostgreSQL not reachable at {url}: {exc}")
    return url
