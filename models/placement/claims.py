"""我已找到工作: a worker's own report that they started a job, kept apart from placements until staff confirm
it (a report is not yet an employment record: reports, subsidies and follow-ups count placements only).

Store-level reads and writes; who may do what is ``models.actions.placements``.
"""
from __future__ import annotations

from datetime import date

import sqlite_utils

from models.placement.placements import PlacementError, clean_city, parse_date
from models.store.db import audit, select_page, transaction, utcnow

_SELECT = ("SELECT c.id, c.worker_id, c.job_id, c.employer_name, c.city, c.title, c.start_date, c.status,"
           " c.placement_id, c.handled_by, c.handled_at, c.note, c.created_at, w.external_id AS worker_external_id,"
           " w.name AS worker_name, w.hukou_province, w.hukou_county, w.hukou_county_code"
           " FROM placement_claims c JOIN workers w ON w.id = c.worker_id")


def create(db: sqlite_utils.Database, worker_id: int, *, employer_name: str, title: str, city: str | None,
           start_date: date | str | None, today: date, user_id: int | None) -> int:
    """Store one report (checked: employer, title, a start date not in the future); returns its id. A second
    pending report of the same worker replaces the first (the worker corrected it)."""
    employer_name, title = (employer_name or "").strip()[:100], (title or "").strip()[:60]
    if not employer_name:
        raise PlacementError("请填写在哪个单位上班", "employer_name")
    if not title:
        raise PlacementError("请填写做什么工作", "title")
    start = parse_date(start_date, "start_date")
    if start is None:
        raise PlacementError("请填写哪天开始上班", "start_date")
    if start > today:
        raise PlacementError("开始上班的日期不能晚于今天；上班以后再来登记", "start_date")
    city = clean_city(city)
    now = utcnow()
    with transaction(db):
        db.execute("DELETE FROM placement_claims WHERE worker_id = ? AND status = 'pending'", (worker_id,))
        claim_id = db.execute(
            "INSERT INTO placement_claims (worker_id, employer_name, city, title, start_date, status, created_at,"
            " updated_at) VALUES (?, ?, ?, ?, ?, 'pending', ?, ?)",
            (worker_id, employer_name, city, title, start.isoformat(), now, now)).lastrowid
        audit(db, "placement_claim.create", user_id=user_id, entity="placement_claim", entity_id=claim_id,
              detail={"worker_id": worker_id})
    return claim_id


def get(db: sqlite_utils.Database, claim_id: int) -> dict | None:
    rows, _ = select_page(db, _SELECT + " WHERE c.id = ?", [claim_id], order="c.id")
    return rows[0] if rows else None


def list_where(db: sqlite_utils.Database, where: str, params: list) -> list[dict]:
    return select_page(db, _SELECT + f" WHERE {where}", params, order="c.id DESC")[0]


def close(db: sqlite_utils.Database, claim_id: int, status: str, *, user_id: int | None,
          placement_id: int | None = None, note: str | None = None) -> None:
    now = utcnow()
    db.execute("UPDATE placement_claims SET status = ?, placement_id = ?, handled_by = ?, handled_at = ?, note = ?,"
               " updated_at = ? WHERE id = ?", (status, placement_id, user_id, now, note, now, claim_id))
    audit(db, f"placement_claim.{status}", user_id=user_id, entity="placement_claim", entity_id=claim_id,
          detail={"placement_id": placement_id} if placement_id else None)
