"""Actions on messages (我的消息): the signed-in user reads their messages and marks them read.

The rules, each in one place:

- **Read**: a worker reads their own messages (``models.people.messages``), newest first; staff and admins
  read the reminders the notifier addressed to them (今日回访, reset requests); an employer has none yet (an
  empty list, not a refusal). Anonymous users are refused.
- **Mark read**: a worker marks their own messages read (one, or all of them); a message of someone else is
  ``not_found``, exactly like one that does not exist. Staff acknowledge their reminders on 今日回访.

Posting messages is not an action of its own: the actions that cause them (recommend, status changes, closing
a posting, the scheduler's follow-up reminders) call ``models.people.messages.post`` in their transaction.
"""
from __future__ import annotations

from typing import Any

from models import access
from models.errors import forbidden, not_found
from models.notifier import inbox
from models.people import messages as store
from models.store.db import audit, transaction


def _signed_in(actor: Any) -> None:
    if access.role(actor) is None:
        raise forbidden("请先登录。")


def list_for(db, actor: Any, *, unread_only: bool = False, limit: int | None = None,
             offset: int = 0) -> tuple[list[dict], int]:
    """The actor's messages, newest first: (rows of this page, total). Each row: id, kind, kind_label, text,
    link, read, created_at."""
    _signed_in(actor)
    worker_id = access.own_worker_id(actor)
    if worker_id is not None:
        return store.list_messages(db, worker_id, unread_only=unread_only, limit=limit, offset=offset)
    if access.is_staff(actor) and access.user_id(actor) is not None:
        rows = [{"id": r["id"], "kind": "reminder", "kind_label": r["subject"], "text": r["body"] or r["subject"],
                 "link": r["link"], "read": r["status"] == "done", "read_at": None, "created_at": r["created_at"]}
                for r in inbox(db, access.user_id(actor), include_done=not unread_only, limit=500)]
        page = rows[offset:offset + limit] if limit is not None else rows[offset:]
        return page, len(rows)
    return [], 0


def unread_count(db, actor: Any) -> int:
    """How many unread messages the actor has (the number next to 我的消息; 0 for roles without messages)."""
    worker_id = access.own_worker_id(actor)
    return store.unread_count(db, worker_id) if worker_id is not None else 0


def mark_read(db, actor: Any, message_id: int | None = None) -> int:
    """The worker marks one of their messages read (``message_id``), or all of them (None); returns how many
    changed (0 when already read)."""
    _signed_in(actor)
    worker_id = access.own_worker_id(actor)
    if worker_id is None:
        raise forbidden("只有求职者有“我的消息”；工作人员的提醒在“今日回访”里处理。")
    with transaction(db):
        if message_id is not None:
            row = store.get_message(db, message_id)
            if row is None or row["worker_id"] != worker_id:
                raise not_found("找不到这条消息。", "message_id")
        changed = store.mark_read(db, worker_id, None if message_id is None else [message_id])
        if changed:
            audit(db, "message.read", user_id=access.user_id(actor), entity="message", entity_id=message_id,
                  detail={"count": changed})
    return changed
