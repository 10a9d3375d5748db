"""Schema migrations: an older database opens, upgrades and keeps its data; a newer one is refused clearly."""
from __future__ import annotations

import pytest


def _v1_database(path):
    """A database exactly as Tongbang's first schema version made it, with some data in it."""
    import models.store.db as dbmod

    db = dbmod.connect(path, migrate_schema=False)
    conn = db.conn
    conn.execute("BEGIN IMMEDIATE")
    dbmod.MIGRATIONS[0](dbmod._NoCommit(conn))
    conn.execute("PRAGMA user_version = 1")
    conn.execute("COMMIT")
    now = dbmod.utcnow()
    conn.execute("INSERT INTO employers (name, created_at, updated_at) VALUES ('老单位', ?, ?)", (now, now))
    conn.execute("INSERT INTO workers (external_id, name, skills, created_at, updated_at)"
                 " VALUES ('W1', '王五', '[\"电焊\"]', ?, ?)", (now, now))
    conn.execute("INSERT INTO jobs (external_id, employer_id, title, created_at, updated_at)"
                 " VALUES ('J1', 1, '普工', ?, ?)", (now, now))
    conn.close()


def test_old_database_upgrades_with_data_intact(data_dir, monkeypatch):
    import models.store.db as dbmod
    from models.people.workers import get_worker_by_external_id

    path = data_dir / "tongbang.db"
    _v1_database(path)

    def _vtest_extra_column(conn):
        conn.executescript("ALTER TABLE workers ADD COLUMN test_note TEXT;\n"
                           "UPDATE workers SET test_note = 'migrated';")

    migrations = [*dbmod.MIGRATIONS, _vtest_extra_column]
    monkeypatch.setattr(dbmod, "MIGRATIONS", migrations)
    db = dbmod.connect(path)
    try:
        assert dbmod.schema_version(db) == len(migrations)
        assert db.execute("SELECT name, test_note FROM workers WHERE external_id = 'W1'").fetchone() == ("王五", "migrated")
        assert db.execute("SELECT title FROM jobs").fetchone()[0] == "普工"
        worker = get_worker_by_external_id(db, "W1")
        assert worker["skills"] == ["电焊"]
        tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        assert {"outbox", "job_runs"} <= tables  # later shipped migrations ran too
    finally:
        db.conn.close()
    again = dbmod.connect(path)  # opening an up-to-date database is a no-op
    assert dbmod.schema_version(again) == len(migrations)
    again.conn.close()


def test_failed_migration_rolls_back(data_dir, monkeypatch):
    import models.store.db as dbmod

    path = data_dir / "tongbang.db"
    _v1_database(path)

    def _broken(conn):
        conn.executescript("ALTER TABLE workers ADD COLUMN half_done TEXT;\nSELECT * FROM no_such_table;")

    full = len(dbmod.MIGRATIONS)
    monkeypatch.setattr(dbmod, "MIGRATIONS", [*dbmod.MIGRATIONS, _broken])
    import sqlite3

    with pytest.raises(sqlite3.OperationalError):
        dbmod.connect(path)
    db = dbmod.connect(path, migrate_schema=False)
    assert dbmod.schema_version(db) == full  # earlier migrations kept, the broken one left nothing behind
    columns = {r[1] for r in db.execute("PRAGMA table_info(workers)")}
    assert "half_done" not in columns
    db.conn.close()


def test_newer_database_is_refused_clearly(data_dir):
    import models.store.db as dbmod

    path = data_dir / "tongbang.db"
    db = dbmod.connect(path)
    db.execute(f"PRAGMA user_version = {len(dbmod.MIGRATIONS) + 5}")
    db.conn.close()
    with pytest.raises(RuntimeError, match="请升级 Tongbang"):
        dbmod.connect(path)
