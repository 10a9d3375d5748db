"""Actions on who a worker calls (联系工作人员): see one's responsible staff member, choose a worker's responsible
staff member, and a staff member's own work phone and office.

The rules, each in one place:

- **See**: a worker sees their own responsible staff member (name, work phone, office); staff see it for the
  workers they cover (``models.access.staff_covers_worker``); anyone else gets ``not_found``.
- **Choose**: staff covering the worker choose another active staff or admin account (by username) as the
  worker's responsible staff member, or go back to the county's (empty username); audited with the old and
  new account. The chosen account need not cover the worker's county (a colleague in 青岛 may take a worker
  who now works there).
- **Own details**: a staff member (or admin) sets their own work phone and office, what workers see.
"""
from __future__ import annotations

from typing import Any

from models import access
from models.errors import forbidden, invalid, not_found
from models.intake.validation import ValidationError, check_phone
from models.people import contacts as store
from models.people.users import get_user, get_user_by_username
from models.people.workers import get_worker, get_worker_by_external_id
from models.store.db import audit, transaction, utcnow

_NO_WORKER = "找不到该求职者。"


def contact_for(db, actor: Any, worker_id: int | None = None) -> dict | None:
    """The responsible staff member of ``worker_id`` (default: the signed-in worker) as the worker sees them
    (``user_id``, ``name``, ``work_phone``, ``office``, ``assigned``), or None when nobody covers the county."""
    if worker_id is None:
        worker_id = access.own_worker_id(actor)
        if worker_id is None:
            raise forbidden("只有求职者有负责的工作人员。")
    worker = get_worker(db, worker_id)
    if worker is None or not (access.own_worker_id(actor) == worker_id or access.staff_covers_worker(actor, worker)):
        raise not_found(_NO_WORKER, "worker_id")
    account, assigned = store.responsible(db, worker)
    return store.card(account, assigned=assigned)


def assign_contact(db, actor: Any, worker_external_id: str, username: str | None) -> dict | None:
    """Staff covering the worker choose the worker's responsible staff member by ``username`` (empty: back to
    the county's). Returns the new contact card."""
    if not access.is_staff(actor):
        raise forbidden("只有工作人员可以更改负责人。")
    with transaction(db):
        worker = get_worker_by_external_id(db, (worker_external_id or "").strip())
        if worker is None or not access.staff_covers_worker(actor, worker):
            raise not_found(_NO_WORKER, "worker_external_id")
        username = (username or "").strip()
        new_id = None
        if username:
            account = get_user_by_username(db, username)
            if account is None or account["role"] not in ("staff", "admin") or not account["active"]:
                raise invalid(f"“{username}”不是在用的工作人员账号。", "username")
            new_id = account["id"]
        old_id = store.contact_user_id(db, worker["id"])
        if old_id != new_id:
            db.execute("UPDATE workers SET contact_user_id = ? WHERE id = ?", (new_id, worker["id"]))
            audit(db, "worker.contact", user_id=access.user_id(actor), entity="worker", entity_id=worker["id"],
                  detail={"from": old_id, "to": new_id})
        account, assigned = store.responsible(db, worker)
    return store.card(account, assigned=assigned)


def set_own_details(db, actor: Any, *, work_phone: str | None, office: str | None) -> dict:
    """A staff member sets the work phone and office workers see; returns their contact card."""
    if not access.is_staff(actor) or access.user_id(actor) is None:
        raise forbidden("只有工作人员可以填写工作电话和办公地点。")
    phone = (work_phone or "").strip().replace(" ", "").replace("－", "-")
    if phone and not _looks_like_phone(phone):
        raise invalid("工作电话应为手机号或带区号的座机号，如 023-75551234。", "work_phone")
    office = (office or "").strip()[:100] or None
    with transaction(db):
        db.execute("UPDATE users SET work_phone = ?, office = ?, updated_at = ? WHERE id = ?",
                   (phone or None, office, utcnow(), access.user_id(actor)))
        audit(db, "user.contact_details", user_id=access.user_id(actor), entity="user",
              entity_id=access.user_id(actor))
    return store.card(get_user(db, access.user_id(actor)))


def _looks_like_phone(text: str) -> bool:
    """A mainland mobile number, or a landline with its area code (7–12 digits, at most two dashes)."""
    try:
        check_phone(text)
        return True
    except ValidationError:
        digits = text.replace("-", "")
        return digits.isdigit() and 7 <= len(digits) <= 12 and text.count("-") <= 2
