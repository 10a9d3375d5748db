"""Applications (投递) and staff recommendations (推荐): the rows of the pipeline between a worker and a
posting, and the store-level writes and reads of them.

States (``models.vocabulary.APPLICATION_STATUSES``): a worker's own application starts at 待处理 (applying
is the worker's consent); a staff recommendation starts at 推荐待确认 and joins the pipeline at 待处理 only
when the worker accepts it, or when staff record that the worker agreed by phone. Then 待处理 → 已联系 /
面试 → 录用 / 不合适; 录用 creates the placement (``models.placement.placements.create_placement``) in the
same transaction. The worker may withdraw (撤回) or decline a recommendation (已谢绝).

Who may do which of these, and the domain rules around them (hard requirements, open posting, consent),
are the actions of ``models.actions.applications``: the functions here only write what they are told,
inside the caller's transaction, and audit it.
"""
from __future__ import annotations

import sqlite3
from datetime import date

import sqlite_utils

from models.errors import ActionError
from models.placement.placements import create_placement
from models.store.db import audit, conn_of, select_page, transaction, utcnow
from models.vocabulary import (
    APPLICATION_STATUSES,
    PIPELINE_STATUSES,
    WORKER_STATUS_LABELS,
)

#: Kept for the pages that list statuses in pipeline order.
STATUSES = PIPELINE_STATUSES
WORKER_LABELS = WORKER_STATUS_LABELS


class ApplicationError(ActionError):
    """An application that cannot be made or moved; ``str(e)`` is a Chinese message for the user."""


def _conn(db: sqlite_utils.Database | sqlite3.Connection) -> sqlite3.Connection:
    return conn_of(db)


def insert(db: sqlite_utils.Database, worker_id: int, job_id: int, *, source: str, status: str,
           recommended_by: int | None = None, note: str | None = None, consent_via: str | None = None,
           consent_by: int | None = None) -> int:
    """Insert one application row and audit it; returns its id (no checks: the actions check)."""
    conn = _conn(db)
    now = utcnow()
    with transaction(conn):
        application_id = conn.execute(
            "INSERT INTO applications (worker_id, job_id, status, source, recommended_by, note, consent_at,"
            " consent_via, consent_by, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (worker_id, job_id, status, source, recommended_by, (note or "").strip() or None,
             now if consent_via else None, consent_via, consent_by, now, now)).lastrowid
        audit(db, f"application.{'apply' if source == 'worker' else 'recommend'}",
              user_id=recommended_by if source == "staff" else consent_by, entity="application",
              entity_id=application_id, detail={"worker_id": worker_id, "job_id": job_id})
    return application_id


def move(db: sqlite_utils.Database, application_id: int, status: str, *, user_id: int | None,
         note: str | None = None, action: str = "application.status", consent_via: str | None = None,
         source: str | None = None, start_date: date | str | None = None) -> int | None:
    """Set an application's status (appending ``note``), record consent when ``consent_via`` is given, and
    audit it as ``action``. Moving to 录用 creates the placement starting ``start_date`` (default today) and
    returns its id; otherwise returns None. No permission or transition checks: the actions check."""
    if status not in APPLICATION_STATUSES:
        raise ApplicationError(f"状态只能是：{'、'.join(APPLICATION_STATUSES)}。", field="status")
    conn = _conn(db)
    with transaction(conn):
        row = conn.execute("SELECT worker_id, job_id, status, note FROM applications WHERE id = ?",
                           (application_id,)).fetchone()
        if row is None:
            raise ApplicationError("找不到该投递记录。", field="id", kind="not_found")
        worker_id, job_id, current, old_note = row
        note = (note or "").strip()
        new_note = old_note if not note else (f"{old_note}\n{note}" if old_note else note)
        now = utcnow()
        conn.execute("UPDATE applications SET status = ?, note = ?, updated_at = ? WHERE id = ?",
                     (status, new_note, now, application_id))
        if consent_via:
            conn.execute("UPDATE applications SET consent_at = ?, consent_via = ?, consent_by = ? WHERE id = ?",
                         (now, consent_via, user_id, application_id))
        if source:
            conn.execute("UPDATE applications SET source = ? WHERE id = ?", (source, application_id))
        detail = {"from": current, "to": status}
        if consent_via:
            detail["consent_via"] = consent_via
        if note and action != "application.status":
            detail["note"] = note
        audit(db, action, user_id=user_id, entity="application", entity_id=application_id, detail=detail)
        placement_id = None
        if status == "录用" and current != "录用":
            from models.store import clock

            placement_id = create_placement(db, worker_id, job_id=job_id,
                                            start_date=start_date or clock.today(), created_by=user_id,
                                            application_id=application_id)
    return placement_id


#: The columns every application read returns: the row, the worker's and the posting's display and scope
#: columns (``hukou_county``/``hukou_county_code`` and ``city``, what ``models.access.Scope`` reads).
_SELECT = """
    SELECT a.id, a.worker_id, a.job_id, a.status, a.source, a.recommended_by, a.note, a.consent_at,
           a.consent_via, a.created_at, a.updated_at, w.external_id AS worker_external_id,
           w.name AS worker_name, w.hukou_province, w.hukou_county, w.hukou_county_code,
           j.external_id AS job_external_id, j.title AS job_title, j.city, j.salary_min, j.salary_max,
           j.status AS job_status, j.employer_id, e.name AS employer_name,
           u.display_name AS recommended_by_name
    FROM applications a
    JOIN workers w ON w.id = a.worker_id
    JOIN jobs j ON j.id = a.job_id
    JOIN employers e ON e.id = j.employer_id
    LEFT JOIN users u ON u.id = a.recommended_by
"""


def _rows(cur: sqlite3.Cursor) -> list[dict]:
    names = [c[0] for c in cur.description]
    return [dict(zip(names, row)) for row in cur.fetchall()]


def get_application(db: sqlite_utils.Database, application_id: int) -> dict | None:
    """One application with its worker's and posting's display and scope columns, or None."""
    rows = _rows(db.execute(_SELECT + " WHERE a.id = ?", (application_id,)))
    return rows[0] if rows else None


def find(db: sqlite_utils.Database, worker_id: int, job_id: int) -> dict | None:
    """The application of this worker to this posting, if any."""
    row = db.execute("SELECT id FROM applications WHERE worker_id = ? AND job_id = ?", (worker_id, job_id)).fetchone()
    return get_application(db, row[0]) if row else None


def list_where(db: sqlite_utils.Database, where: str = "1 = 1", params: list | tuple = (), *,
               order: str = "a.id DESC", limit: int | None = None, offset: int = 0) -> tuple[list[dict], int]:
    """Applications matching a WHERE fragment (aliases ``a``, ``w``, ``j``, ``e``): (rows, total)."""
    return select_page(db, _SELECT + f" WHERE {where}", params, order=order, limit=limit, offset=offset)


def pipeline_order() -> str:
    """ORDER BY expression: pipeline order (recommendations awaiting the worker first), newest first."""
    order = " ".join(f"WHEN '{s}' THEN {i}" for i, s in enumerate(APPLICATION_STATUSES))
    return f"CASE a.status {order} END, a.id DESC"


def for_worker(db: sqlite_utils.Database, worker_id: int) -> list[dict]:
    """A worker's applications and recommendations, newest first."""
    return list_where(db, "a.worker_id = ?", [worker_id])[0]


def for_job(db: sqlite_utils.Database, job_id: int) -> list[dict]:
    """Applications to one posting, in pipeline order then newest first."""
    return list_where(db, "a.job_id = ?", [job_id], order=pipeline_order())[0]


def for_employer(db: sqlite_utils.Database, employer_id: int, status: str | None = None) -> list[dict]:
    """Applications to all of an employer's postings, newest first."""
    where, params = "j.employer_id = ?", [employer_id]
    if status:
        where += " AND a.status = ?"
        params.append(status)
    return list_where(db, where, params)[0]


#: Statuses after which the worker may apply to the posting (again): a recommendation waiting for them,
#: one they declined, an application they withdrew.
OPEN_TO_APPLY = ("推荐待确认", "撤回", "已谢绝")


def applied_job_ids(db: sqlite_utils.Database, worker_id: int, *, active_only: bool = False) -> set[int]:
    """Postings this worker already applied to or was recommended for (any state); ``active_only``: only
    those with an application the worker stands by (not in :data:`OPEN_TO_APPLY`)."""
    sql = "SELECT job_id FROM applications WHERE worker_id = ?"
    if active_only:
        sql += f" AND status NOT IN ({', '.join('?' * len(OPEN_TO_APPLY))})"
    return {r[0] for r in db.execute(sql, (worker_id, *(OPEN_TO_APPLY if active_only else ())))}


#: Applications that make a worker "related" to an employer (who may then see name and phone): the ones the
#: worker consented to — their own, or a recommendation they accepted (or agreed to by phone). A
#: recommendation still waiting for the worker (推荐待确认) or declined (已谢绝) passes nothing on.
_RELATING = "a.status NOT IN ('推荐待确认', '已谢绝')"


def related_to_employer(db: sqlite_utils.Database, employer_id: int | None, worker_id: int) -> bool:
    """The worker applied to, or was recommended for, one of this employer's postings."""
    if employer_id is None:
        return False
    row = db.execute("SELECT 1 FROM applications a JOIN jobs j ON j.id = a.job_id"
                     f" WHERE a.worker_id = ? AND j.employer_id = ? AND {_RELATING} LIMIT 1",
                     (worker_id, employer_id)).fetchone()
    return row is not None


def related_to_postings(db: sqlite_utils.Database, where: str, params: list, worker_id: int) -> bool:
    """The worker applied to, or was recommended for, a posting matching ``where`` (alias ``j``): city staff
    see such a worker's contact details."""
    row = db.execute(f"SELECT 1 FROM applications a JOIN jobs j ON j.id = a.job_id"
                     f" WHERE a.worker_id = ? AND {_RELATING} AND {where} LIMIT 1", [worker_id, *params]).fetchone()
    return row is not None
