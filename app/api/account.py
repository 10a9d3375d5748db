"""``/api/v1/me/password`` and ``/api/v1/me/sessions``: the caller's own password and browser sessions.

The same actions as the pages (``models.actions.accounts``): a new password follows the policy (stronger for
staff and admins) and ends every browser session of the account; ``DELETE /me/sessions`` signs the account out
of every browser (a lost phone). API tokens are not sessions: revoke them with ``DELETE /tokens/<id>``.
"""
from __future__ import annotations

from flask import Response
from marshmallow import Schema, fields, validate

from app.api import bp
from app.api.auth import current_user
from app.api.common import load_body
from app.api.openapi import doc
from app.database import get_db
from models.actions import accounts


class PasswordInSchema(Schema):
    current_password = fields.String(required=True, validate=validate.Length(max=200))
    new_password = fields.String(required=True, validate=validate.Length(max=200))


@bp.post("/me/password")
@doc("修改自己的密码（所有浏览器登录随之失效）", tags=("tokens",), body=PasswordInSchema, status=204,
     errors=(422,))
def me_password() -> Response:
    """Change the caller's password; every browser session of the account ends (API tokens stay)."""
    args = load_body(PasswordInSchema())
    accounts.change_password(get_db(), current_user(), args["current_password"], args["new_password"])
    return Response(status=204)


@bp.delete("/me/sessions")
@doc("退出所有浏览器登录", tags=("tokens",), status=204)
def me_sessions_end() -> Response:
    """End every browser session of the caller's account (API tokens stay until revoked)."""
    accounts.end_sessions(get_db(), current_user())
    return Response(status=204)
