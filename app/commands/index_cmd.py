"""`flask --app app index ...` (placeholder: to be implemented)."""
from __future__ import annotations

from flask.cli import AppGroup

cli = AppGroup("index", help="index commands")
