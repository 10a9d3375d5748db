"""`flask --app app users ...` (placeholder: to be implemented)."""
from __future__ import annotations

from flask.cli import AppGroup

cli = AppGroup("users", help="users commands")
