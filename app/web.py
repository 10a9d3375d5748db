"""Cross-cutting web setup: blueprints, login manager, CSRF, security headers, error pages.

Placeholder until the web platform lands (issue 4).
"""
from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    @app.get("/healthz")
    def healthz() -> dict:
        return {"ok": True}
