"""Messages to a worker (我的消息): what happened to their applications and recommendations, postings that
closed, follow-up calls coming, batches scheduled.

Every message is a row of ``messages`` (the worker reads it on 我的消息 and through ``GET /api/v1/me/messages``)
and, when the worker has an account, a row of the notifier outbox addressed to that account, which the
configured senders (SMS gateway, WeChat 订阅消息: ``models.senders``) deliver outside the request — the outbox
is only written here, inside the caller's transaction, so a slow gateway never holds the store's write lock.

``post`` is called by the domain actions (recommend, status changes, closing a posting, …) and the scheduler;
who may *read* messages is ``models.actions.messages``.
"""
from __future__ import annotations

import sqlite_utils

from models.notifier import Message, enqueue
from models.store.db import select_page, transaction, utcnow
from models.vocabulary import MESSAGE_KINDS

#: Longest message text kept (an SMS is ~70 characters; the page shows the whole text).
MAX_TEXT = 500


def post(db: sqlite_utils.Database, worker_id: int, kind: str, text: str, link: str | None = None, *,
         dedupe_key: str | None = None) -> int | None:
    """Post a message to worker ``worker_id``; returns its id, or None when ``dedupe_key`` was posted before.

    ``kind`` is one of ``models.vocabulary.MESSAGE_KINDS``; ``link`` a path on this site (the job, the
    application list). Joins the caller's transaction."""
    if kind not in MESSAGE_KINDS:
        raise ValueError(f"unknown message kind: {kind}")
    text = (text or "").strip()[:MAX_TEXT]
    if not text:
        raise ValueError("a message needs a text")
    now = utcnow()
    with transaction(db):
        cur = db.execute(
            "INSERT INTO messages (worker_id, kind, text, link, dedupe_key, created_at, updated_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT(dedupe_key) DO NOTHING",
            (worker_id, kind, text, link, dedupe_key, now, now))
        if not cur.rowcount:
            return None
        message_id = cur.lastrowid
        account = db.execute("SELECT id FROM users WHERE worker_id = ? AND role = 'worker' AND active = 1",
                             (worker_id,)).fetchone()
        if account is not None:
            enqueue(db, Message(subject=MESSAGE_KINDS[kind], body=text, user_id=account[0], link=link,
                                dedupe_key=f"message:{message_id}"), channel="worker")
    return message_id


_COLUMNS = "id, worker_id, kind, text, link, read_at, created_at"


def list_messages(db: sqlite_utils.Database, worker_id: int, *, unread_only: bool = False,
                  limit: int | None = None, offset: int = 0) -> tuple[list[dict], int]:
    """The worker's messages, newest first: (rows of this page, total). Each row has ``read`` (bool)."""
    sql = f"SELECT {_COLUMNS} FROM messages WHERE worker_id = ?" + (" AND read_at IS NULL" if unread_only else "")
    rows, total = select_page(db, sql, [worker_id], order="id DESC", limit=limit, offset=offset)
    for row in rows:
        row["read"] = row["read_at"] is not None
        row["kind_label"] = MESSAGE_KINDS.get(row["kind"], row["kind"])
    return rows, total


def get_message(db: sqlite_utils.Database, message_id: int) -> dict | None:
    cur = db.execute(f"SELECT {_COLUMNS} FROM messages WHERE id = ?", (message_id,))
    row = cur.fetchone()
    if row is None:
        return None
    out = dict(zip([c[0] for c in cur.description], row))
    out["read"] = out["read_at"] is not None
    out["kind_label"] = MESSAGE_KINDS.get(out["kind"], out["kind"])
    return out


def unread_count(db: sqlite_utils.Database, worker_id: int) -> int:
    """How many of the worker's messages are unread (the number next to 我的消息 in the menu)."""
    return db.execute("SELECT COUNT(*) FROM messages WHERE worker_id = ? AND read_at IS NULL",
                      (worker_id,)).fetchone()[0]


def mark_read(db: sqlite_utils.Database, worker_id: int, message_ids: list[int] | None = None) -> int:
    """Mark the worker's messages ``message_ids`` (all of them when None) read; returns how many changed."""
    now = utcnow()
    sql = "UPDATE messages SET read_at = ?, updated_at = ? WHERE worker_id = ? AND read_at IS NULL"
    params: list = [now, now, worker_id]
    if message_ids is not None:
        if not message_ids:
            return 0
        sql += f" AND id IN ({', '.join('?' for _ in message_ids)})"
        params += list(message_ids)
    return db.execute(sql, params).rowcount


# --- what the domain actions say ---------------------------------------------------------------------------
#: What the worker reads when an application they made (or accepted) moves, per new status.
STATUS_TEXTS = {
    "已联系": "“{title}”（{employer}）已经看到您的投递，会和您联系，请保持手机畅通。",
    "面试": "“{title}”（{employer}）约您面试。不清楚时间地点的，请联系单位或工作人员。",
    "录用": "恭喜！“{title}”（{employer}）录用了您。出发前有问题请联系工作人员。",
    "不合适": "“{title}”（{employer}）认为您暂时不合适。别灰心，看看给您推荐的其他岗位。",
    "待处理": "“{title}”（{employer}）的投递已恢复为等待单位查看。",
}
#: Applications still open: the worker hears when their posting closes.
_OPEN_STATUSES = ("推荐待确认", "待处理", "已联系", "面试")


def _application(db: sqlite_utils.Database, application_id: int) -> dict | None:
    from models.hiring.applications import get_application

    return get_application(db, application_id)


def tell_recommended(db: sqlite_utils.Database, application_id: int) -> int | None:
    """Staff recommended a posting: the worker is asked to accept or decline it (links to 我的投递)."""
    a = _application(db, application_id)
    if a is None:
        return None
    who = f"工作人员{a['recommended_by_name']}" if a.get("recommended_by_name") else "工作人员"
    note = f"推荐理由：{a['note']}。" if a.get("note") else ""
    return post(db, a["worker_id"], "recommend",
                f"{who}给您推荐了“{a['job_title']}”（{a['employer_name']}，{a['city'] or '山东'}）。{note}"
                "愿意去请点“接受推荐”，不想去点“不接受”。",
                f"/me/applications#application-{application_id}", dedupe_key=f"recommend:{application_id}")


def tell_status(db: sqlite_utils.Database, application_id: int) -> int | None:
    """An application moved along the pipeline: the worker reads what it means (nothing for states the worker
    made themself: 撤回, 已谢绝)."""
    a = _application(db, application_id)
    if a is None or a["status"] not in STATUS_TEXTS:
        return None
    return post(db, a["worker_id"], "status",
                STATUS_TEXTS[a["status"]].format(title=a["job_title"], employer=a["employer_name"]),
                f"/me/applications#application-{application_id}")


def tell_posting_closed(db: sqlite_utils.Database, job_id: int) -> int:
    """A posting stopped recruiting: every worker whose application or recommendation to it was still open
    hears it. Returns how many were told."""
    from models.hiring.applications import list_where

    marks = ", ".join("?" for _ in _OPEN_STATUSES)
    rows, _ = list_where(db, f"a.job_id = ? AND a.status IN ({marks})", [job_id, *_OPEN_STATUSES])
    told = 0
    for a in rows:
        if post(db, a["worker_id"], "closed",
                f"您{'被推荐' if a['status'] == '推荐待确认' else '投递'}的“{a['job_title']}”（{a['employer_name']}）"
                "已经停止招聘。看看给您推荐的其他岗位吧。", "/me/matches"):
            told += 1
    return told
