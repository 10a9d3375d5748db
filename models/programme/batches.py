"""点对点输送: organised transport of hired workers from a partner county to a Shandong city on a date.

A batch (``transport_batches``) has its departure county, city, date, mode (bus, train, flight), carrier,
escorts (names and phones, as staff type them), pickup and housing notes. Its passengers
(``batch_passengers``) are hired workers — each with a 在岗 placement in the batch's city — and arrival is
confirmed per passenger. Store-level code: the rules of who may do what are ``models.actions.batches``'.

``batches_for_job(db, job)`` lists the batches still to leave for the posting's city (from any county), for
the worker's job page.
"""
from __future__ import annotations

import io
import json
from datetime import date

import sqlite_utils

from models.access import mask_name
from models.people.pii import mask_phone
from models.store import clock
from models.store.db import audit, utcnow
from models.vocabulary import TRANSPORT_MODES

_COLUMNS = ("id", "name", "departure_province", "departure_county", "departure_county_code", "city", "depart_date",
            "mode", "carrier", "escorts", "pickup_note", "housing_note", "created_by", "created_at", "updated_at")


def _batch(row: tuple | None, counts: tuple | None = None) -> dict | None:
    if row is None:
        return None
    batch = dict(zip(_COLUMNS, row))
    batch["escorts"] = json.loads(batch["escorts"] or "[]")
    batch["mode_label"] = TRANSPORT_MODES.get(batch["mode"], batch["mode"])
    batch["departure"] = f"{batch['departure_province'] or ''}{batch['departure_county']}"
    if counts is not None:
        batch["passengers"], batch["arrived"] = counts
    return batch


def create_batch(db: sqlite_utils.Database, fields: dict, *, user_id: int | None) -> int:
    """Insert a batch (fields already checked) and audit it; returns its id."""
    now = utcnow()
    cur = db.execute(
        "INSERT INTO transport_batches (name, departure_province, departure_county, departure_county_code, city,"
        " depart_date, mode, carrier, escorts, pickup_note, housing_note, created_by, created_at, updated_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (fields["name"], fields["departure_province"], fields["departure_county"], fields["departure_county_code"],
         fields["city"], fields["depart_date"], fields["mode"], fields.get("carrier"),
         json.dumps(fields.get("escorts") or [], ensure_ascii=False), fields.get("pickup_note"),
         fields.get("housing_note"), user_id, now, now))
    audit(db, "batch.created", user_id=user_id, entity="transport_batch", entity_id=cur.lastrowid,
          detail={"city": fields["city"], "depart_date": fields["depart_date"]})
    return cur.lastrowid


_COUNTS = ("(SELECT COUNT(*) FROM batch_passengers bp WHERE bp.batch_id = b.id),"
           " (SELECT COUNT(*) FROM batch_passengers bp WHERE bp.batch_id = b.id AND bp.arrived_on IS NOT NULL)")


def get_batch(db: sqlite_utils.Database, batch_id: int) -> dict | None:
    cols = ", ".join(f"b.{c}" for c in _COLUMNS)
    row = db.execute(f"SELECT {cols}, {_COUNTS} FROM transport_batches b WHERE b.id = ?", (batch_id,)).fetchone()
    return _batch(row[:len(_COLUMNS)], row[len(_COLUMNS):]) if row else None


def list_batches(db: sqlite_utils.Database, where: str, params: list) -> list[dict]:
    """Batches matching ``where`` (alias ``b``), latest departure first, with passenger and arrival counts."""
    cols = ", ".join(f"b.{c}" for c in _COLUMNS)
    rows = db.execute(f"SELECT {cols}, {_COUNTS} FROM transport_batches b WHERE {where}"
                      " ORDER BY b.depart_date DESC, b.id DESC", params).fetchall()
    return [_batch(r[:len(_COLUMNS)], r[len(_COLUMNS):]) for r in rows]


def passengers(db: sqlite_utils.Database, batch_id: int) -> list[dict]:
    """The batch's passengers with their worker and placement columns (the full record: callers mask)."""
    cur = db.execute(
        "SELECT bp.id, bp.worker_id, bp.placement_id, bp.arrived_on, w.external_id, w.name, w.phone, w.id_masked,"
        " w.hukou_province, w.hukou_county, w.hukou_county_code, p.employer_name, p.title,"
        " p.city FROM batch_passengers bp JOIN workers w ON w.id = bp.worker_id"
        " LEFT JOIN placements p ON p.id = bp.placement_id WHERE bp.batch_id = ? ORDER BY bp.id", (batch_id,))
    names = [c[0] for c in cur.description]
    return [dict(zip(names, r)) for r in cur.fetchall()]


def add_passenger(db: sqlite_utils.Database, batch_id: int, worker_id: int, placement_id: int, *,
                  user_id: int | None) -> None:
    now = utcnow()
    db.execute("INSERT INTO batch_passengers (batch_id, worker_id, placement_id, created_at, updated_at)"
               " VALUES (?, ?, ?, ?, ?)", (batch_id, worker_id, placement_id, now, now))
    audit(db, "batch.passenger_added", user_id=user_id, entity="transport_batch", entity_id=batch_id,
          detail={"worker_id": worker_id, "placement_id": placement_id})


def confirm_arrival(db: sqlite_utils.Database, passenger_id: int, batch_id: int, worker_id: int, arrived_on: date,
                    *, user_id: int | None) -> None:
    db.execute("UPDATE batch_passengers SET arrived_on = ?, arrival_confirmed_by = ?, updated_at = ? WHERE id = ?",
               (arrived_on.isoformat(), user_id, utcnow(), passenger_id))
    audit(db, "batch.arrived", user_id=user_id, entity="transport_batch", entity_id=batch_id,
          detail={"worker_id": worker_id, "arrived_on": arrived_on.isoformat()})


def summary(db: sqlite_utils.Database, where: str, params: list) -> dict:
    """Dashboard counts within ``where`` (alias ``b``): batches, passengers, arrived, and per route
    (departure county → city) the people moved."""
    row = db.execute(f"SELECT COUNT(DISTINCT b.id), COUNT(bp.id), COUNT(bp.arrived_on) FROM transport_batches b"
                     f" LEFT JOIN batch_passengers bp ON bp.batch_id = b.id WHERE {where}", params).fetchone()
    routes = db.execute(f"SELECT b.departure_county, b.city, COUNT(DISTINCT b.id), COUNT(bp.id), COUNT(bp.arrived_on)"
                        f" FROM transport_batches b LEFT JOIN batch_passengers bp ON bp.batch_id = b.id"
                        f" WHERE {where} GROUP BY 1, 2 ORDER BY 5 DESC, 4 DESC, 1, 2", params).fetchall()
    return {"batches": row[0], "passengers": row[1], "arrived": row[2],
            "routes": [{"departure_county": r[0], "city": r[1], "batches": r[2], "passengers": r[3], "arrived": r[4]}
                       for r in routes]}


def batches_for_job(db: sqlite_utils.Database, job: dict, today: date | None = None) -> list[dict]:
    """Batches leaving today or later, from any county, for the posting's city (soonest first): what the
    worker's job page shows (no passengers; the escorts' names and phones are the contact for the trip)."""
    today = today or clock.today()
    if not job.get("city"):
        return []
    out = list_batches(db, "b.city = ? AND b.depart_date >= ?", [job["city"], today.isoformat()])
    out.reverse()
    keep = ("id", "name", "departure", "departure_county", "city", "depart_date", "mode", "mode_label", "escorts",
            "pickup_note", "housing_note")
    return [{k: b[k] for k in keep} for b in out]


#: Passenger list columns: (key, header). The carrier's list masks names, IDs and phones.
PASSENGER_HEADERS = [("no", "序号"), ("name", "姓名"), ("id_number", "身份证号"), ("phone", "手机号"),
                     ("hukou", "户籍区县"), ("employer_name", "用人单位"), ("arrived_on", "到达日期")]


def passenger_rows(rows: list[dict], *, full_ids: dict[int, str | None] | None) -> list[dict]:
    """The list as written: masked for the carrier (``full_ids`` None), else names and phones in full and the
    ID numbers of ``full_ids`` (the workers whose number the reader may see; the others stay masked)."""
    out = []
    for n, r in enumerate(rows, start=1):
        full = full_ids is not None
        number = (full_ids or {}).get(r["worker_id"]) if full else None
        out.append({"no": n, "name": r["name"] if full else mask_name(r["name"]),
                    "id_number": number or r["id_masked"] or "",
                    "phone": (r["phone"] or "") if full else mask_phone(r["phone"]),
                    "hukou": f"{r['hukou_province'] or ''}{r['hukou_county'] or ''}",
                    "employer_name": r["employer_name"] if full else "", "arrived_on": r["arrived_on"] or ""})
    return out


def passenger_workbook(batch: dict, rows: list[dict], *, full: bool) -> io.BytesIO:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    ws = wb.active
    ws.title = "乘车名单"
    ws.append([f"{batch['name']}：{batch['departure']} → {batch['city']}，{batch['depart_date']}，{batch['mode_label']}"
               + ("（完整名单，仅限工作人员）" if full else "（承运用，个人信息已脱敏）")])
    ws.append([h for _, h in PASSENGER_HEADERS])
    for c in ws[2]:
        c.font = Font(bold=True)
    for row in rows:
        ws.append([row[k] for k, _ in PASSENGER_HEADERS])
    for col, width in zip("ABCDEFG", (6, 10, 22, 14, 24, 26, 12)):
        ws.column_dimensions[col].width = width
    buffer = io.BytesIO()
    wb.save(buffer)
    buffer.seek(0)
    return buffer
