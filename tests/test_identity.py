"""One person, one record (issue 9, finding 1): the ID hash is UNIQUE in the database, and an import re-checks
inside its write transaction, so two imports at once never register a person twice."""
from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from tests.ledger_factory import worker_row, write_ledger

REPO = Path(__file__).resolve().parents[1]

# One import in its own process, as the CLI runs it (``import_ledger`` as SYSTEM), in chunks of 100 rows so
# the two processes' transactions interleave. Both wait, after loading what the store held when they started
# and before their first write, until the other one has loaded too: each starts with a view in which nobody
# is registered — the race of the finding, made certain instead of likely.
_RUNNER = textwrap.dedent("""
    import sys, time
    from pathlib import Path
    from models.intake import ledger
    from models.access import SYSTEM
    from models.actions.imports import import_ledger
    from models.store.db import connect

    me, other, path = sys.argv[1], sys.argv[2], sys.argv[3]
    ledger.CHUNK_ROWS = 100
    loaded = ledger._Importer.__init__

    def init(self, *args, **kwargs):
        loaded(self, *args, **kwargs)
        Path(me).touch()
        deadline = time.time() + 60
        while not Path(other).exists() and time.time() < deadline:
            time.sleep(0.01)

    ledger._Importer.__init__ = init
    result = import_ledger(connect(), SYSTEM, "workers", path)
    print(result.added, result.rejected, result.unchanged)
""")


def test_two_concurrent_imports_of_the_same_people_store_each_once(data_dir, tmp_path):
    from models.store.db import connect

    people = range(1, 2001)
    first = write_ledger(tmp_path / "county_a.csv", "workers", [worker_row(n, external_id=f"A{n:05d}") for n in people])
    second = write_ledger(tmp_path / "county_b.csv", "workers", [worker_row(n, external_id=f"B{n:05d}") for n in people])
    connect().conn.close()  # migrate once, before the race
    env = {**os.environ, "TONGBANG_DATA_DIR": str(data_dir), "PYTHONPATH": str(REPO)}
    flags = (tmp_path / "a.ready", tmp_path / "b.ready")
    procs = [subprocess.Popen([sys.executable, "-c", _RUNNER, str(flags[i]), str(flags[1 - i]), str(path)],
                              cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for i, path in enumerate((first, second))]
    outputs = []
    for proc in procs:
        out, err = proc.communicate(timeout=300)
        assert proc.returncode == 0, err[-2000:]
        outputs.append(tuple(int(x) for x in out.split()[-3:]))
    db = connect()
    try:
        assert db.execute("SELECT COUNT(*) FROM workers").fetchone()[0] == 2000
        assert db.execute("SELECT COUNT(DISTINCT id_hash) FROM workers").fetchone()[0] == 2000
        (added_a, rejected_a, _), (added_b, rejected_b, _) = outputs
        assert added_a + added_b == 2000 and rejected_a + rejected_b == 2000
        # Every refused row names the 编号 the person is registered under, from the other ledger.
        owners = dict(db.execute("SELECT name, external_id FROM workers"))
        rejections = db.execute("SELECT r.external_id, r.field, r.reason FROM import_rejections r").fetchall()
        assert len(rejections) == 2000
        for external_id, field, reason in rejections:
            n = int(external_id[1:])
            assert field == "id_number"
            assert f"已登记在编号 {owners[f'测试{n}']} 的求职者名下" in reason
            assert owners[f"测试{n}"][0] != external_id[0]
        # The batches' counts are the rows really written.
        batches = db.execute("SELECT added, rejected, done_rows, status FROM import_batches ORDER BY id").fetchall()
        assert sorted((a, r) for a, r, _, _ in batches) == sorted([(added_a, rejected_a), (added_b, rejected_b)])
        assert all(done == 2000 and status == "done" for _, _, done, status in batches)
    finally:
        db.conn.close()


def test_the_database_refuses_a_second_record_with_the_same_id(db):
    from models.people.pii import protect_id
    from models.store.db import utcnow

    now = utcnow()
    protected = protect_id(worker_row(7)["id_number"])
    db.execute("INSERT INTO workers (external_id, name, id_number_enc, id_hash, id_masked, created_at, updated_at)"
               " VALUES ('X1', '甲', ?, ?, ?, ?, ?)", (*protected.values(), now, now))
    with pytest.raises(sqlite3.IntegrityError):
        db.execute("INSERT INTO workers (external_id, name, id_number_enc, id_hash, id_masked, created_at, updated_at)"
                   " VALUES ('X2', '甲', ?, ?, ?, ?, ?)", (*protected.values(), now, now))
    for ext in ("N1", "N2"):  # workers without an ID number are excepted
        db.execute("INSERT INTO workers (external_id, name, created_at, updated_at) VALUES (?, '乙', ?, ?)",
                   (ext, now, now))
    assert db.execute("SELECT COUNT(*) FROM workers WHERE id_hash IS NULL").fetchone()[0] == 2


def test_upgrade_keeps_the_oldest_and_holds_later_duplicates_for_the_queue(data_dir):
    import models.store.db as dbmod

    path = data_dir / "tongbang.db"
    db = dbmod.connect(path, migrate_schema=False)
    conn = db.conn
    for version, step in enumerate(dbmod.MIGRATIONS, start=1):
        if step is dbmod._unique_identity_and_import_jobs:
            break
        conn.execute("BEGIN IMMEDIATE")
        step(dbmod._NoCommit(conn))
        conn.execute(f"PRAGMA user_version = {version}")
        conn.execute("COMMIT")
    now = dbmod.utcnow()
    for ext, h in (("OLD", "h1"), ("NEW", "h1"), ("OTHER", "h2")):  # two imports at once, before the rule
        conn.execute("INSERT INTO workers (external_id, name, id_hash, created_at, updated_at) VALUES (?, '丙', ?, ?, ?)",
                     (ext, h, now, now))
    conn.close()
    db = dbmod.connect(path)
    try:
        rows = {e: (h, held) for e, h, held in db.execute("SELECT external_id, id_hash, held_id_hash FROM workers")}
        assert rows == {"OLD": ("h1", None), "NEW": (None, "h1"), "OTHER": ("h2", None)}
        with pytest.raises(sqlite3.IntegrityError):
            db.execute("UPDATE workers SET id_hash = 'h1' WHERE external_id = 'NEW'")
    finally:
        db.conn.close()
