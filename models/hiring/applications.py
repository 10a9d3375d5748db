"""Applications (投递) and staff recommendations (推荐): the pipeline between a worker and a posting.

Pipeline: 待处理 → 已联系 / 面试 → 录用 / 不合适. A worker applies to an open posting as themself
(``source='worker'``); staff recommend a posting to a worker (``source='staff'``), which both the worker
and the employer then see. 录用 creates the placement (``models.placement.placements.create_placement``) with
today's date as its start, in the same transaction. Every change is audit-logged.

The web pages and the API both call these functions; who may call them is ``models.access``.
"""
from __future__ import annotations

import sqlite3
from datetime import date

import sqlite_utils

from models.store import clock
from models.store.db import audit, transaction, utcnow
from models.vocabulary import PIPELINE_STATUSES, WORKER_STATUS_LABELS

STATUSES = PIPELINE_STATUSES
FINAL_STATUSES = frozenset({"录用"})
WORKER_LABELS = WORKER_STATUS_LABELS


class ApplicationError(ValueError):
    """An application that cannot be made or moved; ``str(e)`` is a Chinese message for the user."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


def _conn(db: sqlite_utils.Database | sqlite3.Connection) -> sqlite3.Connection:
    return db if isinstance(db, sqlite3.Connection) else db.conn


def _create(db: sqlite_utils.Database, worker_id: int, job_id: int, *, source: str,
            recommended_by: int | None, note: str | None = None) -> int:
    conn = _conn(db)
    with transaction(conn):
        job = conn.execute("SELECT status FROM jobs WHERE id = ?", (job_id,)).fetchone()
        if job is None:
            raise ApplicationError("岗位不存在。", "job_id")
        if job[0] != "open":
            raise ApplicationError("该岗位已停止招聘。", "job_id")
        if conn.execute("SELECT 1 FROM workers WHERE id = ?", (worker_id,)).fetchone() is None:
            raise ApplicationError("求职者不存在。", "worker_id")
        existing = conn.execute("SELECT id FROM applications WHERE worker_id = ? AND job_id = ?",
                                (worker_id, job_id)).fetchone()
        if existing is not None:
            raise ApplicationError("已经投递或推荐过该岗位。", "job_id")
        now = utcnow()
        application_id = conn.execute(
            "INSERT INTO applications (worker_id, job_id, status, source, recommended_by, note, created_at,"
            " updated_at) VALUES (?, ?, '待处理', ?, ?, ?, ?, ?)",
            (worker_id, job_id, source, recommended_by, (note or "").strip() or None, now, now)).lastrowid
        audit(db, f"application.{'apply' if source == 'worker' else 'recommend'}", user_id=recommended_by,
              entity="application", entity_id=application_id, detail={"worker_id": worker_id, "job_id": job_id})
    return application_id


def apply(db: sqlite_utils.Database, worker_id: int, job_id: int) -> int:
    """The worker applies to an open posting; returns the application id."""
    return _create(db, worker_id, job_id, source="worker", recommended_by=None)


def recommend(db: sqlite_utils.Database, worker_id: int, job_id: int, staff_user_id: int,
              note: str | None = None) -> int:
    """Staff recommend (推荐) an open posting to a worker; returns the application id."""
    return _create(db, worker_id, job_id, source="staff", recommended_by=staff_user_id, note=note)


def set_status(db: sqlite_utils.Database, application_id: int, status: str, note: str | None = None,
               user_id: int | None = None, *, start_date: date | str | None = None) -> int | None:
    """Move an application to ``status`` (with an optional note). 录用 creates the placement, starting
    ``start_date`` (default today) and returns its id; otherwise returns None."""
    from models.placement.placements import create_placement

    if status not in STATUSES:
        raise ApplicationError(f"状态只能是：{'、'.join(STATUSES)}。", "status")
    conn = _conn(db)
    with transaction(conn):
        row = conn.execute("SELECT worker_id, job_id, status, note FROM applications WHERE id = ?",
                           (application_id,)).fetchone()
        if row is None:
            raise ApplicationError("找不到该投递记录。", "id")
        worker_id, job_id, current, old_note = row
        if current in FINAL_STATUSES and status != current:
            raise ApplicationError("已录用的投递不能再改状态。", "status")
        note = (note or "").strip()
        new_note = old_note if not note else (f"{old_note}\n{note}" if old_note else note)
        conn.execute("UPDATE applications SET status = ?, note = ?, updated_at = ? WHERE id = ?",
                     (status, new_note, utcnow(), application_id))
        audit(db, "application.status", user_id=user_id, entity="application", entity_id=application_id,
              detail={"from": current, "to": status})
        placement_id = None
        if status == "录用" and current != "录用":
            placement_id = create_placement(db, worker_id, job_id=job_id,
                                            start_date=start_date or clock.today(), created_by=user_id,
                                            application_id=application_id)
    return placement_id


_SELECT = """
    SELECT a.id, a.worker_id, a.job_id, a.status, a.source, a.recommended_by, a.note, a.created_at,
           a.updated_at, w.external_id AS worker_external_id, w.name AS worker_name,
           j.external_id AS job_external_id, j.title AS job_title, j.city, j.salary_min, j.salary_max,
           j.status AS job_status, j.employer_id, e.name AS employer_name
    FROM applications a
    JOIN workers w ON w.id = a.worker_id
    JOIN jobs j ON j.id = a.job_id
    JOIN employers e ON e.id = j.employer_id
"""


def _rows(cur: sqlite3.Cursor) -> list[dict]:
    names = [c[0] for c in cur.description]
    return [dict(zip(names, row)) for row in cur.fetchall()]


def get_application(db: sqlite_utils.Database, application_id: int) -> dict | None:
    rows = _rows(db.execute(_SELECT + " WHERE a.id = ?", (application_id,)))
    return rows[0] if rows else None


def for_worker(db: sqlite_utils.Database, worker_id: int) -> list[dict]:
    """A worker's applications and recommendations, newest first."""
    return _rows(db.execute(_SELECT + " WHERE a.worker_id = ? ORDER BY a.id DESC", (worker_id,)))


def for_job(db: sqlite_utils.Database, job_id: int) -> list[dict]:
    """Applications to one posting, in pipeline order then newest first."""
    order = " ".join(f"WHEN '{s}' THEN {i}" for i, s in enumerate(STATUSES))
    return _rows(db.execute(_SELECT + f" WHERE a.job_id = ? ORDER BY CASE a.status {order} END, a.id DESC",
                            (job_id,)))


def for_employer(db: sqlite_utils.Database, employer_id: int, status: str | None = None) -> list[dict]:
    """Applications to all of an employer's postings, newest first."""
    sql, params = _SELECT + " WHERE j.employer_id = ?", [employer_id]
    if status:
        sql += " AND a.status = ?"
        params.append(status)
    return _rows(db.execute(sql + " ORDER BY a.id DESC", params))


def applied_job_ids(db: sqlite_utils.Database, worker_id: int) -> set[int]:
    """Postings this worker already applied to or was recommended for."""
    return {r[0] for r in db.execute("SELECT job_id FROM applications WHERE worker_id = ?", (worker_id,))}


def related_to_employer(db: sqlite_utils.Database, employer_id: int | None, worker_id: int) -> bool:
    """The worker applied to, or was recommended for, one of this employer's postings (the employer may
    then see the worker's name and phone)."""
    if employer_id is None:
        return False
    row = db.execute("SELECT 1 FROM applications a JOIN jobs j ON j.id = a.job_id"
                     " WHERE a.worker_id = ? AND j.employer_id = ? LIMIT 1", (worker_id, employer_id)).fetchone()
    return row is not None
