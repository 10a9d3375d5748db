"""Shared fixtures: a fresh data folder per test, the app, its test client and CLI runner.

Every test gets its own ``TONGBANG_DATA_DIR`` (a temp folder with a real SQLite file).

On PostgreSQL: with ``TONGBANG_TEST_DATABASE_URL=postgresql://…`` (``make test-pg``) every test's store is
instead a fresh schema of that database (created empty, migrated on first use, dropped after the test), and
tests marked ``sqlite_only`` (they read the SQLite file itself) are skipped with their reason.
"""
from __future__ import annotations

import os
import uuid

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TONGBANG_SCHEDULER", "0")

#: The PostgreSQL database the suites run against, or None for the SQLite run.
TEST_PG = (os.environ.get("TONGBANG_TEST_DATABASE_URL") or "").strip() or None
if TEST_PG is None:
    os.environ.pop("TONGBANG_DATABASE_URL", None)   # the SQLite run never reaches a developer's configured store


def pytest_configure(config):
    config.addinivalue_line("markers", "sqlite_only(reason): reads the SQLite file itself; skipped on PostgreSQL")


def pytest_collection_modifyitems(config, items):
    if TEST_PG is None:
        return
    for item in items:
        mark = item.get_closest_marker("sqlite_only")
        if mark is not None:
            reason = mark.args[0] if mark.args else mark.kwargs.get("reason", "SQLite only")
            item.add_marker(pytest.mark.skip(reason=f"SQLite only: {reason}"))


@pytest.fixture(scope="session")
def pg_session_store():
    """On PostgreSQL: one schema for this test session, migrated once and dropped at the end; its URL."""
    from models.store import pg
    from models.store.db import migrate

    schema = f"t_{uuid.uuid4().hex[:12]}"
    url = pg.create_schema(TEST_PG, schema)
    db = pg.connect(url)
    migrate(db)
    db.close()
    yield url
    pg.drop_schema(TEST_PG, schema)


@pytest.fixture
def data_dir(tmp_path, monkeypatch, request):
    """A fresh, empty TONGBANG_DATA_DIR for this test; on PostgreSQL also the session's schema, emptied
    (``models.store.pg.wipe``: every row gone, ids restarted, a new store id so no cache mixes two tests)."""
    folder = tmp_path / "instance"
    folder.mkdir()
    monkeypatch.setenv("TONGBANG_DATA_DIR", str(folder))
    if TEST_PG is not None:
        from models.store import pg

        url = request.getfixturevalue("pg_session_store")
        pg.wipe(url)
        monkeypatch.setenv("TONGBANG_DATABASE_URL", url)
    return folder


@pytest.fixture
def db(data_dir):
    """The real SQLite store in the test's data folder, migrated."""
    from models.store.db import connect

    database = connect()
    yield database
    database.conn.close()


@pytest.fixture
def app(data_dir):
    from app import create_app

    return create_app({"TESTING": True, "START_SCHEDULER": False})


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture(scope="session")
def encoder():
    """The real sentence-transformers encoder (m3e-small unless TONGBANG_ENCODER says otherwise),
    loaded once for the whole test session (``matching.encoder.get_encoder`` caches it per process)."""
    from matching.encoder import get_encoder

    return get_encoder()


@pytest.fixture(scope="session")
def rulebook_template(tmp_path_factory):
    """The rulebook world (``tests/rulebook_world.py``) built once per session: (folder, World)."""
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).parent))
    import rulebook_world

    from models.store.db import connect, migrate

    folder = tmp_path_factory.mktemp("rulebook-template")
    old = os.environ.get("TONGBANG_DATA_DIR")
    os.environ["TONGBANG_DATA_DIR"] = str(folder)
    try:
        if TEST_PG is None:
            db = connect(folder / "tongbang.db")
        else:   # the template is a schema of its own; ``rulebook`` copies its rows into the test's store
            from models.store import pg

            template_url = pg.create_schema(TEST_PG, f"rb_{uuid.uuid4().hex[:12]}")
            (folder / "store_url").write_text(template_url)
            db = pg.connect(template_url)
            migrate(db)
        world = rulebook_world.build(db)
        if TEST_PG is None:
            db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        db.conn.close()
    finally:
        if old is None:
            os.environ.pop("TONGBANG_DATA_DIR", None)
        else:
            os.environ["TONGBANG_DATA_DIR"] = old
    yield folder, world
    if TEST_PG is not None:
        from models.store import pg

        pg.drop_schema(TEST_PG, pg.schema_of((folder / "store_url").read_text()))


@pytest.fixture
def rulebook(rulebook_template, data_dir):
    """A fresh copy of the rulebook world in this test's data folder: its World (ids, tokens by key)."""
    import shutil

    import rulebook_world

    folder, world = rulebook_template
    if TEST_PG is None:
        rulebook_world.copy_store(folder / "tongbang.db", data_dir / "tongbang.db")
    else:
        from models.store import pg

        pg.copy_rows((folder / "store_url").read_text(), os.environ["TONGBANG_DATABASE_URL"])
    shutil.copyfile(folder / "keys.json", data_dir / "keys.json")
    return world
