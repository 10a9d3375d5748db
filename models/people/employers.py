"""Employers: created or looked up by name (the ``employers.name`` column is unique).

Postings name their employer in the ledger (``employer_name``, optionally ``employer_credit_code``);
``get_or_create_employer`` turns that into an ``employers.id``. A credit code is stored the first time
one is given and never silently overwritten by a different one.
"""
from __future__ import annotations

import sqlite3

import sqlite_utils

from models.store.db import conn_of, utcnow

_COLUMNS = ("id", "name", "credit_code", "city", "district", "contact_name", "contact_phone",
            "description", "created_at", "updated_at")
EDITABLE = ("credit_code", "city", "district", "contact_name", "contact_phone", "description")


def _conn(db: sqlite_utils.Database | sqlite3.Connection) -> sqlite3.Connection:
    return conn_of(db)


def clean_name(name: str | None) -> str:
    """The stored form of an employer name: surrounding blanks removed, inner runs of blanks collapsed."""
    return " ".join((name or "").split())


def get_employer(db: sqlite_utils.Database, employer_id: int) -> dict | None:
    """One employer as a dict, or None."""
    cur = _conn(db).execute(f"SELECT {', '.join(_COLUMNS)} FROM employers WHERE id = ?", (employer_id,))
    row = cur.fetchone()
    return dict(zip(_COLUMNS, row)) if row else None


def get_employer_by_name(db: sqlite_utils.Database, name: str) -> dict | None:
    """The employer with exactly this (cleaned) name, or None."""
    cur = _conn(db).execute(f"SELECT {', '.join(_COLUMNS)} FROM employers WHERE name = ?", (clean_name(name),))
    row = cur.fetchone()
    return dict(zip(_COLUMNS, row)) if row else None


def get_or_create_employer(db: sqlite_utils.Database | sqlite3.Connection, name: str,
                           credit_code: str | None = None) -> int:
    """Return the id of the employer called ``name``, creating it when missing.

    When the stored employer has no credit code and one is given, it is filled in. Runs plain
    statements, so it is safe inside ``models.store.db.transaction``.
    """
    conn = _conn(db)
    name = clean_name(name)
    if not name:
        raise ValueError("用人单位名称不能为空。")
    row = conn.execute("SELECT id, credit_code FROM employers WHERE name = ?", (name,)).fetchone()
    now = utcnow()
    if row:
        if credit_code and not row[1]:
            conn.execute("UPDATE employers SET credit_code = ?, updated_at = ? WHERE id = ?",
                         (credit_code, now, row[0]))
        return row[0]
    cur = conn.execute("INSERT INTO employers (name, credit_code, created_at, updated_at) VALUES (?, ?, ?, ?)",
                       (name, credit_code or None, now, now))
    return cur.lastrowid


def update_employer(db: sqlite_utils.Database, employer_id: int, **fields: object) -> bool:
    """Change an employer's editable fields (``EDITABLE``); return False when it does not exist."""
    unknown = set(fields) - set(EDITABLE)
    if unknown:
        raise ValueError(f"不能修改这些字段：{', '.join(sorted(unknown))}")
    if not fields:
        return get_employer(db, employer_id) is not None
    sets = ", ".join(f"{k} = ?" for k in fields)
    cur = _conn(db).execute(f"UPDATE employers SET {sets}, updated_at = ? WHERE id = ?",
                            (*fields.values(), utcnow(), employer_id))
    return cur.rowcount > 0


def list_employers(db: sqlite_utils.Database, *, q: str | None = None, city: str | None = None,
                   limit: int = 50, offset: int = 0) -> tuple[list[dict], int]:
    """Employers by name, filtered by a name fragment ``q`` and ``city``; returns (page, total)."""
    where, params = [], []
    if q:
        where.append("(name LIKE ? OR credit_code = ?)")
        params += [f"%{q.strip()}%", q.strip().upper()]
    if city:
        where.append("city = ?")
        params.append(city)
    clause = f" WHERE {' AND '.join(where)}" if where else ""
    conn = _conn(db)
    total = conn.execute(f"SELECT COUNT(*) FROM employers{clause}", params).fetchone()[0]
    rows = conn.execute(f"SELECT {', '.join(_COLUMNS)} FROM employers{clause} ORDER BY name LIMIT ? OFFSET ?",
                        (*params, limit, offset)).fetchall()
    return [dict(zip(_COLUMNS, r)) for r in rows], total
