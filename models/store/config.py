"""Where runtime state lives. Everything is configured by environment variables with safe defaults.

- ``TONGBANG_DATA_DIR``: folder for the SQLite database, index files, keys, import reports
  (default ``instance/`` at the repository root). Never ``data/``, which holds shipped reference data.
"""
from __future__ import annotations

import os
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
REFERENCE_DIR = REPO_ROOT / "data"


def data_dir() -> Path:
    """Return the runtime data folder, creating it when missing."""
    path = Path(os.environ.get("TONGBANG_DATA_DIR") or REPO_ROOT / "instance")
    path.mkdir(parents=True, exist_ok=True)
    return path


def db_path() -> Path:
    """Return the path of the SQLite database file inside the data folder."""
    return data_dir() / "tongbang.db"


def database_url() -> str:
    """``TONGBANG_DATABASE_URL``: unset or ``sqlite:///…`` is the embedded SQLite store (default the file in
    the data folder); ``postgresql://user@host:port/db`` is PostgreSQL (``../shared/SCHEMA.md``)."""
    return (os.environ.get("TONGBANG_DATABASE_URL") or "").strip() or f"sqlite:///{db_path()}"


def sqlite_path(url: str) -> Path:
    """The file of a ``sqlite:///…`` URL (``sqlite:////abs/path`` or ``sqlite:///relative/path``)."""
    if not url.startswith("sqlite:///"):
        raise ValueError(f"TONGBANG_DATABASE_URL 只能是 sqlite:///… 或 postgresql://…，而不是 {url!r}")
    return Path(url[len("sqlite:///"):])


def redis_url() -> str | None:
    """``TONGBANG_REDIS_URL``: shared rate limits, sessions and cache invalidation when set."""
    return (os.environ.get("TONGBANG_REDIS_URL") or "").strip() or None
