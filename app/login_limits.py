"""Login limits that every process shares: failed sign-ins counted per account and per address.

Where the counts live (DESIGN: what several processes must share goes to the database or to Redis):

- ``TONGBANG_REDIS_URL`` set: Redis, one sorted set per counter (member = the attempt, score = its time),
  trimmed to the window and expiring with it — shared by every process on every node.
- otherwise the store's ``rate_limits`` table (one row per counted attempt) — shared by every process on
  this machine (gunicorn's workers all open the same SQLite file).

What is counted (sliding windows of :data:`WINDOW` seconds, the numbers in ``app.config``):

- ``LOGIN_FAILURES_PER_ACCOUNT`` (10): failed sign-ins to one account *from one address*. The 11th attempt from
  that address is refused (429) even with the right password; the owner signing in from another address is
  not, so an attacker cannot lock a person out of their account.
- ``LOGIN_FAILURES_PER_ADDRESS`` (30): failed sign-ins from one address to any accounts (password spraying).
- ``REGISTRATIONS_PER_HOUR`` (10): registration forms submitted from one address (valid or not).
- ``API_AUTH_FAILURES_PER_MINUTE`` (30, per 60 s): bad API tokens from one address.

A success clears the account-at-address counter. The address is ``request.remote_addr``: the peer, or — only
when ``TONGBANG_PROXY_COUNT`` says how many proxies stand in front (``app.create_app`` installs Werkzeug's
ProxyFix) — the client address those proxies put in ``X-Forwarded-For``. Without a configured proxy the
header is ignored, so a client cannot pick its own address.
"""
from __future__ import annotations

import random
import time
import uuid

from flask import current_app, request

from app.database import get_db
from models.store.db import transaction

#: The window of the login counters, in seconds (15 minutes).
WINDOW = 15 * 60


class SqlCounters:
    """Attempts as rows of the store's ``rate_limits`` table (every process on one machine sees them)."""

    def count(self, key: str, window: float) -> int:
        return get_db().execute("SELECT COUNT(*) FROM rate_limits WHERE key = ? AND at > ?",
                                (key, time.time() - window)).fetchone()[0]

    def hit(self, key: str, window: float) -> None:
        db = get_db()
        now = time.time()
        with transaction(db):
            db.execute("INSERT INTO rate_limits (key, at) VALUES (?, ?)", (key, now))
            db.execute("DELETE FROM rate_limits WHERE key = ? AND at <= ?", (key, now - window))
            if random.random() < 0.01:  # now and then, forget every counter older than a day
                db.execute("DELETE FROM rate_limits WHERE at <= ?", (now - 86400,))

    def clear(self, key: str) -> None:
        db = get_db()
        with transaction(db):
            db.execute("DELETE FROM rate_limits WHERE key = ?", (key,))


class RedisCounters:
    """Attempts in Redis sorted sets (every process on every node sees them)."""

    def __init__(self, url: str) -> None:
        import redis

        self.redis = redis.Redis.from_url(url, socket_timeout=2)

    def count(self, key: str, window: float) -> int:
        key = "tongbang:" + key
        pipe = self.redis.pipeline()
        pipe.zremrangebyscore(key, 0, time.time() - window)
        pipe.zcard(key)
        return int(pipe.execute()[1])

    def hit(self, key: str, window: float) -> None:
        key = "tongbang:" + key
        now = time.time()
        pipe = self.redis.pipeline()
        pipe.zadd(key, {uuid.uuid4().hex: now})
        pipe.zremrangebyscore(key, 0, now - window)
        pipe.expire(key, int(window) + 1)
        pipe.execute()

    def clear(self, key: str) -> None:
        self.redis.delete("tongbang:" + key)


def counters() -> SqlCounters | RedisCounters:
    """The counters of this app: Redis when ``REDIS_URL`` (``TONGBANG_REDIS_URL``) is set, else the store."""
    ext = current_app.extensions.get("tongbang_counters")
    if ext is None:
        url = current_app.config.get("REDIS_URL")
        ext = RedisCounters(url) if url else SqlCounters()
        current_app.extensions["tongbang_counters"] = ext
    return ext


def address() -> str:
    return request.remote_addr or "?"


def _keys(username: str) -> tuple[str, str]:
    addr = address()
    return f"login-acct:{(username or '').strip().lower()}|{addr}", f"login-addr:{addr}"


def login_blocked(username: str) -> bool:
    """Whether this address may not try to sign in to ``username`` now (too many failures)."""
    if not current_app.config.get("RATELIMIT_ENABLED", True):
        return False
    account_key, address_key = _keys(username)
    store = counters()
    return (store.count(account_key, WINDOW) >= int(current_app.config["LOGIN_FAILURES_PER_ACCOUNT"])
            or store.count(address_key, WINDOW) >= int(current_app.config["LOGIN_FAILURES_PER_ADDRESS"]))


def login_failed(username: str) -> None:
    if not current_app.config.get("RATELIMIT_ENABLED", True):
        return
    store = counters()
    for key in _keys(username):
        store.hit(key, WINDOW)


def login_succeeded(username: str) -> None:
    if not current_app.config.get("RATELIMIT_ENABLED", True):
        return
    counters().clear(_keys(username)[0])


def registration_blocked() -> bool:
    """Whether this address has submitted ``REGISTRATIONS_PER_HOUR`` registrations in the last hour."""
    if not current_app.config.get("RATELIMIT_ENABLED", True):
        return False
    return counters().count(f"register-addr:{address()}", 3600) >= int(current_app.config["REGISTRATIONS_PER_HOUR"])


def registration_tried() -> None:
    if current_app.config.get("RATELIMIT_ENABLED", True):
        counters().hit(f"register-addr:{address()}", 3600)


def api_auth_blocked() -> bool:
    limit = int(current_app.config.get("API_AUTH_FAILURES_PER_MINUTE", 30))
    return bool(limit) and counters().count(f"api-auth:{address()}", 60) >= limit


def api_auth_failed() -> None:
    if int(current_app.config.get("API_AUTH_FAILURES_PER_MINUTE", 30)):
        counters().hit(f"api-auth:{address()}", 60)


def init_app(app) -> None:
    app.config.setdefault("LOGIN_FAILURES_PER_ACCOUNT", 10)
    app.config.setdefault("LOGIN_FAILURES_PER_ADDRESS", 30)
    app.config.setdefault("REGISTRATIONS_PER_HOUR", 10)
