"""The JSON API, mounted at ``/api/v1``: one resource per module, token-authenticated, CSRF-exempt.

Resources: ``workers``, ``jobs``, ``matches`` (both directions), ``applications``, ``placements``,
``reports`` (workbooks), ``imports`` (ledgers), ``comparisons`` (数据比对), ``tokens`` (the caller and their
tokens), ``openapi`` (the generated document). ``errors`` gives every failure one JSON shape; ``auth`` resolves ``Authorization: Bearer <token>``; ``cli`` adds
``flask --app app api token create|revoke|list``.

The web platform registers :data:`bp` (and exempts it from the CSRF check: it takes no cookies).
"""
from __future__ import annotations

from flask import Blueprint

bp = Blueprint("api", __name__, url_prefix="/api/v1", cli_group="api")


from app.api import auth as _auth
from app.api import errors as _errors

_errors.register(bp)
_auth.register(bp)

from app.api import (  # noqa: F401
    applications,
    batches,
    certificates,
    cli,
    comparisons,
    exchange,
    imports,
    jobs,
    matches,
    openapi,
    placements,
    reports,
    subsidies,
    tokens,
    workers,
)
