"""`flask --app app db copy-to URL`: a SQLite instance copied into an empty PostgreSQL schema, verified per table
(row count and checksum), idempotent, refusing a target that holds other data; the copy keeps ids, revisions
and the encrypted ID numbers (revealed with the same keys), and new rows on PostgreSQL get fresh ids."""
from __future__ import annotations

import uuid

import pytest

from models.store import pg
from models.store.db import connect, utcnow
from tests.api.conftest import ID_A, build_world
from tests.pg_target import require_pg


@pytest.fixture
def target():
    base = require_pg()
    schema = f"copy_{uuid.uuid4().hex[:10]}"
    url = pg.create_schema(base, schema)
    yield url
    pg.drop_schema(base, schema)


@pytest.fixture
def source_file(data_dir):
    path = data_dir / "source.db"
    db = connect(path)
    world = build_world(db)
    db.conn.close()
    return path, world


def _counts(db, tables):
    return {t: db.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0] for t in tables}


def test_copy_verifies_is_idempotent_and_keeps_ids_revisions_and_ids_numbers(runner, source_file, target):
    from models.people.workers import stored_id_number

    path, world = source_file
    result = runner.invoke(args=["db", "copy-to", target, "--from", str(path)])
    assert result.exit_code == 0, result.output
    assert "行数与校验和全部一致" in result.output and "✗" not in result.output

    source, copy = connect(path), pg.connect(target)
    tables = ("employers", "workers", "jobs", "applications", "placements", "users", "api_tokens", "audit_log")
    assert _counts(copy, tables) == _counts(source, tables)
    assert _counts(source, ("workers", "jobs", "users")) == {"workers": 3, "jobs": 3, "users": 8}
    revs = "SELECT id, external_id, rev, id_hash, id_number_enc FROM {} ORDER BY id"
    assert copy.execute(revs.format("workers")).fetchall() == [tuple(r) for r in source.execute(revs.format("workers"))]
    assert stored_id_number(copy, world.workers["A"]) == ID_A      # same keys, same decryption

    again = runner.invoke(args=["db", "copy-to", target, "--from", str(path)])
    assert again.exit_code == 0, again.output
    assert "已复制" not in again.output and "已存在（相同）" in again.output
    assert _counts(copy, tables) == _counts(source, tables)

    now = utcnow()   # identities moved past the copied ids; the rev trigger continues after the copied revisions
    new_id = copy.execute("INSERT INTO employers (name, created_at, updated_at) VALUES (?, ?, ?)",
                          ("新单位", now, now)).lastrowid
    assert new_id == max(world.employers.values()) + 1
    max_rev = copy.execute("SELECT MAX(rev) FROM jobs").fetchone()[0]
    copy.execute("UPDATE jobs SET title = '电焊工（二保焊）' WHERE id = ?", (world.jobs["JX1"],))
    assert copy.execute("SELECT rev FROM jobs WHERE id = ?", (world.jobs["JX1"],)).fetchone()[0] == max_rev + 1

    refused = runner.invoke(args=["db", "copy-to", target, "--from", str(path)])
    assert refused.exit_code != 0
    assert "employers" in refused.output and "没有写入任何数据" in refused.output
    source.conn.close()
    copy.close()


def test_copy_to_refuses_a_url_that_is_not_postgresql(runner, source_file, tmp_path):
    path, _world = source_file
    result = runner.invoke(args=["db", "copy-to", f"sqlite:///{tmp_path / 'x.db'}", "--from", str(path)])
    assert result.exit_code != 0 and "postgresql://" in result.output
