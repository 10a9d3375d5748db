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
