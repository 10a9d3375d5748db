"""Follow-ups (回访): recording one, and the staff work queue 今日回访.

``record_follow_up`` validates and stores a follow-up; when it says the worker left, the placement is
ended and the worker goes back to the "needs a job" queue (``models.placement.placements.end_placement``).
``due_queue`` lists the follow-ups due today and overdue (plus the next few days), for a staff member's
scope, most urgent first. Whether a milestone is due comes from ``models.placement.placements.placement_state``.

Who may record or list what is decided by ``models.actions.placements``; the lists here take the
``models.access.Scope`` to filter by as a required argument (``EVERYTHING`` must be asked for).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import sqlite_utils

from models.access import Scope
from models.placement.placements import (
    PlacementError,
    PlacementState,
    end_placement,
    parse_date,
    placement_state,
    with_states,
)
from models.placement.stability import RiskContext, risk_for
from models.placement.stability_rules import UPCOMING_DAYS
from models.store import clock
from models.store.db import audit, utcnow
from models.vocabulary import FOLLOW_UP_CHANNELS

CHANNELS = FOLLOW_UP_CHANNELS


def record_follow_up(db: sqlite_utils.Database, placement_id: int, *, date: date | str, channel: str,
                     still_employed: bool, leave_reason: str | None = None, satisfaction: int | None = None,
                     might_leave: bool = False, note: str | None = None, staff_user_id: int | None = None,
                     today: date | None = None) -> int:
    """Store one follow-up and return its id. Raises ``PlacementError`` with a Chinese message.

    Rules: the placement is still 在岗 (leaving is final); the channel is one of ``CHANNELS``; the date is
    not before the start nor in the future; satisfaction 1–5 or empty. A follow-up saying the worker left
    ends the placement on that date (with the reason) and puts the worker back in the "needs a job" queue.
    """
    today = today or clock.today()
    row = db.execute("SELECT start_date, status FROM placements WHERE id = ?", (placement_id,)).fetchone()
    if not row:
        raise PlacementError("就业记录不存在")
    if row[1] == "离职":
        raise PlacementError("该就业记录已离职，不再回访；如已重新就业，请登记新的就业记录")
    on = parse_date(date, "date")
    if on is None:
        raise PlacementError("请填写回访日期", "date")
    if on > today:
        raise PlacementError("回访日期不能晚于今天", "date")
    if on < parse_date(row[0]):
        raise PlacementError("回访日期不能早于入职日期", "date")
    if channel not in CHANNELS:
        raise PlacementError("回访方式应为：" + "、".join(CHANNELS), "channel")
    if satisfaction in ("", None):
        satisfaction = None
    else:
        try:
            satisfaction = int(satisfaction)
        except (TypeError, ValueError):
            raise PlacementError("满意度应为 1 到 5", "satisfaction") from None
        if not 1 <= satisfaction <= 5:
            raise PlacementError("满意度应为 1 到 5", "satisfaction")
    still_employed = bool(still_employed)
    leave_reason = (leave_reason or "").strip() or None
    now = utcnow()
    cur = db.execute(
        "INSERT INTO follow_ups (placement_id, date, channel, still_employed, leave_reason, satisfaction,"
        " might_leave, note, staff_user_id, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (placement_id, on.isoformat(), channel, int(still_employed),
         None if still_employed else leave_reason, satisfaction, int(bool(might_leave) and still_employed),
         (note or "").strip() or None, staff_user_id, now, now),
    )
    follow_up_id = cur.lastrowid
    audit(db, "follow_up.create", user_id=staff_user_id, entity="placement", entity_id=placement_id,
          detail={"follow_up_id": follow_up_id, "date": on.isoformat(), "still_employed": still_employed})
    if not still_employed:
        end_placement(db, placement_id, end_date=on, reason=leave_reason or "回访得知已离职",
                      user_id=staff_user_id)
    return follow_up_id


@dataclass
class QueueItem:
    """One line of 今日回访: a placement whose next milestone follow-up is due."""

    placement: dict
    state: PlacementState
    bucket: str            # overdue | today | upcoming
    risk: dict | None = None

    @property
    def urgency(self) -> tuple:
        order = {"overdue": 0, "today": 1, "upcoming": 2}[self.bucket]
        risk = -(self.risk or {}).get("score", 0)
        return (order, -self.state.overdue_days, risk, self.state.next_due, self.placement["id"])


def due_queue(db: sqlite_utils.Database, today: date, scope: Scope, *,
              upcoming_days: int = UPCOMING_DAYS, with_risk: bool = True) -> list[QueueItem]:
    """Follow-ups due today or overdue (and within ``upcoming_days``), in ``scope``, most urgent first.

    Urgency: overdue before due-today before upcoming; within a bucket the longest overdue first, then the
    highest risk of leaving, then the earliest due date.
    """
    where, params = scope.placements_sql()
    items: list[QueueItem] = []
    horizon = today + timedelta(days=upcoming_days)
    for placement, state in with_states(db, today, f"p.status = '在岗' AND {where}", params):
        if state.status != "在岗" or state.next_due is None or state.next_due > horizon:
            continue
        bucket = "overdue" if state.next_due < today else "today" if state.next_due == today else "upcoming"
        items.append(QueueItem(placement, state, bucket))
    if with_risk and items:
        context = RiskContext.build(db, today)
        for item in items:
            item.risk = risk_for(item.placement, item.state, context).to_dict()
    items.sort(key=lambda i: i.urgency)
    return items


def recently_left(db: sqlite_utils.Database, today: date, scope: Scope, *, days: int = 30) -> list[dict]:
    """Placements in ``scope`` ended in the last ``days`` whose worker is back in the "needs a job" queue
    (newest first), so staff can offer fresh matches."""
    where, params = scope.placements_sql()
    cur = db.execute(
        "SELECT p.id, p.worker_id, w.name AS worker_name, p.employer_name, p.title, p.end_date, p.leave_reason"
        " FROM placements p JOIN workers w ON w.id = p.worker_id"
        f" WHERE p.status = '离职' AND w.seeking = 1 AND p.end_date >= ? AND {where}"
        " ORDER BY p.end_date DESC, p.id DESC",
        [(today - timedelta(days=days)).isoformat(), *params])
    cols = [c[0] for c in cur.description]
    return [dict(zip(cols, r)) for r in cur.fetchall()]


__all__ = ["CHANNELS", "QueueItem", "due_queue", "placement_state", "recently_left", "record_follow_up"]
