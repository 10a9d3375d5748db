"""The CLI: ``flask --app app import|match|index|users|jobs|demo|db ...``.

Each command group lives in its own module and exposes ``cli`` (a click group or command).
The contract commands (``import``, ``match``) are fixed by ../shared/SCHEMA.md.
"""
from __future__ import annotations

from flask import Flask

from app.commands import db_cmd, demo_cmd, import_cmd, index_cmd, jobs_cmd, match_cmd, users_cmd


def register_commands(app: Flask) -> None:
    for module in (import_cmd, match_cmd, index_cmd, users_cmd, jobs_cmd, demo_cmd, db_cmd):
        app.cli.add_command(module.cli)
