"""Reminders to people, through a pluggable notifier (Redash-style destinations behind one interface).

Every message goes into the ``outbox`` table first (so nothing is lost and staff see it on their page);
then each sender of the configured channels tries to deliver it. A sender is a class with a ``channel`` name
and a ``send(message, recipient)`` method that raises on failure (``models.senders``: an HTTP SMS gateway and
WeChat 订阅消息, built from configuration); ``TONGBANG_NOTIFY_CHANNELS=sms,wechat`` turns channels on, and
``register_sender`` adds one by hand (tests, a new gateway) — nothing else changes.

Two ways in: :func:`notify` queues and delivers at once (the scheduler's reminders to staff);
:func:`enqueue` only queues (messages to workers, written inside a domain action's transaction), and the
scheduler's tick delivers them (:func:`deliver_pending`). Every attempt through every channel is a row of
``outbox_deliveries``; a failed row is retried by the tick (:func:`retry_failed`) up to a number of attempts.

Messages carry a ``dedupe_key`` (e.g. ``followups:7:2026-03-01``): sending the same reminder twice is a
no-op, which keeps scheduled jobs idempotent.
"""
from __future__ import annotations

import logging
import os

import sqlite_utils

from models import senders
from models.senders import Message, Sender
from models.store.db import utcnow

log = logging.getLogger(__name__)


_SENDERS: dict[str, Sender] = {}


def register_sender(sender: Sender) -> None:
    """Add a delivery channel (e.g. an SMS gateway). Enabled by listing it in ``TONGBANG_NOTIFY_CHANNELS``."""
    _SENDERS[sender.channel] = sender


def sender_for(channel: str) -> Sender | None:
    """The sender of ``channel``: one registered by hand, else the one its configuration describes
    (``models.senders.from_config``), or None when the channel is not configured."""
    if channel in _SENDERS:
        return _SENDERS[channel]
    return senders.from_config(channel)


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


def enqueue(db: sqlite_utils.Database, message: Message, *, channel: str = "worker") -> int | None:
    """Queue ``message`` for delivery without sending it now (inside a caller's transaction); the scheduler's
    tick sends it (:func:`deliver_pending`). Returns the outbox id, or None for a repeated ``dedupe_key``."""
    now = utcnow()
    cur = db.execute(
        "INSERT INTO outbox (channel, user_id, subject, body, link, dedupe_key, status, created_at, updated_at)"
        " VALUES (?, ?, ?, ?, ?, ?, 'pending', ?, ?) ON CONFLICT(dedupe_key) DO NOTHING",
        (channel, message.user_id, message.subject, message.body, message.link, message.dedupe_key, now, now),
    )
    return cur.lastrowid if cur.rowcount else None


def deliver_pending(db: sqlite_utils.Database, limit: int = 200) -> int:
    """Send queued messages (:func:`enqueue`) never tried yet through the enabled channels; returns how many
    were tried (0 when no channel is enabled: they stay queued, and the worker reads them on 我的消息)."""
    if not enabled_channels():
        return 0
    rows = db.execute("SELECT id, user_id, subject, body, link, dedupe_key FROM outbox"
                      " WHERE channel = 'worker' AND status = 'pending' AND attempts = 0 ORDER BY id LIMIT ?",
                      (limit,)).fetchall()
    for outbox_id, user_id, subject, body, link, key in rows:
        deliver(db, outbox_id, Message(subject, body or "", user_id, link, key))
    return len(rows)


def recipient_for(db: sqlite_utils.Database, user_id: int | None) -> dict | None:
    """Who a message goes to: the account's id, username, name, phone (the account's, else its worker
    record's) and WeChat openid."""
    if not user_id:
        return None
    row = db.execute(
        "SELECT u.id, u.username, u.display_name, COALESCE(NULLIF(u.phone, ''), w.phone), u.wechat_openid"
        " FROM users u LEFT JOIN workers w ON w.id = u.worker_id WHERE u.id = ?", (user_id,)).fetchone()
    return dict(zip(("id", "username", "display_name", "phone", "wechat_openid"), row)) if row else None


def deliver(db: sqlite_utils.Database, outbox_id: int, message: Message) -> None:
    """Try every enabled sender; record success or the error on the outbox row (never raises)."""
    senders = [s for s in (sender_for(c) for c in enabled_channels()) if s is not None]
    if not senders:
        return  # outbox only: the row stays 'pending' until staff mark it done on their page
    # A retry sends again only through the channels that have not delivered this row yet.
    delivered = {c for (c,) in db.execute("SELECT channel FROM outbox_deliveries WHERE outbox_id = ? AND ok = 1",
                                          (outbox_id,)).fetchall()}
    senders = [s for s in senders if s.channel not in delivered]
    recipient = recipient_for(db, message.user_id)
    errors = []
    for sender in senders:
        try:
            detail = sender.send(message, recipient)
        except Exception as exc:  # noqa: BLE001 - a failed channel is recorded, never silently lost
            log.warning("notifier channel %s failed for outbox %s: %s", sender.channel, outbox_id, exc)
            errors.append(f"{sender.channel}: {exc}")
            _record(db, outbox_id, sender.channel, False, str(exc))
        else:
            _record(db, outbox_id, sender.channel, True, detail if isinstance(detail, str) else None)
    db.execute(
        "UPDATE outbox SET status = ?, attempts = attempts + 1, error = ?, sent_at = ?, updated_at = ? WHERE id = ?",
        ("failed" if errors else "sent", "; ".join(errors) or None, None if errors else utcnow(), utcnow(),
         outbox_id),
    )


def _record(db: sqlite_utils.Database, outbox_id: int, channel: str, ok: bool, detail: str | None) -> None:
    now = utcnow()
    db.execute("INSERT INTO outbox_deliveries (outbox_id, channel, ok, detail, created_at, updated_at)"
               " VALUES (?, ?, ?, ?, ?, ?)", (outbox_id, channel, int(ok), (detail or "")[:500] or None, now, now))


def deliveries(db: sqlite_utils.Database, outbox_id: int) -> list[dict]:
    """Every attempt to send one outbox row, oldest first: channel, ok, detail, created_at."""
    cur = db.execute("SELECT channel, ok, detail, created_at FROM outbox_deliveries WHERE outbox_id = ?"
                     " ORDER BY id", (outbox_id,))
    return [{"channel": c, "ok": bool(ok), "detail": d, "created_at": t} for c, ok, d, t in cur.fetchall()]


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
        " WHERE channel = 'outbox' AND (user_id = ? OR user_id IS NULL)" + ("" if include_done else " AND status != 'done'")
        + " ORDER BY id DESC LIMIT ?", (user_id, limit))
    cols = [c[0] for c in cur.description]
    return [dict(zip(cols, r)) for r in cur.fetchall()]


def mark_done(db: sqlite_utils.Database, outbox_id: int, user_id: int | None) -> bool:
    """Staff acknowledged a message; True when it was theirs (or for everyone) and is now done."""
    return bool(db.execute(
        "UPDATE outbox SET status = 'done', updated_at = ? WHERE id = ? AND channel = 'outbox'"
        " AND (user_id = ? OR user_id IS NULL)",
        (utcnow(), outbox_id, user_id)).rowcount)
