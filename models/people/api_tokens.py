"""Per-user API tokens: created once in plain text, stored only as a SHA-256 hash, revocable.

A token looks like ``tb_<43 url-safe characters>`` (256 random bits). The plain token is returned
exactly once by :func:`create_token`; the ``api_tokens`` table keeps its SHA-256 hex digest, a name,
``last_used_at`` and ``revoked_at``. :func:`authenticate_token` maps a presented token to its active
user, or ``None`` when the token is unknown, revoked, or its user is deactivated.
"""
from __future__ import annotations

import hashlib
import secrets
from datetime import UTC, datetime, timedelta

import sqlite_utils

from models.store.db import utcnow

TOKEN_PREFIX = "tb_"
#: ``last_used_at`` is written at most this often per token, so reads stay reads under load.
LAST_USED_RESOLUTION = timedelta(seconds=60)


def hash_token(token: str) -> str:
    """SHA-256 hex digest of a plain token (what the table stores)."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def create_token(db: sqlite_utils.Database, user_id: int, name: str | None = None) -> tuple[int, str]:
    """Create a token for ``user_id``; return ``(token_id, plain_token)``. The plain token is not stored.

    Raises ``LookupError`` when the user does not exist.
    """
    if db.execute("SELECT 1 FROM users WHERE id = ?", (user_id,)).fetchone() is None:
        raise LookupError(f"用户 {user_id} 不存在")
    plain = TOKEN_PREFIX + secrets.token_urlsafe(32)
    now = utcnow()
    cursor = db.execute(
        "INSERT INTO api_tokens (user_id, token_hash, name, created_at, updated_at) VALUES (?, ?, ?, ?, ?)",
        (user_id, hash_token(plain), (name or "").strip() or None, now, now),
    )
    return cursor.lastrowid, plain


def revoke_token(db: sqlite_utils.Database, token_id: int, *, user_id: int | None = None) -> bool:
    """Revoke a token (optionally only if it belongs to ``user_id``). Return False if none was revoked."""
    now = utcnow()
    sql = "UPDATE api_tokens SET revoked_at = ?, updated_at = ? WHERE id = ? AND revoked_at IS NULL"
    params: list = [now, now, token_id]
    if user_id is not None:
        sql += " AND user_id = ?"
        params.append(user_id)
    return db.execute(sql, params).rowcount > 0


def get_token(db: sqlite_utils.Database, token_id: int) -> dict | None:
    """One token's metadata (never its hash), or None."""
    row = db.execute(
        "SELECT t.id, t.user_id, u.username, t.name, t.created_at, t.last_used_at, t.revoked_at"
        " FROM api_tokens t JOIN users u ON u.id = t.user_id WHERE t.id = ?",
        (token_id,),
    ).fetchone()
    return _token_dict(row) if row else None


def list_tokens(db: sqlite_utils.Database, user_id: int | None = None) -> list[dict]:
    """Token metadata (never hashes), newest first; all users' tokens when ``user_id`` is None."""
    sql = (
        "SELECT t.id, t.user_id, u.username, t.name, t.created_at, t.last_used_at, t.revoked_at"
        " FROM api_tokens t JOIN users u ON u.id = t.user_id"
    )
    params: tuple = ()
    if user_id is not None:
        sql += " WHERE t.user_id = ?"
        params = (user_id,)
    return [_token_dict(row) for row in db.execute(sql + " ORDER BY t.id DESC", params).fetchall()]


def _token_dict(row: tuple) -> dict:
    keys = ("id", "user_id", "username", "name", "created_at", "last_used_at", "revoked_at")
    token = dict(zip(keys, row))
    token["active"] = token["revoked_at"] is None
    return token


def authenticate_token(db: sqlite_utils.Database, token: str | None) -> dict | None:
    """Return the active user owning ``token`` (a dict of the ``users`` row plus ``token_id``), or None.

    Unknown, revoked and malformed tokens, and tokens of deactivated users, all give None.
    Records ``last_used_at`` (at most once a minute per token).
    """
    if not token or not token.startswith(TOKEN_PREFIX) or len(token) > 200:
        return None
    cursor = db.execute(
        "SELECT u.*, t.id AS token_id, t.last_used_at AS token_last_used_at"
        " FROM api_tokens t JOIN users u ON u.id = t.user_id"
        " WHERE t.token_hash = ? AND t.revoked_at IS NULL AND u.active = 1",
        (hash_token(token),),
    )
    row = cursor.fetchone()
    if row is None:
        return None
    user = dict(zip([c[0] for c in cursor.description], row))
    user.pop("password_hash", None)
    _touch(db, user["token_id"], user.pop("token_last_used_at"))
    return user


def _touch(db: sqlite_utils.Database, token_id: int, last_used_at: str | None) -> None:
    now = datetime.now(UTC).replace(microsecond=0)
    if last_used_at:
        try:
            if now - datetime.fromisoformat(last_used_at) < LAST_USED_RESOLUTION:
                return
        except ValueError:
            pass
    db.execute("UPDATE api_tokens SET last_used_at = ? WHERE id = ?", (now.isoformat(), token_id))


def user_id_for_username(db: sqlite_utils.Database, username: str) -> int | None:
    """The id of the user called ``username``, or None."""
    row = db.execute("SELECT id FROM users WHERE username = ?", (username,)).fetchone()
    return row[0] if row else None
