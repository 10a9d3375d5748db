"""`flask --app app demo ...` (placeholder: to be implemented)."""
from __future__ import annotations

from flask.cli import AppGroup

cli = AppGroup("demo", help="demo commands")
