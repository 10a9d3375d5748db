"""Tongbang's Flask application: the factory, one blueprint per audience, and the CLI.

``flask --app app ...`` finds ``create_app`` here. Views stay thin: they call ``models`` (records,
rules, queries) and ``matching`` (ranking), and render templates.
"""
from __future__ import annotations

import os

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

from flask import Flask

from app import database, import_jobs
from app.commands import register_commands
from models.intake.spreadsheets import LIMITS


def create_app(test_config: dict | None = None) -> Flask:
    """Build the application. ``test_config`` overrides settings (tests pass ``TESTING`` etc.)."""
    app = Flask(__name__)
    app.config.from_mapping(
        SECRET_KEY=os.environ.get("TONGBANG_SECRET_KEY") or database.secret_key(),
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=os.environ.get("TONGBANG_SECURE_COOKIES", "0") == "1",
        REMEMBER_COOKIE_HTTPONLY=True,
        MAX_CONTENT_LENGTH=LIMITS.max_file_bytes + 1024 * 1024,  # the largest upload, plus its form
        JSON_AS_ASCII=False,
        START_SCHEDULER=os.environ.get("TONGBANG_SCHEDULER", "1") == "1",
    )
    if test_config:
        app.config.update(test_config)
    app.json.ensure_ascii = False

    database.init_app(app)
    import_jobs.init_app(app)
    register_commands(app)
    _register_blueprints(app)
    from app import scheduler  # scheduled jobs; not started when START_SCHEDULER is False (tests)

    scheduler.init_app(app)
    return app


def _register_blueprints(app: Flask) -> None:
    """One blueprint per audience. Each module exposes ``bp`` and optionally ``init_app(app)``."""
    from app import web

    web.init_app(app)
