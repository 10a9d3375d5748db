"""忘记密码: a reset request that goes to the worker's responsible staff member, who resets the password after
checking the person's identity. (Changing one's own password is ``models.actions.accounts.change_password``.)

The rules, each in one place:

- **Request a reset** (忘记密码, no sign-in): by username or phone. The answer never says whether the account
  exists (the page says the same either way), so accounts cannot be probed. A worker's request goes to their
  responsible staff member (``models.people.contacts``) as a reminder in the notifier outbox; one pending
  request per account (asking again does not pile up requests). Other roles' requests (and a worker's whose county has nobody) are
  addressed to no one in particular: every staff member's reminders show them, admins handle them.
- **Reset** (staff): staff covering the worker (or admins, for any account) set a new password after checking
  identity; they must say how they checked (``identity_note``, e.g. "电话核对身份证后四位"), which is audited
  with the request. The worker gets a message telling them their password was reset.
- **Cancel**: the same staff close a request that was not genuine.

An SMS code can be switched on later without changing the doors: ``password_resets.via`` is ``staff`` today;
a gateway would create ``via = 'sms'`` requests with a ``code_hash`` and ``expires_at`` and a
``confirm_code`` action that checks them — :data:`RESET_VIA` says which, from ``TONGBANG_RESET_VIA``.
"""
from __future__ import annotations

import os
from typing import Any

from models import access
from models.errors import conflict, forbidden, invalid, not_found
from models.notifier import Message, enqueue
from models.people import contacts
from models.people.messages import post
from models.people.users import UserError, check_password, get_user, get_user_by_username, set_password
from models.people.workers import get_worker
from models.store.db import audit, select_page, transaction, utcnow

#: How a reset is verified: ``staff`` (the responsible staff member checks identity). ``sms`` is reserved for a
#: code sent by the SMS sender once a gateway exists; until then any other value means ``staff``.
RESET_VIA = "staff"


def reset_via() -> str:
    """The configured reset route (``TONGBANG_RESET_VIA``); only ``staff`` is implemented today."""
    return "staff" if os.environ.get("TONGBANG_RESET_VIA", RESET_VIA) != "sms" else "sms"


def _check_new(password: str, field: str) -> None:
    try:
        check_password(password)
    except UserError as exc:
        raise invalid(exc.message, field) from None


def _find_account(db, who: str) -> dict | None:
    who = (who or "").strip().replace(" ", "")
    if not who:
        return None
    user = get_user_by_username(db, who)
    if user is None:
        row = db.execute("SELECT u.id FROM users u LEFT JOIN workers w ON w.id = u.worker_id"
                         " WHERE u.active = 1 AND (u.phone = ? OR (u.role = 'worker' AND w.phone = ?))"
                         " ORDER BY u.id LIMIT 1", (who, who)).fetchone()
        user = get_user(db, row[0]) if row else None
    return user if user and user["active"] else None


def request_reset(db, actor: Any, who: str, note: str | None = None) -> int | None:
    """忘记密码: ask for a reset of the account named by username or phone ``who``. Returns the request id, or
    None when no such account (the door must answer the same either way). Anyone may ask, signed in or not."""
    if not (who or "").strip():
        raise invalid("请填写登录用的手机号或用户名。", "who")
    with transaction(db):
        user = _find_account(db, who)
        if user is None:
            return None
        pending = db.execute("SELECT id FROM password_resets WHERE user_id = ? AND status = 'pending'",
                             (user["id"],)).fetchone()
        if pending:
            return pending[0]
        contact = None
        if user["role"] == "worker" and user.get("worker_id"):
            worker = get_worker(db, user["worker_id"])
            contact, _ = contacts.responsible(db, worker) if worker else (None, False)
        now = utcnow()
        reset_id = db.execute(
            "INSERT INTO password_resets (user_id, status, via, contact_user_id, note, created_at, updated_at)"
            " VALUES (?, 'pending', 'staff', ?, ?, ?, ?)",
            (user["id"], contact["id"] if contact else None, (note or "").strip()[:200] or None, now, now)).lastrowid
        audit(db, "password_reset.request", user_id=access.user_id(actor), entity="user", entity_id=user["id"],
              detail={"reset_id": reset_id})
        enqueue(db, Message(subject="有人申请重置密码", body=f"{user['display_name'] or user['username']}"
                            "申请重置登录密码，请先打电话核实身份再重置。",
                            user_id=contact["id"] if contact else None, link="/staff/care/resets",
                            dedupe_key=f"reset:{reset_id}"), channel="outbox")
    return reset_id


def _reset_scope(actor: Any, row: dict) -> bool:
    """Who handles a request: admins any; staff a worker account's request when they cover the worker."""
    if access.is_admin(actor):
        return True
    if not access.is_staff(actor) or row["role"] != "worker":
        return False
    return access.staff_covers_worker(actor, row)


_RESETS = ("SELECT r.id, r.user_id, r.status, r.via, r.contact_user_id, r.note, r.created_at, r.handled_at,"
           " u.username, u.display_name, u.role, u.worker_id, w.external_id AS worker_external_id,"
           " w.name AS worker_name, w.phone AS worker_phone, w.hukou_county, w.hukou_county_code,"
           " c.display_name AS contact_name"
           " FROM password_resets r JOIN users u ON u.id = r.user_id LEFT JOIN workers w ON w.id = u.worker_id"
           " LEFT JOIN users c ON c.id = r.contact_user_id")


def list_resets(db, actor: Any, *, status: str = "pending") -> list[dict]:
    """Reset requests the staff member may handle (workers they cover; admins all), oldest first."""
    if not access.is_staff(actor):
        raise forbidden("只有工作人员可以处理重置密码申请。")
    rows, _ = select_page(db, _RESETS + " WHERE r.status = ?", [status], order="r.id")
    return [r for r in rows if _reset_scope(actor, r)]


def _reset_row(db, actor: Any, reset_id: int) -> dict:
    rows, _ = select_page(db, _RESETS + " WHERE r.id = ?", [reset_id], order="r.id")
    if not rows or not _reset_scope(actor, rows[0]):
        if not access.is_staff(actor):
            raise forbidden("只有工作人员可以处理重置密码申请。")
        raise not_found("找不到该申请。", "reset_id")
    if rows[0]["status"] != "pending":
        raise conflict("这条申请已经处理过了。", "reset_id")
    return rows[0]


def complete_reset(db, actor: Any, reset_id: int, *, new_password: str, identity_note: str) -> dict:
    """Staff reset the password after checking identity (``identity_note`` says how); the worker is told."""
    with transaction(db):
        row = _reset_row(db, actor, reset_id)
        identity_note = (identity_note or "").strip()
        if len(identity_note) < 4:
            raise invalid("请写明如何核实的身份（如：电话核对身份证后四位和户籍村）。", "identity_note")
        _check_new(new_password, "new_password")
        set_password(db, row["user_id"], new_password, by=access.user_id(actor))
        now = utcnow()
        db.execute("UPDATE password_resets SET status = 'done', handled_by = ?, handled_at = ?, note = ?,"
                   " updated_at = ? WHERE id = ?",
                   (access.user_id(actor), now, identity_note[:200], now, reset_id))
        audit(db, "password_reset.done", user_id=access.user_id(actor), entity="user", entity_id=row["user_id"],
              detail={"reset_id": reset_id, "identity": identity_note[:200]})
        if row.get("worker_id"):
            post(db, row["worker_id"], "account", "工作人员已为您重置登录密码。登录后请在“我的”里改成您自己记得住的密码。",
                 "/account/password")
    return row


def cancel_reset(db, actor: Any, reset_id: int, *, reason: str | None = None) -> dict:
    """Staff close a request that was not genuine (audited)."""
    with transaction(db):
        row = _reset_row(db, actor, reset_id)
        now = utcnow()
        db.execute("UPDATE password_resets SET status = 'cancelled', handled_by = ?, handled_at = ?, note = ?,"
                   " updated_at = ? WHERE id = ?", (access.user_id(actor), now, (reason or "")[:200] or None, now,
                                                    reset_id))
        audit(db, "password_reset.cancel", user_id=access.user_id(actor), entity="user", entity_id=row["user_id"],
              detail={"reset_id": reset_id})
    return row
