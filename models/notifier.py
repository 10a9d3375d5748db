"""Reminders to people, through a pluggable notifier (Redash-style destinations behind one interface).

Every message goes into the ``outbox`` table first (so nothing is lost and staff see it on their page);
then each registered sender for the configured channels tries to deliver it. Today the only channel is
``outbox`` itself (shown on the staff follow-up page); an SMS or WeChat sender is a class with a ``send``
method registered with ``register_sender`` — nothing else changes.

Messages carry a ``dedupe_key`` (e.g. ``followups:7:2026-03-01``): sending the same reminder twice is a
no-op, which keeps scheduled jobs idempotent.
"""
from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from typing import Protocol

import sqlite_utils

from models.store.db import utcnow

log = logging.getLogger(__name__)


@dataclass
class Message:
    subject: str
    body: str = ""
    user_id: int | None = None
    link: str | None = None
    dedupe_key: str | None = None


class Sender(Protocol):
    """A delivery channel. ``send`` raises on failure; the outbox row then records the error."""

    channel: str

    def send(self, message: Message, recipient: dict | None) -> None: ...


_SENDERS: dict[str, Sender] = {}


def register_sender(sender: Sender) -> None:
    """Add a delivery channel (e.g. an SMS gateway). Enabled by listing it in ``TONGBANG_NOTIFY_CHANNELS``."""
    _SENDERS[sender.channel] = sender


def enabled_channels() -> list[str]:
    """Channels to deliver through besides the outbox (``TONGBANG_NOTIFY_CHANNELS=sms,wechat``)."""
    raw = os.environ.get("TONGBANG_NOTIFY_CHANNELS", "")
    return [c.strip() for c in raw.split(",") if c.strip() and c.strip() != "outbox"]


def notify(db: sqlite_utils.Database, message: Message) -> int | None:
    """Queue ``message`` in the outbox and deliver it through the enabled senders.

    Returns the outbox id, or ``None`` when a message with the same ``dedupe_key`` already exists.
    """
    now = utcnow()
    cur = db.execute(
        "INSERT INTO outbox (channel, user_id, subject, body, link, dedupe_key, status, created_at, updated_at)"
        " VALUES ('outbox', ?, ?, ?, ?, ?, 'pending', ?, ?) ON CONFLICT(dedupe_key) DO NOTHING",
        (message.user_id, message.subject, message.body, message.link, message.dedupe_key, now, now),
    )
    if not cur.rowcount:
        return None
    outbox_id = cur.lastrowid
    deliver(db, outbox_id, message)
    return outbox_id


def deliver(db: sqlite_utils.Database, outbox_id: int, message: Message) -> None:
    """Try every enabled sender; record success or the error on the outbox row (never raises)."""
    channels = [c for c in enabled_channels() if c in _SENDERS]
    if not channels:
        return  # outbox only: the row stays 'pending' until staff mark it done on their page
    recipient = None
    if message.user_id:
        row = db.execute("SELECT id, username, display_name, phone FROM users WHERE id = ?",
                         (message.user_id,)).fetchone()
        recipient = dict(zip(("id", "username", "display_name", "phone"), row)) if row else None
    errors = []
    for channel in channels:
        try:
            _SENDERS[channel].send(message, recipient)
        except Exception as exc:  # noqa: BLE001 - a failed channel is recorded, never silently lost
            log.warning("notifier channel %s failed for outbox %s: %s", channel, outbox_id, exc)
            errors.append(f"{channel}: {exc}")
    db.execute(
        "UPDATE outbox SET status = ?, attempts = attempts + 1, error = ?, sent_at = ?, updated_at = ? WHERE id = ?",
        ("failed" if errors else "sent", "; ".join(errors) or None, None if errors else utcnow(), utcnow(),
         outbox_id),
    )


def retry_failed(db: sqlite_utils.Database, max_attempts: int = 5) -> int:
    """Re-deliver outbox rows whose delivery failed (fewer than ``max_attempts`` tries); return how many."""
    rows = db.execute("SELECT id, user_id, subject, body, link, dedupe_key FROM outbox"
                      " WHERE status = 'failed' AND attempts < ?", (max_attempts,)).fetchall()
    for outbox_id, user_id, subject, body, link, key in rows:
        deliver(db, outbox_id, Message(subject, body or "", user_id, link, key))
    return len(rows)


def inbox(db: sqlite_utils.Database, user_id: int | None, *, include_done: bool = False,
          limit: int = 20) -> list[dict]:
    """Outbox messages for a staff member (and those addressed to all staff), newest first."""
    cur = db.execute(
        "SELECT id, subject, body, link, status, created_at FROM outbox"
        " WHERE (user_id = ? OR user_id IS NULL)" + ("" if include_done else " AND status != 'done'")
        + " ORDER BY id DESC LIMIT ?", (user_id, limit))
    cols = [c[0] for c in cur.description]
    return [dict(zip(cols, r)) for r in cur.fetchall()]


def mark_done(db: sqlite_utils.Database, outbox_id: int, user_id: int | None) -> bool:
    """Staff acknowledged a message; True when it was theirs (or for everyone) and is now done."""
    return bool(db.execute(
        "UPDATE outbox SET status = 'done', updated_at = ? WHERE id = ? AND (user_id = ? OR user_id IS NULL)",
        (utcnow(), outbox_id, user_id)).rowcount)
