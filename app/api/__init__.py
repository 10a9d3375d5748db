"""The JSON API, mounted at ``/api/v1``: one resource per module, token-authenticated, CSRF-exempt.

Resources: ``workers``, ``jobs``, ``matches`` (both directions), ``applications``, ``placements``,
``tokens`` (the caller and their tokens), ``openapi`` (the generated document). ``errors`` gives every
failure one JSON shape; ``auth`` resolves ``Authorization: Bearer <token>``; ``cli`` adds
``flask --app app api token create|revoke|list``.

The web platform registers :data:`bp`; nothing else is needed (the blueprint exempts itself from
Flask-WTF's CSRF check, whichever is set up first).
"""
from __future__ import annotations

from flask import Blueprint

bp = Blueprint("api", __name__, url_prefix="/api/v1", cli_group="api")


def _exempt_from_csrf(app) -> None:
    csrf = app.extensions.get("csrf")
    if csrf is not None and bp not in csrf._exempt_blueprints:
        csrf.exempt(bp)


@bp.record_once
def _on_register(state) -> None:
    """CSRF protection (if already set up) must skip the API: it authenticates by token, not cookie."""
    _exempt_from_csrf(state.app)


@bp.before_app_request
def _late_csrf_exemption() -> None:
    """If CSRFProtect was set up after this blueprint was registered, exempt the API now.

    This hook was registered before CSRFProtect's own, so it runs first on every request.
    """
    from flask import current_app

    _exempt_from_csrf(current_app)


from app.api import auth as _auth
from app.api import errors as _errors

_errors.register(bp)
_auth.register(bp)

from app.api import (  # noqa: F401
    applications,
    cli,
    jobs,
    matches,
    openapi,
    placements,
    tokens,
    workers,
)
