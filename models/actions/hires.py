"""录用 undone the same day: an employer (or staff covering the application) who pressed 录用 by mistake takes it
back before the day is out (Asia/Shanghai), as long as nothing has happened on the placement yet.

The rule, in one place: the application is at 录用; the placement its hire created was created today (platform
time zone) and has no follow-up; the actor may move the application (``models.access.can_update_application``).
Undoing deletes that placement, puts the application back where it was before 录用 (from the audit log; 面试
when unknown), puts the worker back in the "needs a job" queue unless they are in work elsewhere, audits it,
and tells the worker. After the day, or after a follow-up, a hire is ended like any placement (登记离职).
"""
from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from models import access
from models.actions.applications import get
from models.errors import conflict, forbidden
from models.people.messages import post
from models.store import clock
from models.store.db import audit, transaction, utcnow


def _local_day(timestamp: str):
    moment = datetime.fromisoformat(timestamp)
    return moment.astimezone(clock.tz()).date()


def undo_hire(db, actor: Any, application_id: int) -> dict:
    """Take back today's 录用 of ``application_id``; returns the application as it is now."""
    with transaction(db):
        row = get(db, actor, application_id)
        if not access.can_update_application(actor, row):
            raise forbidden("只有发布岗位的单位和负责的工作人员可以撤销录用。")
        if row["status"] != "录用":
            raise conflict("这份投递没有被录用，不用撤销。", "id")
        placement = db.execute("SELECT id, created_at, status FROM placements WHERE application_id = ?"
                               " ORDER BY id DESC LIMIT 1", (application_id,)).fetchone()
        if placement is None or _local_day(placement[1]) != clock.today():
            raise conflict("只能在录用当天撤销；已经过了当天，请在就业记录里登记离职。", "id")
        if db.execute("SELECT 1 FROM follow_ups WHERE placement_id = ? LIMIT 1", (placement[0],)).fetchone():
            raise conflict("这条就业记录已经有回访，不能撤销录用；请登记离职。", "id")
        last = db.execute("SELECT detail FROM audit_log WHERE entity = 'application' AND entity_id = ?"
                          " AND action = 'application.status' ORDER BY id DESC LIMIT 1", (application_id,)).fetchone()
        before = (json.loads(last[0]) if last and last[0] else {}).get("from")
        before = before if before in ("待处理", "已联系", "面试") else "面试"
        now = utcnow()
        db.execute("DELETE FROM placement_risk WHERE placement_id = ?", (placement[0],))
        db.execute("UPDATE placement_claims SET placement_id = NULL WHERE placement_id = ?", (placement[0],))
        db.execute("DELETE FROM placements WHERE id = ?", (placement[0],))
        db.execute("UPDATE applications SET status = ?, updated_at = ? WHERE id = ?", (before, now, application_id))
        working = db.execute("SELECT 1 FROM placements WHERE worker_id = ? AND status = '在岗' LIMIT 1",
                             (row["worker_id"],)).fetchone()
        if not working:
            db.execute("UPDATE workers SET seeking = 1, updated_at = ? WHERE id = ?", (now, row["worker_id"]))
        audit(db, "application.undo_hire", user_id=access.user_id(actor), entity="application",
              entity_id=application_id, detail={"placement_id": placement[0], "back_to": before})
        post(db, row["worker_id"], "status",
             f"“{row['job_title']}”（{row['employer_name']}）撤销了今天的录用，投递回到“{before}”。有疑问请联系单位或工作人员。",
             f"/me/applications#application-{application_id}")
    return get(db, actor, application_id)
