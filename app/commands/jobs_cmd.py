"""`flask --app app jobs ...` (placeholder: to be implemented)."""
from __future__ import annotations

from flask.cli import AppGroup

cli = AppGroup("jobs", help="jobs commands")
