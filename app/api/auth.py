"""Token authentication for the API: ``Authorization: Bearer <token>`` on every request.

The API never uses the browser session, so it needs no CSRF token and a page cannot be tricked into
calling it. ``g.api_user`` holds the authenticated user (a dict of the ``users`` row). Views state who
may call them with :func:`roles_required`; finer, per-record rules live in ``models.access``.

Rate limits: failed authentications per client address (``API_AUTH_FAILURES_PER_MINUTE``, default 30),
counted where every process sees them (``app.login_limits``: the store, or Redis when configured); and, when
``API_RATE_LIMIT_PER_MINUTE`` is set (default 0 = off), requests per token, in memory per process. Both
answer 429 with ``Retry-After``.
"""
from __future__ import annotations

import threading
import time
from collections import defaultdict, deque
from collections.abc import Callable
from functools import wraps

from flask import Blueprint, current_app, g, request

from app import login_limits
from app.api.errors import ApiError
from app.database import get_db
from models.people.api_tokens import authenticate_token

#: Endpoints that answer without a token (the API's own documentation).
PUBLIC_ENDPOINTS = {"api.openapi_json"}
ROLES = ("worker", "employer", "staff", "admin")


class SlidingWindow:
    """Counts events per key over the last ``window`` seconds (thread-safe, in memory)."""

    def __init__(self, window: float = 60.0) -> None:
        self.window = window
        self._events: dict[str, deque] = defaultdict(deque)
        self._lock = threading.Lock()

    def count(self, key: str, now: float | None = None) -> int:
        now = time.monotonic() if now is None else now
        with self._lock:
            events = self._events[key]
            while events and events[0] <= now - self.window:
                events.popleft()
            return len(events)

    def hit(self, key: str, now: float | None = None) -> int:
        now = time.monotonic() if now is None else now
        with self._lock:
            events = self._events[key]
            while events and events[0] <= now - self.window:
                events.popleft()
            events.append(now)
            return len(events)

    def clear(self) -> None:
        with self._lock:
            self._events.clear()


def _per_token() -> SlidingWindow:
    return current_app.extensions.setdefault("tongbang_api_limits", SlidingWindow())


def _too_many() -> ApiError:
    return ApiError(429, headers={"Retry-After": "60"})


def bearer_token() -> str | None:
    """The token from ``Authorization: Bearer <token>``, or None when absent or malformed."""
    header = request.headers.get("Authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() != "bearer" or not value.strip():
        return None
    return value.strip()


def authenticate() -> None:
    """Before every API request: resolve the token to ``g.api_user`` or answer 401/429."""
    g.api_user = None
    if request.endpoint in PUBLIC_ENDPOINTS or request.routing_exception is not None:
        return
    per_token = _per_token()
    if login_limits.api_auth_blocked():
        raise _too_many()
    header_present = "Authorization" in request.headers
    token = bearer_token()
    user = authenticate_token(get_db(), token) if token else None
    if user is None:
        if header_present:
            login_limits.api_auth_failed()
            raise ApiError(401, "API 令牌无效或已被撤销。", code="invalid_token",
                           headers={"WWW-Authenticate": 'Bearer error="invalid_token"'})
        raise ApiError(401, headers={"WWW-Authenticate": "Bearer"})
    limit = int(current_app.config.get("API_RATE_LIMIT_PER_MINUTE", 0))
    if limit and per_token.hit(f"token:{user['token_id']}") > limit:
        raise _too_many()
    g.api_user = user


def current_user() -> dict:
    """The authenticated API user (only call inside a token-protected view)."""
    user = g.get("api_user")
    if user is None:
        raise ApiError(401)
    return user


def roles_required(*roles: str) -> Callable:
    """Decorator: only users whose role is in ``roles`` may call the view (others get 403)."""
    unknown = set(roles) - set(ROLES)
    if unknown:
        raise ValueError(f"unknown roles: {unknown}")

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapper(*args, **kwargs):
            if current_user()["role"] not in roles:
                raise ApiError(403)
            return view(*args, **kwargs)

        wrapper.api_roles = roles  # type: ignore[attr-defined]
        return wrapper

    return decorator


def register(bp: Blueprint) -> None:
    """Install token authentication on the API blueprint."""
    bp.before_request(authenticate)
