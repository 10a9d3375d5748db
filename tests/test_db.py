"""The store: schema creation, WAL, foreign keys, revision triggers."""
from __future__ import annotations

import pytest

from models.store.db import MIGRATIONS, IntegrityError, connect, schema_version, utcnow


def test_fresh_database_is_migrated(data_dir):
    db = connect()
    assert schema_version(db) == len(MIGRATIONS)
    names = set(db.table_names())
    for table in ("employers", "jobs", "workers", "users", "applications", "placements",
                  "follow_ups", "import_batches", "import_rejections", "audit_log"):
        assert table in names, table


@pytest.mark.sqlite_only("PRAGMA journal_mode and foreign_keys are SQLite settings")
def test_sqlite_store_runs_in_wal_with_foreign_keys(data_dir):
    db = connect()
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert db.execute("PRAGMA foreign_keys").fetchone()[0] == 1


def test_foreign_keys_are_enforced(db):
    now = utcnow()
    with pytest.raises(IntegrityError):
        db.execute(
            "INSERT INTO jobs (external_id, employer_id, title, created_at, updated_at)"
            " VALUES ('J1', 999, '焊工', ?, ?)", (now, now))


def test_rev_increases_on_every_write(db):
    now = utcnow()
    db.execute("INSERT INTO employers (name, created_at, updated_at) VALUES ('甲公司', ?, ?)", (now, now))
    for ext in ("J1", "J2"):
        db.execute("INSERT INTO jobs (external_id, employer_id, title, created_at, updated_at)"
                   " VALUES (?, 1, '焊工', ?, ?)", (ext, now, now))
    revs = [r[0] for r in db.execute("SELECT rev FROM jobs ORDER BY id")]
    assert revs == [1, 2]
    db.execute("UPDATE jobs SET status = 'closed' WHERE external_id = 'J1'")
    assert db.execute("SELECT rev FROM jobs WHERE external_id = 'J1'").fetchone()[0] == 3


def test_reopening_keeps_data(data_dir):
    db = connect()
    now = utcnow()
    db.execute("INSERT INTO employers (name, created_at, updated_at) VALUES ('甲公司', ?, ?)", (now, now))
    db.conn.close()
    again = connect()
    assert again.execute("SELECT name FROM employers").fetchone()[0] == "甲公司"
