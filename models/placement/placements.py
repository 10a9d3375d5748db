"""Placements (就业记录): creating them, their milestones, and their state computed from follow-ups.

A placement is made by 录用 in the platform (``models.hiring.applications`` calls ``create_placement``) or recorded
by staff for a job found elsewhere (employer name, city, title, start date). Its state — in work or left,
which milestones are confirmed, which follow-up is due next — is computed by ONE function,
``placement_state``, from the placement row and its follow-ups; everything else (queue, risk, retention,
subsidies, reports, dashboard) asks that function. The rules' numbers live in ``models.placement.stability_rules``.

A worker who leaves goes back to the "needs a job" queue (``workers.seeking = 1``) automatically
(``end_placement``); ``matching.rematch`` finds fresh matches that avoid the jobs they left.
"""
from __future__ import annotations

import calendar
import logging
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from datetime import date, datetime

import sqlite_utils

from models.errors import ActionError
from models.intake.validation import normalise_city
from models.placement.stability_rules import MILESTONE_MONTHS, STABLE_MONTHS
from models.store.db import audit, select_page, utcnow

log = logging.getLogger(__name__)

class PlacementError(ActionError):
    """A placement or follow-up that cannot be recorded; ``str(e)`` is a Chinese message for the user."""

    def __init__(self, message: str, field: str | None = None, *, kind: str = "invalid") -> None:
        super().__init__(message, field=field, kind=kind)


# --- dates ------------------------------------------------------------------------------------------------
def add_months(start: date, months: int) -> date:
    """The same day ``months`` later, clamped to the last day of a shorter month.

    2024-01-31 + 1 → 2024-02-29 (leap year); 2023-01-31 + 1 → 2023-02-28; 2024-02-29 + 12 → 2025-02-28;
    2024-03-15 + 3 → 2024-06-15.
    """
    month_index = start.month - 1 + months
    year, month = start.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(start.day, calendar.monthrange(year, month)[1]))


def parse_date(value: date | datetime | str | None, field_name: str = "date") -> date | None:
    """Accept a date, a datetime or ISO text (``2024-03-01``, also ``2024/3/1``); ``None``/'' stays None."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value).strip().replace("/", "-").replace(".", "-")[:10]
    try:
        parts = [int(p) for p in text.split("-")]
        return date(parts[0], parts[1], parts[2])
    except (ValueError, IndexError):
        raise PlacementError(f"日期格式不正确：{value}（应为 2024-03-01）", field_name) from None


def milestone_dates(start: date) -> dict[int, date]:
    """Due date of each milestone (months → date) for a placement starting on ``start``."""
    return {m: add_months(start, m) for m in MILESTONE_MONTHS}


# --- state ------------------------------------------------------------------------------------------------
@dataclass
class Milestone:
    months: int
    due: date
    status: str          # confirmed | left | overdue | due | upcoming
    confirmed_on: date | None = None


@dataclass
class PlacementState:
    """Everything derived from a placement and its follow-ups (see ``placement_state``)."""

    status: str                                   # 在岗 | 离职
    left_on: date | None
    milestones: list[Milestone]
    stable_months: list[int]                      # subset of STABLE_MONTHS confirmed
    confirmed_months: int                         # longest milestone confirmed (0 when none)
    next_months: int | None                       # milestone to follow up next (None when left / all done)
    next_due: date | None
    overdue_days: int                             # > 0 when the next follow-up is late
    days_employed: int
    last_follow_up: dict | None
    follow_up_count: int
    leave_reason: str | None = None
    extra: dict = field(default_factory=dict)

    def is_stable(self, months: int) -> bool:
        return months in self.stable_months or self.confirmed_months >= months

    def to_dict(self) -> dict:
        data = asdict(self)
        for key in ("left_on", "next_due"):
            data[key] = data[key].isoformat() if data[key] else None
        for m in data["milestones"]:
            m["due"] = m["due"].isoformat()
            m["confirmed_on"] = m["confirmed_on"].isoformat() if m["confirmed_on"] else None
        return data


def placement_state(placement: dict, follow_ups: Iterable[dict], today: date) -> PlacementState:
    """THE rule for a placement's state. One place; every page, job and report calls it.

    - Left (离职): the placement row says 离职 (left on its ``end_date``), or any follow-up says the worker
      is no longer employed (left on the earliest such follow-up's date, or the row's ``end_date`` when
      that is earlier). Leaving is final: coming back is a new placement.
    - Milestone N confirmed: a follow-up dated on or after the N-month date (``add_months``) says still
      employed, and it is not after the day they left. A later confirmation also confirms earlier ones.
    - Stable at 3/6/12 (SCHEMA.md) = that milestone confirmed.
    - Next follow-up: the first milestone not yet confirmed, while still in work; overdue the day after
      its date. Follow-ups only count from the milestone date on (an early call does not confirm it).
    """
    start = parse_date(placement["start_date"])
    rows = sorted(follow_ups, key=lambda f: (str(f["date"]), f.get("id") or 0))
    end_date = parse_date(placement.get("end_date"))
    left_on: date | None = None
    leave_reason = placement.get("leave_reason")
    for fu in rows:
        if not int(fu["still_employed"]):
            left_on = parse_date(fu["date"])
            leave_reason = leave_reason or fu.get("leave_reason")
            break
    if placement.get("status") == "离职" or end_date is not None:
        candidate = end_date or left_on or today
        left_on = min(left_on, candidate) if left_on else candidate
    positives = [parse_date(f["date"]) for f in rows if int(f["still_employed"])]
    if left_on:
        positives = [d for d in positives if d <= left_on]
    latest_positive = max(positives) if positives else None

    milestones: list[Milestone] = []
    confirmed_months = 0
    next_months = next_due = None
    for months in MILESTONE_MONTHS:
        due = add_months(start, months)
        confirmed_on = min((d for d in positives if d >= due), default=None)
        if confirmed_on:
            status = "confirmed"
            confirmed_months = months
        elif left_on:
            status = "left"
        elif today > due:
            status = "overdue"
        elif today == due:
            status = "due"
        else:
            status = "upcoming"
        milestones.append(Milestone(months, due, status, confirmed_on))
        if next_months is None and status in ("overdue", "due", "upcoming"):
            next_months, next_due = months, due
    overdue_days = (today - next_due).days if next_due and today > next_due else 0
    end = left_on or today
    return PlacementState(
        status="离职" if left_on else "在岗",
        left_on=left_on,
        milestones=milestones,
        stable_months=[m.months for m in milestones if m.status == "confirmed" and m.months in STABLE_MONTHS],
        confirmed_months=confirmed_months,
        next_months=next_months,
        next_due=next_due,
        overdue_days=overdue_days,
        days_employed=max(0, (end - start).days),
        last_follow_up=dict(rows[-1]) if rows else None,
        follow_up_count=len(rows),
        leave_reason=leave_reason,
        extra={"latest_confirmation": latest_positive.isoformat() if latest_positive else None},
    )


# --- reads ------------------------------------------------------------------------------------------------
#: Every placement read: the row, its worker's display and scope columns (``hukou_county``/
#: ``hukou_county_code`` with the placement's ``city`` are what ``models.access.Scope`` reads) and the
#: platform posting's 编号. Aliases ``p`` (placements), ``w`` (workers), ``j`` (jobs).
_PLACEMENT_SELECT = """
    SELECT p.*, w.name AS worker_name, w.external_id AS worker_external_id, w.hukou_province,
           w.hukou_county, w.hukou_county_code, w.assistance_status, w.phone AS worker_phone,
           w.id_masked AS worker_id_masked, w.seeking AS worker_seeking, w.desired_cities,
           j.external_id AS job_external_id
    FROM placements p JOIN workers w ON w.id = p.worker_id LEFT JOIN jobs j ON j.id = p.job_id
"""


def get_placement(db: sqlite_utils.Database, placement_id: int) -> dict | None:
    """One placement with its worker's display fields (masked ID, never the full number)."""
    row = db.execute(_PLACEMENT_SELECT + " WHERE p.id = ?", (placement_id,)).fetchone()
    return _row(db, row) if row else None


def follow_ups_for(db: sqlite_utils.Database, placement_id: int) -> list[dict]:
    """The placement's follow-ups, oldest first, with the recording staff member's name."""
    cur = db.execute(
        "SELECT f.*, u.display_name AS staff_name, u.username AS staff_username FROM follow_ups f"
        " LEFT JOIN users u ON u.id = f.staff_user_id WHERE f.placement_id = ? ORDER BY f.date, f.id",
        (placement_id,),
    )
    return _rows(cur)


def list_where(db: sqlite_utils.Database, where: str, params: tuple | list = (), *,
               order: str = "p.start_date DESC, p.id DESC", limit: int | None = None, offset: int = 0
               ) -> tuple[list[dict], int]:
    """Placements matching a WHERE fragment (aliases ``p``, ``w``, ``j``): (rows of this page, total).
    The caller states the scope in ``where`` (``models.actions.placements.scope_sql``)."""
    return select_page(db, _PLACEMENT_SELECT + f" WHERE {where}", params, order=order, limit=limit, offset=offset)


def load_all(db: sqlite_utils.Database, where: str, params: tuple | list = ()) -> list[dict]:
    """Placements matching ``where`` (SQL on ``p``/``w``/``j``; ``1 = 1`` for all) each with ``follow_ups``."""
    placements = _rows(db.execute(_PLACEMENT_SELECT + f" WHERE {where} ORDER BY p.start_date, p.id", tuple(params)))
    if not placements:
        return []
    by_id: dict[int, list[dict]] = {p["id"]: [] for p in placements}
    for fu in _rows(db.execute("SELECT * FROM follow_ups ORDER BY date, id")):
        if fu["placement_id"] in by_id:
            by_id[fu["placement_id"]].append(fu)
    for p in placements:
        p["follow_ups"] = by_id[p["id"]]
    return placements


def with_states(db: sqlite_utils.Database, today: date, where: str, params: tuple | list = ()
                ) -> list[tuple[dict, PlacementState]]:
    """``load_all`` plus each placement's ``placement_state`` as of ``today``."""
    return [(p, placement_state(p, p["follow_ups"], today)) for p in load_all(db, where, params)]


def placements_for_worker(db: sqlite_utils.Database, worker_id: int) -> list[dict]:
    """All placements of one worker, newest first."""
    return list_where(db, "p.worker_id = ?", [worker_id])[0]


# --- writes -----------------------------------------------------------------------------------------------
def clean_city(city: str | None) -> str | None:
    """A Shandong city in its short form (青岛市 → 青岛); a city outside Shandong as written."""
    if not city or not str(city).strip():
        return None
    city = str(city).strip()
    try:
        return normalise_city(city)
    except ValueError:
        return city


def create_placement(db: sqlite_utils.Database, worker_id: int, *, job_id: int | None = None,
                     employer_name: str | None = None, city: str | None = None, title: str | None = None,
                     start_date: date | str, created_by: int | None = None,
                     application_id: int | None = None) -> int:
    """Record that a worker started a job; return the placement id. Idempotent per (worker, job, start).

    With ``job_id`` the employer, city and title come from the job unless given. Without it (a job found
    elsewhere) ``employer_name`` and ``title`` are required. The worker leaves the "needs a job" queue.
    Raises ``PlacementError`` (Chinese message) on bad input.
    """
    worker = db.execute("SELECT id FROM workers WHERE id = ?", (worker_id,)).fetchone()
    if not worker:
        raise PlacementError("求职者不存在", "worker_id")
    start = parse_date(start_date, "start_date")
    if start is None:
        raise PlacementError("请填写入职日期", "start_date")
    employer_id = None
    if job_id is not None:
        job = db.execute("SELECT j.id, j.title, j.city, j.employer_id, e.name FROM jobs j"
                         " JOIN employers e ON e.id = j.employer_id WHERE j.id = ?", (job_id,)).fetchone()
        if not job:
            raise PlacementError("岗位不存在", "job_id")
        title = title or job[1]
        city = city or job[2]
        employer_id = job[3]
        employer_name = employer_name or job[4]
    employer_name = (employer_name or "").strip()
    title = (title or "").strip()
    if not employer_name:
        raise PlacementError("请填写用人单位", "employer_name")
    if not title:
        raise PlacementError("请填写岗位名称", "title")
    if employer_id is None:
        row = db.execute("SELECT id FROM employers WHERE name = ?", (employer_name,)).fetchone()
        employer_id = row[0] if row else None
    city = clean_city(city)
    existing = db.execute(
        "SELECT id FROM placements WHERE worker_id = ? AND start_date = ? AND"
        " ((job_id IS NOT NULL AND job_id = ?) OR (job_id IS NULL AND ? IS NULL AND employer_name = ?"
        " AND title = ?))",
        (worker_id, start.isoformat(), job_id, job_id, employer_name, title),
    ).fetchone()
    if existing:
        return existing[0]
    now = utcnow()
    cur = db.execute(
        "INSERT INTO placements (worker_id, job_id, employer_id, employer_name, city, title, start_date,"
        " status, application_id, created_by, created_at, updated_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, '在岗', ?, ?, ?, ?)",
        (worker_id, job_id, employer_id, employer_name, city, title, start.isoformat(), application_id,
         created_by, now, now),
    )
    placement_id = cur.lastrowid
    db.execute("UPDATE workers SET seeking = 0, updated_at = ? WHERE id = ?", (now, worker_id))
    audit(db, "placement.create", user_id=created_by, entity="placement", entity_id=placement_id,
          detail={"worker_id": worker_id, "job_id": job_id, "start_date": start.isoformat()})
    return placement_id


def end_placement(db: sqlite_utils.Database, placement_id: int, *, end_date: date | str,
                  reason: str | None = None, user_id: int | None = None) -> None:
    """Mark a placement 离职 and put the worker back in the "needs a job" queue (``seeking = 1``).

    Safe to call twice (keeps the earliest end date). The worker goes back to seeking only when no other
    placement of theirs is still 在岗.
    """
    row = db.execute("SELECT worker_id, start_date, end_date, status FROM placements WHERE id = ?",
                     (placement_id,)).fetchone()
    if not row:
        raise PlacementError("就业记录不存在")
    worker_id, start, old_end, old_status = row
    end = parse_date(end_date, "end_date")
    if end < parse_date(start):
        raise PlacementError("离职日期不能早于入职日期", "end_date")
    if old_end and parse_date(old_end) <= end:
        end = parse_date(old_end)
    now = utcnow()
    db.execute(
        "UPDATE placements SET status = '离职', end_date = ?, leave_reason = COALESCE(?, leave_reason),"
        " updated_at = ? WHERE id = ?",
        (end.isoformat(), reason or None, now, placement_id),
    )
    if old_status != "离职":
        audit(db, "placement.end", user_id=user_id, entity="placement", entity_id=placement_id,
              detail={"end_date": end.isoformat(), "reason": reason})
    still_working = db.execute("SELECT COUNT(*) FROM placements WHERE worker_id = ? AND status = '在岗'",
                               (worker_id,)).fetchone()[0]
    if not still_working:
        changed = db.execute("UPDATE workers SET seeking = 1, updated_at = ? WHERE id = ? AND seeking = 0",
                             (now, worker_id)).rowcount
        if changed:
            audit(db, "worker.requeue", user_id=user_id, entity="worker", entity_id=worker_id,
                  detail={"placement_id": placement_id, "reason": "离职后重新进入求职队列"})


def left_job_ids(db: sqlite_utils.Database, worker_id: int) -> list[int]:
    """Platform jobs this worker has left (to be kept out of their new matches)."""
    return [r[0] for r in db.execute(
        "SELECT DISTINCT job_id FROM placements WHERE worker_id = ? AND status = '离职' AND job_id IS NOT NULL",
        (worker_id,))]


# --- helpers ------------------------------------------------------------------------------------------------
def _rows(cur) -> list[dict]:
    cols = [c[0] for c in cur.description]
    return [dict(zip(cols, r)) for r in cur.fetchall()]


def _row(db, row) -> dict:
    cur = db.execute(_PLACEMENT_SELECT + " LIMIT 0")
    return dict(zip([c[0] for c in cur.description], row))
