"""Cross-cutting web setup: blueprints, login manager, CSRF, security headers, error pages.

Placeholder until the web platform lands (issue 4).
"""
from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    @app.get("/healthz")
    def healthz() -> dict:
        return {"ok": True}

    _register_module_blueprints(app)


def _register_module_blueprints(app: Flask) -> None:
    """Blueprints of other modules (each exposes ``bp``), registered when the module exists.

    Added minimally by PLACEMENTS (app.followups, app.dashboard) and API (app.api) until WEB's
    registration lands.
    """
    import importlib
    import importlib.util

    for name in ("app.followups", "app.dashboard", "app.api"):
        if importlib.util.find_spec(name) is not None:
            module = importlib.import_module(name)
            if module.bp.name not in app.blueprints:
                app.register_blueprint(module.bp)
