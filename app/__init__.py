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
from werkzeug.middleware.proxy_fix import ProxyFix

from app import database, import_jobs
from app.commands import register_commands
from models.intake.spreadsheets import LIMITS


def create_app(test_config: dict | None = None) -> Flask:
    """Build the application. ``test_config`` overrides settings (tests pass ``TESTING`` etc.)."""
    from app.api.common import SafeJSONProvider

    app = Flask(__name__)
    app.json = SafeJSONProvider(app)  # request bodies: bounded depth and numbers (a deep or huge body is a 400)
    app.config.from_mapping(
        SECRET_KEY=os.environ.get("TONGBANG_SECRET_KEY") or database.secret_key(),
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=os.environ.get("TONGBANG_SECURE_COOKIES", "0") == "1",
        REMEMBER_COOKIE_HTTPONLY=True,
        MAX_CONTENT_LENGTH=LIMITS.max_file_bytes + 1024 * 1024,  # the largest upload, plus its form
        JSON_AS_ASCII=False,
        START_SCHEDULER=os.environ.get("TONGBANG_SCHEDULER", "1") == "1",
        REDIS_URL=os.environ.get("TONGBANG_REDIS_URL") or None,
        PROXY_COUNT=_proxy_count(os.environ.get("TONGBANG_PROXY_COUNT")),
    )
    if test_config:
        app.config.update(test_config)
    if app.config["PROXY_COUNT"]:
        # Behind N proxies of our own: the client address is the one they put in X-Forwarded-For (and the
        # scheme in X-Forwarded-Proto). Without a configured proxy those headers are ignored.
        count = app.config["PROXY_COUNT"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count)
    app.json.ensure_ascii = False

    database.init_app(app)
    import_jobs.init_app(app)
    register_commands(app)
    _register_blueprints(app)
    from app import scheduler  # scheduled jobs; not started when START_SCHEDULER is False (tests)

    scheduler.init_app(app)
    return app


def _proxy_count(value: str | None) -> int:
    """``TONGBANG_PROXY_COUNT``: how many reverse proxies of ours stand before the app (0 = none, the default)."""
    try:
        count = int(value or 0)
    except ValueError:
        raise RuntimeError(f"TONGBANG_PROXY_COUNT 应为 0 或正整数，而不是 “{value}”。") from None
    if count < 0:
        raise RuntimeError(f"TONGBANG_PROXY_COUNT 应为 0 或正整数，而不是 “{value}”。")
    return count


def _register_blueprints(app: Flask) -> None:
    """One blueprint per audience. Each module exposes ``bp`` and optionally ``init_app(app)``."""
    from app import web

    web.init_app(app)
