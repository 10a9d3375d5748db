"""The per-request store connection and the app's secret key.

``get_db()`` opens one ``sqlite_utils.Database`` per request (or CLI command) on first use and
closes it when the app context ends.
"""
from __future__ import annotations

import os
import secrets

import sqlite_utils
from flask import Flask, g

from models.store.config import data_dir
from models.store.db import connect


def get_db() -> sqlite_utils.Database:
    """The store for the current app context, opened and migrated on first use."""
    if "db" not in g:
        g.db = connect()
    return g.db


def close_db(_exc: BaseException | None = None) -> None:
    db = g.pop("db", None)
    if db is not None:
        db.conn.close()


def secret_key() -> str:
    """Flask's session key: generated once into the data folder (mode 0600) and reused."""
    path = data_dir() / "secret_key"
    if not path.exists():
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(secrets.token_hex(32))
    return path.read_text().strip()


def init_app(app: Flask) -> None:
    app.teardown_appcontext(close_db)
