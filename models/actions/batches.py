"""Actions on 点对点输送 batches: create one, add passengers, confirm arrivals, the passenger lists, the lists
of batches and the dashboard counts.

The rules, each in one place:

- **Create** (:func:`create`): staff covering the departure county or the Shandong city
  (``models.access.can_manage_batch``). The county must be a real county-level division (written as people
  write it: 酉阳, 甘肃省东乡), the city one of Shandong's 16, the mode bus/train/flight, the date a date.
- **See, add passengers, confirm arrival, lists** (:func:`get`, :func:`add_passenger`,
  :func:`confirm_arrival`, :func:`passenger_workbook`): staff covering the batch; a batch they do not cover
  is ``not_found``. A passenger is a hired worker: one with a 在岗 placement in the batch's city that the
  staff member covers; once per batch. Arrival is confirmed once per passenger, not before the departure
  date and not in the future.
- **Passenger lists**: the carrier's list masks names, ID numbers and phones; the full list (staff) shows
  names and phones, and full ID numbers only of the workers whose county the staff member covers (the ID
  rule of ``models.access.can_reveal_id``), each reveal written to the audit log.
"""
from __future__ import annotations

import io
from datetime import date
from typing import Any

from models import access
from models.errors import conflict, forbidden, invalid, not_found
from models.intake.validation import ValidationError, normalise_city, resolve_county_anywhere
from models.people import messages
from models.people.workers import get_worker_by_external_id, reveal_id_number
from models.placement.placements import parse_date
from models.programme import batches as store
from models.store import clock
from models.store.db import audit, transaction
from models.vocabulary import TRANSPORT_MODES

_NO_BATCH = "找不到该输送批次。"


def _staff(actor: Any) -> access.Scope:
    if not access.is_staff(actor):
        raise forbidden("只有工作人员可以管理点对点输送。")
    return access.Scope.of(actor)


def list_for(db, actor: Any) -> list[dict]:
    """The batches the actor covers, latest departure first, with passenger and arrival counts."""
    where, params = _staff(actor).batches_sql("b")
    return store.list_batches(db, where, list(params))


def summary(db, actor: Any) -> dict:
    """Dashboard counts of people moved within the actor's scope."""
    where, params = _staff(actor).batches_sql("b")
    return store.summary(db, where, list(params))


def get(db, actor: Any, batch_id: int) -> dict:
    """One batch the actor covers, with its passengers (masked as the actor may see them)."""
    _staff(actor)
    batch = store.get_batch(db, batch_id)
    if batch is None or not access.can_manage_batch(actor, batch):
        raise not_found(_NO_BATCH, "batch_id")
    scope = access.Scope.of(actor)
    batch["passenger_list"] = [
        {"worker_external_id": p["external_id"], "worker_id": p["worker_id"],
         "name": p["name"], "phone": p["phone"] if scope.covers_county(p["hukou_county"], p["hukou_county_code"])
         or scope.covers_city(p["city"]) else None,
         "id_masked": p["id_masked"] if scope.covers_county(p["hukou_county"], p["hukou_county_code"]) else None,
         "hukou": f"{p['hukou_province'] or ''}{p['hukou_county'] or ''}", "employer_name": p["employer_name"],
         "title": p["title"], "placement_id": p["placement_id"], "arrived_on": p["arrived_on"]}
        for p in store.passengers(db, batch_id)]
    return batch


def _text(value: str | None, limit: int) -> str | None:
    return (value or "").strip()[:limit] or None


def create(db, actor: Any, *, departure_county: str, city: str, depart_date: date | str, mode: str,
           name: str | None = None, carrier: str | None = None, escorts: list[str] | str | None = None,
           pickup_note: str | None = None, housing_note: str | None = None) -> dict:
    """A new batch; returns it."""
    _staff(actor)
    try:
        county = resolve_county_anywhere(departure_county, "departure_county")
    except ValidationError as exc:
        raise invalid(str(exc), "departure_county") from None
    try:
        city_name = normalise_city(city, "city")
    except ValidationError as exc:
        raise invalid(str(exc), "city") from None
    if mode not in TRANSPORT_MODES:
        raise invalid(f"方式只能是：{'、'.join(TRANSPORT_MODES.values())}。", "mode")
    day = parse_date(depart_date, "depart_date")
    if day is None:
        raise invalid("请填写出发日期。", "depart_date")
    if isinstance(escorts, str):
        escorts = [e.strip() for e in escorts.replace("，", "、").replace(",", "、").split("、")]
    escorts = [e[:60] for e in (escorts or []) if e and e.strip()]
    fields = {"name": _text(name, 60) or f"{county.name}→{city_name} {day.isoformat()}",
              "departure_province": county.province, "departure_county": county.name,
              "departure_county_code": county.code, "city": city_name, "depart_date": day.isoformat(), "mode": mode,
              "carrier": _text(carrier, 100), "escorts": escorts, "pickup_note": _text(pickup_note, 500),
              "housing_note": _text(housing_note, 500)}
    if not access.can_manage_batch(actor, fields):
        raise forbidden(f"出发区县（{county.name}）和到达城市（{city_name}）都不在您的负责范围。", "departure_county")
    with transaction(db):
        batch_id = store.create_batch(db, fields, user_id=access.user_id(actor))
    return get(db, actor, batch_id)


def _hired_placement(db, worker_id: int, city: str) -> dict | None:
    cur = db.execute("SELECT p.id, p.worker_id, p.city, w.hukou_county, w.hukou_county_code FROM placements p"
                     " JOIN workers w ON w.id = p.worker_id WHERE p.worker_id = ? AND p.city = ? AND p.status = '在岗'"
                     " ORDER BY p.start_date DESC, p.id DESC LIMIT 1", (worker_id, city))
    row = cur.fetchone()
    return dict(zip([c[0] for c in cur.description], row)) if row else None


def add_passenger(db, actor: Any, batch_id: int, *, worker_external_id: str) -> dict:
    """Put a hired worker (by 编号) on the batch; returns the batch."""
    with transaction(db):
        batch = get(db, actor, batch_id)
        worker = get_worker_by_external_id(db, (worker_external_id or "").strip())
        placement = _hired_placement(db, worker["id"], batch["city"]) if worker else None
        scope = access.Scope.of(actor)
        if worker is None or not (scope.covers_worker(worker) or (placement and scope.covers_placement(placement))):
            raise not_found("找不到该编号的求职者（或不在您的负责范围）。", "worker_external_id")
        if placement is None:
            raise conflict(f"{worker['name']}没有在{batch['city']}的在岗就业记录：录用并登记就业后才能安排输送。",
                           "worker_external_id")
        if any(p["worker_id"] == worker["id"] for p in batch["passenger_list"]):
            raise conflict(f"{worker['name']}已在本批次的乘车名单中。", "worker_external_id")
        store.add_passenger(db, batch_id, worker["id"], placement["id"], user_id=access.user_id(actor))
        pickup = f"，{batch['pickup_note']}" if batch.get("pickup_note") else ""
        messages.post(db, worker["id"], "batch",
                      f"您已列入点对点输送：{batch['depart_date']} 从{batch['departure_county']}出发"
                      f"（{batch['mode_label']}）到{batch['city']}{pickup}。有变化请联系工作人员。",
                      dedupe_key=f"batch:{batch_id}:{worker['id']}")
    return get(db, actor, batch_id)


def confirm_arrival(db, actor: Any, batch_id: int, *, worker_external_id: str,
                    arrived_on: date | str | None = None) -> dict:
    """The passenger arrived (default today); returns the batch."""
    day = parse_date(arrived_on, "arrived_on") or clock.today()
    with transaction(db):
        batch = get(db, actor, batch_id)
        passenger = next((p for p in store.passengers(db, batch_id)
                          if p["external_id"] == (worker_external_id or "").strip()), None)
        if passenger is None:
            raise not_found("该求职者不在本批次的乘车名单中。", "worker_external_id")
        if passenger["arrived_on"]:
            raise conflict(f"{passenger['name']}已于 {passenger['arrived_on']} 确认到达。", "worker_external_id")
        if day < parse_date(batch["depart_date"]):
            raise invalid(f"到达日期不能早于出发日期（{batch['depart_date']}）。", "arrived_on")
        if day > clock.today():
            raise invalid("到达日期不能晚于今天。", "arrived_on")
        store.confirm_arrival(db, passenger["id"], batch_id, passenger["worker_id"], day,
                              user_id=access.user_id(actor))
    return get(db, actor, batch_id)


def candidates(db, actor: Any, batch_id: int) -> list[dict]:
    """Hired workers (在岗 in the batch's city, from its departure county) the actor covers and not yet on it."""
    batch = get(db, actor, batch_id)
    on_board = {p["worker_id"] for p in batch["passenger_list"]}
    cur = db.execute("SELECT w.id, w.external_id, w.name, p.employer_name, p.title, p.start_date, w.hukou_county,"
                     " w.hukou_county_code, p.city FROM placements p JOIN workers w ON w.id = p.worker_id"
                     " WHERE p.status = '在岗' AND p.city = ? AND (w.hukou_county_code = ? OR w.hukou_county = ?)"
                     " ORDER BY p.start_date DESC LIMIT 200",
                     (batch["city"], batch["departure_county_code"], batch["departure_county"]))
    names = [c[0] for c in cur.description]
    scope = access.Scope.of(actor)
    rows = [dict(zip(names, r)) for r in cur.fetchall()]
    return [r for r in rows if r["id"] not in on_board and (scope.covers_worker(r) or scope.covers_placement(r))]


def passenger_workbook(db, actor: Any, batch_id: int, *, full: bool = False) -> io.BytesIO:
    """The passenger list as .xlsx: masked for the carrier, or full for staff (each full ID audited)."""
    batch = get(db, actor, batch_id)
    rows = store.passengers(db, batch_id)
    full_ids = None
    if full:
        full_ids = {}
        with transaction(db):
            for r in rows:
                if access.can_reveal_id(actor, r):
                    full_ids[r["worker_id"]] = reveal_id_number(db, r["worker_id"], access.user_id(actor),
                                                                via=f"batch:{batch_id}")
            audit(db, "batch.full_list", user_id=access.user_id(actor), entity="transport_batch", entity_id=batch_id,
                  detail={"passengers": len(rows), "ids_revealed": sum(1 for v in full_ids.values() if v)})
    return store.passenger_workbook(batch, store.passenger_rows(rows, full_ids=full_ids), full=full)
