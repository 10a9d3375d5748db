"""Job postings (岗位): upsert keyed on ``external_id``, form saves, status changes, reads and search.

A cleaned record (``models.intake.records.clean_job``) names its employer (``employer_name``, optionally
``employer_credit_code``); the employer is looked up by name or created (``models.people.employers``).
``content_hash`` covers every stored field plus the employer's name and credit code, so re-importing an
identical posting writes nothing (``updated_at`` and ``rev`` unchanged).

Status: a record with a ``status`` sets it; one without keeps the stored status (new postings are
``open``), so re-importing a ledger without a 状态 column never reopens a posting staff closed.
"""
from __future__ import annotations

import hashlib
import json
import sqlite3

import sqlite_utils

from models.people.employers import clean_name, get_or_create_employer
from models.store.db import conn_of, loads_list, transaction, utcnow
from models.vocabulary import JOB_STATUSES

STATUSES = JOB_STATUSES
#: Record fields stored as plain columns of ``jobs``.
FIELDS = ("title", "description", "city", "district", "salary_min", "salary_max", "headcount", "age_min",
          "age_max", "education_min", "required_certificates", "skills", "benefits", "work_address", "meals",
          "housing", "shifts", "pay_day")
LIST_FIELDS = ("required_certificates", "skills", "benefits")
#: Fields added after postings were first hashed: left out of the hash when empty, so a posting stored before
#: them keeps its hash (re-importing the same ledger still changes nothing).
LATER_FIELDS = ("work_address", "meals", "housing", "shifts", "pay_day")
_READ_COLUMNS = ("j.id", "j.external_id", "j.employer_id", "e.name", "e.credit_code", *(f"j.{f}" for f in FIELDS),
                 "j.status", "j.content_hash", "j.rev", "j.created_at", "j.updated_at")
_KEYS = tuple(c.split(".")[1] for c in _READ_COLUMNS)
_KEYS = tuple({"name": "employer_name", "credit_code": "employer_credit_code"}.get(k, k) for k in _KEYS)
_SELECT = f"SELECT {', '.join(_READ_COLUMNS)} FROM jobs j JOIN employers e ON e.id = j.employer_id"


def _conn(db: sqlite_utils.Database | sqlite3.Connection) -> sqlite3.Connection:
    return conn_of(db)


def _list(value: object) -> list:
    if value is None or value == "":
        return []
    if isinstance(value, str):
        return loads_list(value) if value.startswith("[") else [value]
    return list(value)


def content_hash(record: dict) -> str:
    """SHA-256 over the stored fields of a job record, its employer and (when given) its status."""
    payload = {f: (_list(record.get(f)) if f in LIST_FIELDS else record.get(f)) for f in FIELDS
               if f not in LATER_FIELDS or record.get(f)}
    payload["employer_name"] = clean_name(record.get("employer_name"))
    payload["employer_credit_code"] = record.get("employer_credit_code") or None
    payload["status"] = record.get("status") or None
    text = json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def _check_status(status: str) -> str:
    if status not in STATUSES:
        raise ValueError(f"岗位状态必须是 {' / '.join(STATUSES)} 之一。")
    return status


def write_job(conn: sqlite3.Connection, record: dict, *, job_id: int | None, employer_id: int, chash: str) -> int:
    """Insert (``job_id`` None) or overwrite one job row; returns its id. Callers decide first whether
    anything changed (``upsert_job``, ``save_job``, the ledger import)."""
    values = {f: (json.dumps(_list(record.get(f)), ensure_ascii=False) if f in LIST_FIELDS else record.get(f))
              for f in FIELDS}
    if values["headcount"] in (None, ""):
        values["headcount"] = 1
    values["employer_id"] = employer_id
    values["external_id"] = str(record["external_id"]).strip()
    values["content_hash"] = chash
    if record.get("status"):
        values["status"] = _check_status(record["status"])
    now = utcnow()
    values["updated_at"] = now
    if job_id is None:
        values.setdefault("status", "open")
        values["created_at"] = now
        cur = conn.execute(f"INSERT INTO jobs ({', '.join(values)}) VALUES ({', '.join('?' * len(values))})",
                           tuple(values.values()))
        return cur.lastrowid
    sets = ", ".join(f"{k} = ?" for k in values)
    conn.execute(f"UPDATE jobs SET {sets} WHERE id = ?", (*values.values(), job_id))
    return job_id


def _save(db: sqlite_utils.Database, record: dict, job_id: int | None) -> tuple[int, str]:
    external_id = str(record["external_id"]).strip()
    record = dict(record, external_id=external_id)
    chash = content_hash(record)
    with transaction(db) as conn:
        if job_id is None:
            row = conn.execute("SELECT id, content_hash FROM jobs WHERE external_id = ?", (external_id,)).fetchone()
        else:
            row = conn.execute("SELECT id, content_hash FROM jobs WHERE id = ?", (job_id,)).fetchone()
            if row is None:
                raise LookupError(f"岗位 {job_id} 不存在。")
        if row and row[1] == chash:
            return row[0], "unchanged"
        employer_id = get_or_create_employer(conn, record["employer_name"], record.get("employer_credit_code"))
        new_id = write_job(conn, record, job_id=row[0] if row else None, employer_id=employer_id, chash=chash)
        return new_id, ("updated" if row else "added")


def upsert_job(db: sqlite_utils.Database, record: dict) -> str:
    """Store a cleaned job record keyed on ``external_id``: 'added', 'updated' or 'unchanged'.

    The employer is created by name when missing."""
    return _save(db, record, None)[1]


def save_job(db: sqlite_utils.Database, record: dict, job_id: int | None = None) -> int:
    """Save a posting from a form or the API and return its id: a new one (or the one with the record's
    ``external_id``) when ``job_id`` is None, else overwrite posting ``job_id``."""
    return _save(db, record, job_id)[0]


def set_job_status(db: sqlite_utils.Database, job_id: int, status: str) -> bool:
    """Open, close or mark a posting filled (bumps ``rev`` so the index drops or restores it).
    Returns False when there is no such posting; raises ValueError for an unknown status."""
    _check_status(status)
    cur = _conn(db).execute("UPDATE jobs SET status = ?, updated_at = ? WHERE id = ? AND status != ?",
                            (status, utcnow(), job_id, status))
    if cur.rowcount:
        return True
    return _conn(db).execute("SELECT 1 FROM jobs WHERE id = ?", (job_id,)).fetchone() is not None


def _decode(row: tuple) -> dict:
    job = dict(zip(_KEYS, row))
    for f in LIST_FIELDS:
        job[f] = loads_list(job[f])
    return job


def get_job(db: sqlite_utils.Database, job_id: int) -> dict | None:
    """One posting with ``employer_name``/``employer_credit_code`` and lists decoded, or None."""
    row = _conn(db).execute(f"{_SELECT} WHERE j.id = ?", (job_id,)).fetchone()
    return _decode(row) if row else None


def get_job_by_external_id(db: sqlite_utils.Database, external_id: str) -> dict | None:
    """The posting with this 编号, as ``get_job``."""
    row = _conn(db).execute(f"{_SELECT} WHERE j.external_id = ?", (str(external_id).strip(),)).fetchone()
    return _decode(row) if row else None


def list_jobs(db: sqlite_utils.Database, *, status: str | None = None, city: str | None = None,
              employer_id: int | None = None, q: str | None = None, limit: int = 50,
              offset: int = 0, where: tuple[str, list] | None = None) -> tuple[list[dict], int]:
    """Postings, newest first; returns (rows of this page, total matching).

    ``q`` matches a fragment of the title, description, employer name or 编号; ``city`` accepts
    ``青岛`` or ``青岛市``. ``where`` is one more WHERE fragment and its parameters on the aliases ``j``
    (jobs) and ``e`` (employers): who may see which postings (``models.actions.postings``).
    """
    clauses, params = ([f"({where[0]})"], list(where[1])) if where else ([], [])
    if status:
        clauses.append("j.status = ?")
        params.append(status)
    if city and city.strip():
        city = city.strip()
        clauses.append("j.city IN (?, ?)")
        params += [city, city.removesuffix("市")]
    if employer_id is not None:
        clauses.append("j.employer_id = ?")
        params.append(employer_id)
    if q and q.strip():
        like = f"%{q.strip()}%"
        clauses.append("(j.title LIKE ? OR j.description LIKE ? OR e.name LIKE ? OR j.external_id LIKE ?)")
        params += [like] * 4
    clause = f" WHERE {' AND '.join(clauses)}" if clauses else ""
    conn = _conn(db)
    total = conn.execute(f"SELECT COUNT(*) FROM jobs j JOIN employers e ON e.id = j.employer_id{clause}",
                         params).fetchone()[0]
    rows = conn.execute(f"{_SELECT}{clause} ORDER BY j.id DESC LIMIT ? OFFSET ?",
                        (*params, limit, offset)).fetchall()
    return [_decode(r) for r in rows], total
