"""`flask --app app match ...` (placeholder: to be implemented)."""
from __future__ import annotations

from flask.cli import AppGroup

cli = AppGroup("match", help="match commands")
