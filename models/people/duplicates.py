"""疑似重复: pairs of worker records that may be one person, and merging them into one.

Several counties upload ledgers of the same people, and until issue 9 two imports at once could register a
person twice. A pair is proposed when the two records have (each a reason, a pair may have several):

- ``id``: the same resident ID number — one record holds it, the other was registered before the ID hash
  became UNIQUE and waits with it in ``held_id_hash`` (``models.store.db._unique_identity_and_import_jobs``);
- ``name_birth_county``: the same name, 户籍区县 and birth (the birth date when both have an ID number,
  else the birth year; both must be known);
- ``phone``: the same mobile number.

A pair staff marked as two people (``duplicate_dismissals``) is never proposed again.

:func:`merge` keeps one record and folds the other into it, in one transaction: every application,
placement (with its follow-ups), worker account and 数据比对 finding of the merged record moves to the kept
one; an application both made to the same posting stays as the kept record's (placements that named the
other one are re-pointed to it, and the dropped one is described in the audit entry); fields the kept
record lacks are filled from the other (the ID number too, when the kept one has none); the merged record
is deleted; one ``worker.merge`` audit entry says what moved. Two records with different ID numbers are
never merged. Who may see and merge which pairs is ``models.actions.duplicates``.
"""
from __future__ import annotations

import sqlite3
from collections.abc import Callable

import sqlite_utils

from models.errors import ActionError
from models.people import workers as workers_store
from models.store.db import audit, transaction, utcnow

REASONS = {"id": "身份证号相同", "name_birth_county": "姓名、出生日期和户籍区县相同", "phone": "手机号相同"}

#: Every column that points at a worker, so a merge moves them all (tests compare it with the schema's
#: foreign keys: a new table that references workers must be added here).
WORKER_REFERENCES = (("applications", "worker_id"), ("placements", "worker_id"), ("users", "worker_id"),
                     ("comparison_rows", "worker_id"), ("subsidy_claims", "worker_id"),
                     ("batch_passengers", "worker_id"), ("duplicate_dismissals", "worker_a"),
                     ("duplicate_dismissals", "worker_b"), ("messages", "worker_id"),
                     ("placement_claims", "worker_id"), ("enrolments", "worker_id"), ("brand_workers", "worker_id"),
                     ("cases", "worker_id"))

#: Each reason as a query of (lo, hi) id pairs, lo < hi.
_PAIRS = {
    "id": "SELECT CASE WHEN a.id < b.id THEN a.id ELSE b.id END AS lo,"
          " CASE WHEN a.id < b.id THEN b.id ELSE a.id END AS hi"
          " FROM workers a JOIN workers b ON b.held_id_hash = a.id_hash WHERE a.id_hash IS NOT NULL",
    "name_birth_county": "SELECT a.id AS lo, b.id AS hi FROM workers a JOIN workers b ON b.name = a.name"
                         " AND b.hukou_county = a.hukou_county AND b.birth_year = a.birth_year AND b.id > a.id"
                         " WHERE a.birth_date IS NULL OR b.birth_date IS NULL OR a.birth_date = b.birth_date",
    "phone": "SELECT a.id AS lo, b.id AS hi FROM workers a JOIN workers b ON b.phone = a.phone AND b.id > a.id"
             " WHERE a.phone IS NOT NULL AND a.phone != ''",
}


def pairs(db: sqlite_utils.Database, covered: Callable[[str], tuple[str, list]], *, limit: int = 200) -> list[dict]:
    """Proposed pairs whose two records are both covered (``covered(alias)``: a WHERE fragment on that workers
    alias and its parameters, e.g. ``Scope.workers_sql``), not dismissed, lowest ids first: ``{'a': worker,
    'b': worker, 'reasons': [code, ...], 'labels': [Chinese, ...]}`` with each worker as
    ``workers.get_worker`` plus its ``applications`` and ``placements`` counts."""
    (where_a, params_a), (where_b, params_b) = covered("w"), covered("w2")
    found: dict[tuple[int, int], list[str]] = {}
    for code, sql in _PAIRS.items():
        query = (f"SELECT p.lo, p.hi FROM ({sql}) p JOIN workers w ON w.id = p.lo JOIN workers w2 ON w2.id = p.hi"
                 f" WHERE {where_a} AND {where_b} AND NOT EXISTS (SELECT 1 FROM duplicate_dismissals d"
                 " WHERE d.worker_a = p.lo AND d.worker_b = p.hi) ORDER BY p.lo, p.hi LIMIT ?")
        for lo, hi in db.execute(query, (*params_a, *params_b, limit)):
            found.setdefault((lo, hi), []).append(code)
    out = []
    for (lo, hi), codes in sorted(found.items())[:limit]:
        a, b = _with_counts(db, lo), _with_counts(db, hi)
        if a and b:
            out.append({"a": a, "b": b, "reasons": codes, "labels": [REASONS[c] for c in codes]})
    return out


def reasons_for(db: sqlite_utils.Database | sqlite3.Connection, a_id: int, b_id: int) -> list[str]:
    """Why records ``a_id`` and ``b_id`` look like one person (codes of :data:`REASONS`); [] when they do not."""
    conn = db.conn if isinstance(db, sqlite_utils.Database) else db
    lo, hi = sorted((a_id, b_id))
    return [code for code, sql in _PAIRS.items()
            if conn.execute(f"SELECT 1 FROM ({sql}) p WHERE p.lo = ? AND p.hi = ?", (lo, hi)).fetchone()]


def _with_counts(db: sqlite_utils.Database, worker_id: int) -> dict | None:
    worker = workers_store.get_worker(db, worker_id)
    if worker is None:
        return None
    worker["applications"] = db.execute("SELECT COUNT(*) FROM applications WHERE worker_id = ?",
                                        (worker_id,)).fetchone()[0]
    worker["placements"] = db.execute("SELECT COUNT(*) FROM placements WHERE worker_id = ?",
                                      (worker_id,)).fetchone()[0]
    return worker


def dismiss(db: sqlite_utils.Database, a_id: int, b_id: int, *, user_id: int | None) -> None:
    """Record that two records are two people; the pair is not proposed again. Audited."""
    lo, hi = sorted((a_id, b_id))
    now = utcnow()
    with transaction(db) as conn:
        conn.execute("INSERT INTO duplicate_dismissals (worker_a, worker_b, user_id, created_at, updated_at)"
                     " VALUES (?, ?, ?, ?, ?) ON CONFLICT (worker_a, worker_b) DO NOTHING", (lo, hi, user_id, now, now))
        audit(db, "worker.not_duplicate", user_id=user_id, entity="worker", entity_id=lo, detail={"other": hi})


_FILLABLE = ("name", "phone", "gender", "birth_year", "hukou_province", "hukou_county", "hukou_county_code",
             "assistance_status", "education", "skills", "certificates", "experience", "desired_jobs",
             "desired_cities", "expected_salary", "needs", "training_wanted", "birth_date")


def _empty(value: object) -> bool:
    return value is None or value == "" or value == "[]"


def merge(db: sqlite_utils.Database, keep_id: int, merge_id: int, *, user_id: int | None) -> dict:
    """Fold worker ``merge_id`` into ``keep_id`` (see the module docstring); returns what moved. Raises
    ``ActionError`` (conflict) when the two hold different ID numbers."""
    with transaction(db) as conn:
        cols = ("id", "external_id", "id_number_enc", "id_hash", "held_id_hash", "id_masked", *_FILLABLE)
        keep = dict(zip(cols, conn.execute(f"SELECT {', '.join(cols)} FROM workers WHERE id = ?", (keep_id,)).fetchone()))
        gone = dict(zip(cols, conn.execute(f"SELECT {', '.join(cols)} FROM workers WHERE id = ?",
                                           (merge_id,)).fetchone()))
        keep_hash = keep["id_hash"] or keep["held_id_hash"]
        gone_hash = gone["id_hash"] or gone["held_id_hash"]
        if keep_hash and gone_hash and keep_hash != gone_hash:
            raise ActionError("两条记录的身份证号不同，不是同一人，不能合并。", field="worker_id", kind="conflict")
        moved: dict[str, int] = {}
        dropped: list[dict] = []
        for app_id, job_id, status, created in conn.execute(
                "SELECT id, job_id, status, created_at FROM applications WHERE worker_id = ?", (merge_id,)).fetchall():
            twin = conn.execute("SELECT id FROM applications WHERE worker_id = ? AND job_id = ?",
                                (keep_id, job_id)).fetchone()
            if twin is None:
                conn.execute("UPDATE applications SET worker_id = ?, updated_at = ? WHERE id = ?",
                             (keep_id, utcnow(), app_id))
                moved["applications"] = moved.get("applications", 0) + 1
            else:
                conn.execute("UPDATE placements SET application_id = ? WHERE application_id = ?", (twin[0], app_id))
                conn.execute("DELETE FROM applications WHERE id = ?", (app_id,))
                dropped.append({"application": app_id, "job_id": job_id, "status": status, "created_at": created,
                                "kept_application": twin[0]})
        # Both on one 点对点 batch: the kept record's seat stays (UNIQUE (batch_id, worker_id)).
        conn.execute("DELETE FROM batch_passengers WHERE worker_id = ? AND batch_id IN"
                     " (SELECT batch_id FROM batch_passengers WHERE worker_id = ?)", (merge_id, keep_id))
        # Both on one course or in one brand: the kept record's row stays (UNIQUE per course / brand).
        conn.execute("DELETE FROM enrolments WHERE worker_id = ? AND course_id IN"
                     " (SELECT course_id FROM enrolments WHERE worker_id = ?)", (merge_id, keep_id))
        conn.execute("DELETE FROM brand_workers WHERE worker_id = ? AND brand_id IN"
                     " (SELECT brand_id FROM brand_workers WHERE worker_id = ?)", (merge_id, keep_id))
        for table, column in WORKER_REFERENCES:
            if table == "applications" or table == "duplicate_dismissals":
                continue
            n = conn.execute(f"UPDATE {table} SET {column} = ? WHERE {column} = ?", (keep_id, merge_id)).rowcount
            if n:
                moved[table] = n
        conn.execute("DELETE FROM duplicate_dismissals WHERE worker_a = ? OR worker_b = ?", (merge_id, merge_id))
        filled = [f for f in _FILLABLE if _empty(keep[f]) and not _empty(gone[f])]
        updates = {f: gone[f] for f in filled}
        if not keep["id_hash"] and gone_hash:  # the ID number comes along (freed from the merged record first)
            conn.execute("UPDATE workers SET id_hash = NULL, held_id_hash = NULL WHERE id = ?", (merge_id,))
            updates.update(id_number_enc=gone["id_number_enc"], id_hash=gone_hash, held_id_hash=None,
                           id_masked=gone["id_masked"])
            filled.append("id_number")
        elif keep["held_id_hash"] and not keep["id_hash"] and gone["id_hash"] == keep["held_id_hash"]:
            conn.execute("UPDATE workers SET id_hash = NULL WHERE id = ?", (merge_id,))
            updates.update(id_hash=keep["held_id_hash"], held_id_hash=None)
        updates.update(content_hash=None, updated_at=utcnow())  # the next import of its ledger row rewrites it
        conn.execute(f"UPDATE workers SET {', '.join(f'{k} = ?' for k in updates)} WHERE id = ?",
                     (*updates.values(), keep_id))
        conn.execute("DELETE FROM workers WHERE id = ?", (merge_id,))
        detail = {"kept": keep["external_id"], "merged": gone["external_id"], "merged_id": merge_id,
                  "moved": moved, "filled": filled, "dropped_applications": dropped}
        audit(db, "worker.merge", user_id=user_id, entity="worker", entity_id=keep_id, detail=detail)
    return detail
