"""``/api/v1/me`` and ``/api/v1/tokens``: who the caller is, and their own API tokens.

A caller lists and revokes only their own tokens (an admin may revoke anyone's). Tokens are created
with ``flask --app app api token create USERNAME``, or here by an authenticated caller for
themself (the plain token is in the 201 response, once).
"""
from __future__ import annotations

from marshmallow import Schema, fields, validate

from app.api import bp
from app.api.auth import current_user
from app.api.common import data_response, list_response, load_body
from app.api.errors import ApiError
from app.api.openapi import doc
from app.api.schemas import MeSchema, TokenSchema
from app.database import get_db
from models.people.api_tokens import create_token, get_token, list_tokens, revoke_token


class TokenInSchema(Schema):
    name = fields.String(allow_none=True, validate=validate.Length(max=60))


class NewTokenSchema(TokenSchema):
    token = fields.String(required=True, metadata={"description": "明文令牌，只在创建时返回一次"})


@bp.get("/me")
@doc("当前令牌对应的用户", tags=("tokens",), response=MeSchema)
def me():
    """The authenticated user: role, and the worker or employer the account belongs to."""
    user = current_user()
    db = get_db()
    info = dict(user)
    if user.get("worker_id"):
        row = db.execute("SELECT external_id FROM workers WHERE id = ?", (user["worker_id"],)).fetchone()
        info["worker_external_id"] = row[0] if row else None
    if user.get("employer_id"):
        row = db.execute("SELECT name FROM employers WHERE id = ?", (user["employer_id"],)).fetchone()
        info["employer_name"] = row[0] if row else None
    return data_response(info, MeSchema())


@bp.get("/tokens")
@doc("我的 API 令牌", tags=("tokens",), response=TokenSchema, paged=True)
def tokens_list():
    """The caller's own tokens (never the token values)."""
    tokens = list_tokens(get_db(), current_user()["id"])
    return list_response(tokens, TokenSchema(), page=1, per_page=max(len(tokens), 1), total=len(tokens))


@bp.post("/tokens")
@doc("为自己创建新令牌", tags=("tokens",), body=TokenInSchema, response=NewTokenSchema, status=201)
def tokens_create():
    """Create another token for the caller; the plain token is returned once."""
    args = load_body(TokenInSchema())
    db = get_db()
    token_id, plain = create_token(db, current_user()["id"], args.get("name"))
    token = get_token(db, token_id) | {"token": plain}
    return data_response(token, NewTokenSchema(), status=201)


@bp.delete("/tokens/<int:token_id>")
@doc("撤销令牌", tags=("tokens",), response=TokenSchema, errors=(404,))
def tokens_revoke(token_id: int):
    """Revoke one of the caller's tokens (admin: anyone's). Other users' tokens are 404."""
    user = current_user()
    db = get_db()
    token = get_token(db, token_id)
    if token is None or (token["user_id"] != user["id"] and user["role"] != "admin"):
        raise ApiError(404, "找不到该令牌。")
    if token["active"]:
        revoke_token(db, token_id)
    return data_response(get_token(db, token_id), TokenSchema())
