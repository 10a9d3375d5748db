"""Someone to call: each worker's responsible staff member (负责的工作人员), and what the worker sees of them.

The responsible staff member is the one staff chose for the worker (``workers.contact_user_id``), or else the
county's: the active staff account whose counties name the worker's 户籍区县 (the most specific account —
one naming counties before one covering all of them with ``*`` — then the oldest). A chosen account that was
disabled since falls back to the county's, so a worker is never shown someone who left.

What the worker sees (:func:`card`): the name, the work phone (``users.work_phone``, else the account's phone)
and the office (``users.office``) — a staff member's work details, set by the staff member themself.
"""
from __future__ import annotations

import json

import sqlite_utils

from models.access import ALL, Scope

_STAFF = ("SELECT id, username, display_name, phone, work_phone, office, role, active, scope_counties,"
          " scope_cities FROM users")


def _row(cur_row: tuple) -> dict:
    keys = ("id", "username", "display_name", "phone", "work_phone", "office", "role", "active", "scope_counties",
            "scope_cities")
    out = dict(zip(keys, cur_row))
    for key in ("scope_counties", "scope_cities"):
        try:
            out[key] = json.loads(out[key] or "[]")
        except ValueError:
            out[key] = []
    return out


def staff_account(db: sqlite_utils.Database, user_id: int | None) -> dict | None:
    """An active staff or admin account by id (None otherwise)."""
    if user_id is None:
        return None
    row = db.execute(_STAFF + " WHERE id = ? AND role IN ('staff', 'admin') AND active = 1", (user_id,)).fetchone()
    return _row(row) if row else None


def county_staff(db: sqlite_utils.Database, worker: dict) -> dict | None:
    """The county's staff member for ``worker`` (see the module docstring), or None when nobody covers it."""
    candidates = [_row(r) for r in db.execute(_STAFF + " WHERE role = 'staff' AND active = 1 ORDER BY id")]
    covering = [u for u in candidates
                if Scope.of(u).covers_county(worker.get("hukou_county"), worker.get("hukou_county_code"))]
    covering.sort(key=lambda u: (ALL in u["scope_counties"], u["id"]))
    return covering[0] if covering else None


def responsible(db: sqlite_utils.Database, worker: dict) -> tuple[dict | None, bool]:
    """(the responsible staff account, whether staff chose it rather than the county default)."""
    chosen = staff_account(db, contact_user_id(db, worker["id"]))
    if chosen is not None:
        return chosen, True
    return county_staff(db, worker), False


def card(account: dict | None, *, assigned: bool = False) -> dict | None:
    """What a worker sees of a staff account: name, work phone, office."""
    if account is None:
        return None
    return {"user_id": account["id"], "name": account["display_name"] or account["username"],
            "work_phone": account.get("work_phone") or account.get("phone"), "office": account.get("office"),
            "assigned": assigned}


def contact_user_id(db: sqlite_utils.Database, worker_id: int) -> int | None:
    row = db.execute("SELECT contact_user_id FROM workers WHERE id = ?", (worker_id,)).fetchone()
    return row[0] if row else None
