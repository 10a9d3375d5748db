"""`flask --app app import ...` (placeholder: to be implemented)."""
from __future__ import annotations

from flask.cli import AppGroup

cli = AppGroup("import", help="import commands")
