"""Shared fixtures: a fresh data folder per test, the app, its test client and CLI runner.

Every test gets its own ``TONGBANG_DATA_DIR`` (a temp folder with a real SQLite file).
"""
from __future__ import annotations

import os

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TONGBANG_SCHEDULER", "0")


@pytest.fixture
def data_dir(tmp_path, monkeypatch):
    """A fresh, empty TONGBANG_DATA_DIR for this test."""
    folder = tmp_path / "instance"
    folder.mkdir()
    monkeypatch.setenv("TONGBANG_DATA_DIR", str(folder))
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

    from models.store.db import connect

    folder = tmp_path_factory.mktemp("rulebook-template")
    old = os.environ.get("TONGBANG_DATA_DIR")
    os.environ["TONGBANG_DATA_DIR"] = str(folder)
    try:
        db = connect(folder / "tongbang.db")
        world = rulebook_world.build(db)
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        db.conn.close()
    finally:
        if old is None:
            os.environ.pop("TONGBANG_DATA_DIR", None)
        else:
            os.environ["TONGBANG_DATA_DIR"] = old
    return folder, world


@pytest.fixture
def rulebook(rulebook_template, data_dir):
    """A fresh copy of the rulebook world in this test's data folder: its World (ids, tokens by key)."""
    import shutil

    import rulebook_world

    folder, world = rulebook_template
    rulebook_world.copy_store(folder / "tongbang.db", data_dir / "tongbang.db")
    shutil.copyfile(folder / "keys.json", data_dir / "keys.json")
    return world
