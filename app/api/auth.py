"""Token authentication for the API: ``Authorization: Bearer <token>`` on every request.

The API never uses the browser session, so it needs no CSRF token and a page cannot be tricked into
calling it. ``g.api_user`` holds the authenticated user (a dict of the ``users`` row). Views state who
may call them with :func:`roles_required`; finer, per-record rules live in ``models.access``.

Rate limits (in memory, per process): failed authentications per client address
(``API_AUTH_FAILURES_PER_MINUTE``, default 30) and, when ``API_RATE_LIMIT_PER_MINUTE`` is set
(default 0 = off), requests per token. Both answer 429 with ``Retry-After``.
"""
from __future__ import annotations

import threading
import time
from collections import defaultdict, deque
from collections.abc import Callable
from functools import wraps

from flask import Blueprint, current_app, g, request

from app.api.errors import ApiError
from app.database import get_db
from models.people.api_tokens import authenticate_token
from models.store.config import redis_url

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


class SharedWindow:
    """``SlidingWindow``'s counts kept in Redis (``limits``' moving window, the library under Flask-Limiter), so
    every process and node of a deployment counts one address's failures and one token's requests together."""

    CAP = 10_000   # events remembered per key and window; far above any limit configured here

    def __init__(self, storage_uri: str, name: str, window: int = 60) -> None:
        from limits import RateLimitItemPerSecond
        from limits.storage import storage_from_string
        from limits.strategies import MovingWindowRateLimiter

        self._limiter = MovingWindowRateLimiter(storage_from_string(storage_uri))
        self._item = RateLimitItemPerSecond(self.CAP, window)
        self._name = name

    def count(self, key: str) -> int:
        return self.CAP - self._limiter.get_window_stats(self._item, self._name, key).remaining

    def hit(self, key: str) -> int:
        self._limiter.hit(self._item, self._name, key)
        return self.count(key)


def _limiters() -> tuple[SlidingWindow | SharedWindow, SlidingWindow | SharedWindow]:
    """(failed sign-ins per address, requests per token): in Redis when ``TONGBANG_REDIS_URL`` is set, else in
    this process's memory."""
    ext = current_app.extensions.get("tongbang_api_limits")
    if ext is None:
        url = redis_url()
        prefix = current_app.config.get("RATELIMIT_KEY_PREFIX") or "tongbang"
        ext = ((SharedWindow(url, f"{prefix}:api-auth-failures"), SharedWindow(url, f"{prefix}:api-token-requests"))
               if url else (SlidingWindow(), SlidingWindow()))
        current_app.extensions["tongbang_api_limits"] = ext
    return ext


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
    failures, per_token = _limiters()
    address = request.remote_addr or "?"
    max_failures = int(current_app.config.get("API_AUTH_FAILURES_PER_MINUTE", 30))
    if max_failures and failures.count(address) >= max_failures:
        raise _too_many()
    header_present = "Authorization" in request.headers
    token = bearer_token()
    user = authenticate_token(get_db(), token) if token else None
    if user is None:
        if header_present:
            failures.hit(address)
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
