"""Workers (求职者): upsert keyed on ``external_id``, reads, search, and the audited ID reveal.

A cleaned record (``models.intake.records.clean_worker``) is stored with:
- its resident ID number only as ``models.people.pii.protect_id`` columns (ciphertext, keyed hash, masked form);
  no read here ever returns the full number — ``reveal_id_number`` decrypts it and writes ``audit_log``;
- ``content_hash``: SHA-256 of the record's stored fields (the ID enters as its keyed hash, so the hash
  cannot be brute-forced back into a number). Upserting an identical record writes nothing: ``updated_at``
  and ``rev`` stay as they were, and the derived index sees no change.

De-duplication: one person, one record. A record whose ID number already belongs to a worker with a
*different* ``external_id`` is refused (``DuplicateWorkerError``, naming the existing 编号); the ledger
import reports such a row as rejected on ``id_number``. The database holds the rule too: ``id_hash`` is
UNIQUE (NULLs, workers without an ID number, excepted). Records that are one person under two 编号 (same
name + birth + county, same phone, or an ID held since the upgrade) reach the 疑似重复 queue, where staff
merge them (``models.people.duplicates``).
"""
from __future__ import annotations

import hashlib
import json
import re
import sqlite3

import sqlite_utils

from models.errors import ActionError
from models.people import pii
from models.store.db import audit, conn_of, loads_list, transaction, utcnow

#: Record fields stored as plain columns (the ID number is handled apart).
FIELDS = ("name", "phone", "gender", "birth_year", "hukou_province", "hukou_county", "hukou_county_code",
          "assistance_status", "education", "skills", "certificates", "experience", "desired_jobs",
          "desired_cities", "expected_salary", "needs", "training_wanted")
LIST_FIELDS = ("skills", "certificates", "desired_cities", "needs")
_READ_COLUMNS = ("id", "external_id", *FIELDS[:1], "id_masked", *FIELDS[1:], "seeking", "content_hash", "rev",
                 "created_at", "updated_at")


class DuplicateWorkerError(ActionError):
    """The ID number is already registered under another 编号. ``.field`` is ``id_number``."""

    def __init__(self, existing_external_id: str) -> None:
        self.existing_external_id = existing_external_id
        super().__init__(f"该身份证号已登记在编号 {existing_external_id} 的求职者名下，同一人不能重复登记。",
                         field="id_number", kind="conflict")


def _conn(db: sqlite_utils.Database | sqlite3.Connection) -> sqlite3.Connection:
    return conn_of(db)


def _list(value: object) -> list:
    if value is None or value == "":
        return []
    if isinstance(value, str):
        return loads_list(value) if value.startswith("[") else [value]
    return list(value)


def record_id_hash(record: dict) -> str | None:
    """The keyed hash of the record's ID number, or None when it has none."""
    number = record.get("id_number")
    return pii.id_hash(number) if number else None


def birth_date(id_number: str | None) -> str | None:
    """``YYYY-MM-DD`` from a (validated) resident ID number, None without one; for the 疑似重复 queue."""
    if not id_number or len(id_number) != 18 or not id_number[6:14].isdigit():
        return None
    digits = id_number[6:14]
    return f"{digits[:4]}-{digits[4:6]}-{digits[6:]}"


def content_hash(record: dict, id_hash: str | None) -> str:
    """SHA-256 over the stored fields of ``record`` (lists as given, the ID as its keyed hash)."""
    payload = {f: (_list(record.get(f)) if f in LIST_FIELDS else record.get(f)) for f in FIELDS}
    payload["id_hash"] = id_hash
    if "seeking" in record:
        payload["seeking"] = bool(record["seeking"])
    text = json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def _column_values(record: dict, chash: str) -> dict:
    values = {f: (json.dumps(_list(record.get(f)), ensure_ascii=False) if f in LIST_FIELDS else record.get(f))
              for f in FIELDS}
    number = record.get("id_number")
    values.update(pii.protect_id(number) if number else {"id_number_enc": None, "id_hash": None,
                                                          "id_masked": None})
    values["birth_date"] = birth_date(number)
    if "seeking" in record:
        values["seeking"] = 1 if record["seeking"] else 0
    values["content_hash"] = chash
    return values


def write_worker(conn: sqlite3.Connection, record: dict, *, worker_id: int | None, chash: str) -> int:
    """Insert (``worker_id`` None) or overwrite one worker row; returns its id. No checks: callers
    (``upsert_worker``, the ledger import) decide added/updated/unchanged and de-duplicate first."""
    values = _column_values(record, chash)
    now = utcnow()
    values["updated_at"] = now
    if worker_id is None:
        values["external_id"] = record["external_id"]
        values["created_at"] = now
        cols = ", ".join(values)
        cur = conn.execute(f"INSERT INTO workers ({cols}) VALUES ({', '.join('?' * len(values))})",
                           tuple(values.values()))
        return cur.lastrowid
    sets = ", ".join(f"{k} = ?" for k in values)
    conn.execute(f"UPDATE workers SET {sets} WHERE id = ?", (*values.values(), worker_id))
    return worker_id


def upsert_worker(db: sqlite_utils.Database, record: dict) -> str:
    """Store a cleaned worker record keyed on ``external_id``: 'added', 'updated' or 'unchanged'.

    Raises ``DuplicateWorkerError`` when its ID number belongs to a worker with another 编号.
    """
    external_id = str(record["external_id"]).strip()
    record = dict(record, external_id=external_id)
    id_h = record_id_hash(record)
    chash = content_hash(record, id_h)
    with transaction(db) as conn:
        row = conn.execute("SELECT id, content_hash FROM workers WHERE external_id = ?", (external_id,)).fetchone()
        if id_h:
            other = conn.execute("SELECT external_id FROM workers WHERE id_hash = ? AND external_id != ? LIMIT 1",
                                 (id_h, external_id)).fetchone()
            if other:
                raise DuplicateWorkerError(other[0])
        if row and row[1] == chash:
            return "unchanged"
        write_worker(conn, record, worker_id=row[0] if row else None, chash=chash)
        return "updated" if row else "added"


def _decode(row: tuple) -> dict:
    worker = dict(zip(_READ_COLUMNS, row))
    for f in LIST_FIELDS:
        worker[f] = loads_list(worker[f])
    worker["seeking"] = bool(worker["seeking"])
    worker["id_masked"] = worker["id_masked"] or ""
    worker["phone_masked"] = pii.mask_phone(worker["phone"])
    return worker


_SELECT = f"SELECT {', '.join(_READ_COLUMNS)} FROM workers"


def get_worker(db: sqlite_utils.Database, worker_id: int) -> dict | None:
    """One worker (lists decoded, ``id_masked``, ``phone`` and ``phone_masked``; never the full ID)."""
    row = _conn(db).execute(f"{_SELECT} WHERE id = ?", (worker_id,)).fetchone()
    return _decode(row) if row else None


def get_worker_by_external_id(db: sqlite_utils.Database, external_id: str) -> dict | None:
    """The worker with this 编号, as ``get_worker``."""
    row = _conn(db).execute(f"{_SELECT} WHERE external_id = ?", (str(external_id).strip(),)).fetchone()
    return _decode(row) if row else None


def find_worker_by_id_number(db: sqlite_utils.Database, id_number: str) -> dict | None:
    """Exact look-up by resident ID number through its keyed hash (nothing is decrypted)."""
    if not id_number or not id_number.strip():
        return None
    row = _conn(db).execute(f"{_SELECT} WHERE id_hash = ?", (pii.id_hash(id_number),)).fetchone()
    return _decode(row) if row else None


def _looks_like_id(q: str) -> bool:
    value = pii.normalise_id(q)
    return len(value) == 18 and value[:17].isdigit() and (value[17].isdigit() or value[17] == "X")


def list_workers(db: sqlite_utils.Database, *, q: str | None = None, county: str | None = None,
                 status: str | None = None, seeking: bool | None = None, limit: int = 50,
                 offset: int = 0, where: tuple[str, list] | None = None) -> tuple[list[dict], int]:
    """Search workers; returns (rows of this page, total matching).

    ``q`` matches a name or 编号 fragment, the masked ID (``500242``, ``0030``), an exact phone number, or
    a full ID number (through its keyed hash). ``county`` matches the canonical county name, its code or
    the start of its name (``酉阳``); ``status`` is the assistance status (帮扶身份). ``where`` is one more
    WHERE fragment and its parameters on the table ``workers``: who may see which workers
    (``models.actions.workers.list_for``).
    """
    clauses, params = ([f"({where[0]})"], list(where[1])) if where else ([], [])
    if q and q.strip():
        q = q.strip()
        like = f"%{q}%"
        clause = "name LIKE ? OR external_id LIKE ? OR id_masked LIKE ? OR phone = ?"
        params += [like, like, like, q]
        if _looks_like_id(q):
            clause += " OR id_hash = ?"
            params.append(pii.id_hash(q))
        clauses.append(f"({clause})")
    if county and county.strip():
        county = county.strip()
        clauses.append("(hukou_county = ? OR hukou_county_code = ? OR hukou_county LIKE ?)")
        params += [county, county, f"{county}%"]
    if status:
        clauses.append("assistance_status = ?")
        params.append(status)
    if seeking is not None:
        clauses.append("seeking = ?")
        params.append(1 if seeking else 0)
    clause = f" WHERE {' AND '.join(clauses)}" if clauses else ""
    conn = _conn(db)
    total = conn.execute(f"SELECT COUNT(*) FROM workers{clause}", params).fetchone()[0]
    rows = conn.execute(f"{_SELECT}{clause} ORDER BY id LIMIT ? OFFSET ?", (*params, limit, offset)).fetchall()
    return [_decode(r) for r in rows], total


def next_external_id(db: sqlite_utils.Database, prefix: str) -> str:
    """``{prefix}{n}``: the first number after the highest one in use with this prefix (``S20260301-`` →
    ``S20260301-3`` when 1 and 2 exist)."""
    pattern = re.compile(re.escape(prefix) + r"(\d+)")
    rows = _conn(db).execute("SELECT external_id FROM workers WHERE external_id LIKE ?",
                             (prefix + "%",)).fetchall()
    n = max((int(m.group(1)) for (ext,) in rows if (m := pattern.fullmatch(ext))), default=0) + 1
    while get_worker_by_external_id(db, f"{prefix}{n}") is not None:
        n += 1
    return f"{prefix}{n}"


def set_worker_seeking(db: sqlite_utils.Database, worker_id: int, seeking: bool) -> bool:
    """Mark a worker as seeking work or not (e.g. after a placement); False when no such worker."""
    cur = _conn(db).execute("UPDATE workers SET seeking = ?, updated_at = ? WHERE id = ?",
                            (1 if seeking else 0, utcnow(), worker_id))
    return cur.rowcount > 0


def stored_id_number(db: sqlite_utils.Database, worker_id: int) -> str | None:
    """The worker's stored ID number, decrypted only so an edit form can write it back unchanged when the
    field is left empty. Never for display (that is :func:`reveal_id_number`, which is audited)."""
    row = _conn(db).execute("SELECT id_number_enc FROM workers WHERE id = ?", (worker_id,)).fetchone()
    return pii.decrypt_id(row[0]) if row and row[0] else None


def reveal_id_number(db: sqlite_utils.Database, worker_id: int, user_id: int | None, *,
                     via: str = "store") -> str | None:
    """Decrypt a worker's full ID number for an entitled person and record the view in ``audit_log``.

    Callers check entitlement first (``models.access.can_reveal_id``). Returns None (and logs
    nothing) when the worker has no ID number on file.
    """
    row = _conn(db).execute("SELECT id_number_enc, external_id FROM workers WHERE id = ?", (worker_id,)).fetchone()
    if not row or not row[0]:
        return None
    number = pii.decrypt_id(row[0])
    audit(db, "worker.reveal_id", user_id=user_id, entity="worker", entity_id=worker_id,
          detail={"via": via, "external_id": row[1]})
    return number
