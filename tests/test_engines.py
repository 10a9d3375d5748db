"""One schema, two engines: the same contract CLI gives identical rankings on SQLite and on PostgreSQL, and on
PostgreSQL concurrent writers keep what SQLite's single writer guarantees (dense, distinct revisions; one
``BEGIN IMMEDIATE`` transaction at a time)."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import pytest

from models.store import pg
from models.store.db import connect, migrate, transaction, utcnow
from tests.pg_target import pg_run_only, require_pg

REPO = Path(__file__).resolve().parents[1]
EVAL = REPO / "data" / "eval"


@pytest.fixture
def pg_store():
    base = require_pg()
    schema = f"eng_{uuid.uuid4().hex[:10]}"
    url = pg.create_schema(base, schema)
    yield url
    pg.drop_schema(base, schema)


def _flask(env: dict, *args: str) -> str:
    result = subprocess.run([sys.executable, "-m", "flask", "--app", "app", *args], cwd=REPO, env=env,
                            capture_output=True, text=True, timeout=600, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def _rankings(env: dict) -> dict:
    for kind in ("workers", "jobs"):
        _flask(env, "import", kind, str(EVAL / f"{kind}.jsonl"))
    out = _flask(env, "match", "workers", "--k", "10", "--json")
    return json.loads(out[out.index("{"):])


@pg_run_only
def test_held_out_rankings_are_identical_on_sqlite_and_postgresql(tmp_path, pg_store):
    base = {k: v for k, v in os.environ.items() if k not in ("TONGBANG_DATABASE_URL", "TONGBANG_TEST_DATABASE_URL")}
    from cryptography.fernet import Fernet

    # The static encoder: both runs share it, so only the store differs, and the test takes seconds, not minutes
    # (six CLI processes each loading m3e-small took ~6 minutes on this 2-core machine).
    keys = {"TONGBANG_FERNET_KEY": Fernet.generate_key().decode(), "TONGBANG_HASH_KEY": "k" * 64,
            "TONGBANG_ENCODER": "static"}
    on_sqlite = _rankings(dict(base, TONGBANG_DATA_DIR=str(tmp_path / "lite"), **keys))
    on_pg = _rankings(dict(base, TONGBANG_DATA_DIR=str(tmp_path / "pg"), TONGBANG_DATABASE_URL=pg_store, **keys))
    assert len(on_sqlite) >= 40 and sum(len(v) for v in on_sqlite.values()) > 100
    assert on_pg == on_sqlite


def _employer(db) -> int:
    now = utcnow()
    return db.execute("INSERT INTO employers (name, created_at, updated_at) VALUES (?, ?, ?)",
                      ("并发测试单位", now, now)).lastrowid


def test_concurrent_writers_get_dense_distinct_revisions_on_postgresql(pg_store):
    db = pg.connect(pg_store)
    migrate(db)
    employer = _employer(db)
    db.close()
    errors: list[BaseException] = []

    def writer(n: int) -> None:
        mine = pg.connect(pg_store)
        try:
            for i in range(10):
                now = utcnow()
                # autocommit inserts from 6 connections at once: the trigger's advisory lock orders them
                mine.execute("INSERT INTO jobs (external_id, employer_id, title, created_at, updated_at)"
                             " VALUES (?, ?, '焊工', ?, ?)", (f"J{n}-{i}", employer, now, now))
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            mine.close()

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    db = pg.connect(pg_store)
    revs = [r[0] for r in db.execute("SELECT rev FROM jobs ORDER BY rev")]
    assert revs == list(range(1, 61))      # no two rows share a revision, none is skipped
    db.close()


def test_begin_immediate_makes_one_writer_at_a_time_on_postgresql(pg_store):
    """Two read-then-write transactions (the pattern of ``next_external_id`` and every capacity check): on
    PostgreSQL the second waits for the first, as on SQLite, so it reads what the first wrote."""
    db = pg.connect(pg_store)
    migrate(db)
    employer = _employer(db)
    db.close()
    seen: list[int] = []

    def claim_next() -> None:
        mine = pg.connect(pg_store)
        try:
            with transaction(mine) as conn:
                count = conn.execute("SELECT COUNT(*) FROM jobs").fetchone()[0]
                time.sleep(0.3)           # the other transaction tries to start meanwhile
                now = utcnow()
                conn.execute("INSERT INTO jobs (external_id, employer_id, title, created_at, updated_at)"
                             " VALUES (?, ?, '焊工', ?, ?)", (f"J-{count + 1}", employer, now, now))
                seen.append(count)
        finally:
            mine.close()

    threads = [threading.Thread(target=claim_next) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(seen) == [0, 1]


def test_sqlite_url_and_default_are_the_file_store(data_dir, monkeypatch):
    monkeypatch.setenv("TONGBANG_DATABASE_URL", f"sqlite:///{data_dir / 'other.db'}")
    db = connect()
    assert db.execute("PRAGMA database_list").fetchone()[2] == str(data_dir / "other.db")
    db.conn.close()
    monkeypatch.setenv("TONGBANG_DATABASE_URL", "mysql://nope")
    with pytest.raises(ValueError, match="sqlite:///"):
        connect()


def test_translation_rules():
    assert pg.to_postgres("SELECT * FROM t WHERE a = ? AND b LIKE '%x?' -- 50%") == \
        "SELECT * FROM t WHERE a = %s AND b LIKE '%%x?' -- 50%%"
    assert pg.to_postgres("INSERT OR IGNORE INTO t (a) VALUES (?)") == "INSERT INTO t (a) VALUES (%s) ON CONFLICT DO NOTHING"
    assert pg.to_postgres("SELECT :a, ':b'", named=True) == "SELECT %(a)s, ':b'"
    assert "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY" in pg.to_postgres("CREATE TABLE t (id INTEGER PRIMARY KEY, x REAL)")
    assert "DOUBLE PRECISION" in pg.to_postgres("CREATE TABLE t (id INTEGER PRIMARY KEY, x REAL)")
    for refused in ("PRAGMA user_version", "INSERT OR REPLACE INTO t (a) VALUES (?)"):
        with pytest.raises(pg.UnsupportedSQL):
            pg.to_postgres(refused)
