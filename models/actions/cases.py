"""Actions on 维权 cases (rights protection): open a case, read and list cases, add a note, close a case, and
the counts of the dashboard.

The rules (``models.access`` for who):

- **Open**: the worker themself, or staff covering the worker or the placement's city
  (``access.can_open_case``). The kind is one of ``CASE_KINDS`` (欠薪, 劳动合同, 工伤, 住宿) and a summary is
  required. The placement, when named, must be the worker's; without one the worker's current placement
  (在岗, newest) is taken, so the case raises that placement's risk of leaving while it is open
  (``models.placement.stability``). The case is assigned to staff of the work city and of the home county
  (``models.programme.cases.assignees``), who get a message.
- **Read**: the worker their own; staff the cases their scope covers (the worker's county or the work city)
  and those assigned to them (``access.can_view_case``); lists are filtered in the database.
- **Note**: anyone who may read the case, while it is open; the first staff note moves 待处理 to 处理中; a note
  by the worker is sent to the assigned staff.
- **Close**: staff who may read it (``access.can_handle_case``), with the outcome; closed is final.
"""
from __future__ import annotations

from typing import Any

from models import access
from models.errors import conflict, forbidden, invalid, not_found
from models.notifier import Message, notify
from models.people.workers import get_worker, get_worker_by_external_id
from models.placement.placements import get_placement
from models.programme import cases as store
from models.store import clock
from models.store.db import audit, transaction
from models.vocabulary import CASE_KIND_LABELS, CASE_KINDS, CASE_STATUSES, OPEN_CASE_STATUSES

_NO_CASE = "找不到该维权案件。"
_NO_WORKER = "找不到该编号的求职者（或该求职者不在您的负责范围）。"


def scope_sql(actor: Any) -> tuple[str, list]:
    """WHERE fragment (aliases ``c``, ``w``) for the cases ``actor`` may see."""
    own = access.own_worker_id(actor)
    if own is not None:
        return "c.worker_id = ?", [own]
    if access.is_staff(actor):
        return store.scope_sql(access.Scope.of(actor), access.user_id(actor))
    raise forbidden("只有求职者本人和工作人员可以查看维权案件。")


def list_for(db, actor: Any, *, status: str | None = None, limit: int | None = None,
             offset: int = 0) -> tuple[list[dict], int]:
    """The cases the actor may see, open ones first, newest first."""
    if status and status not in CASE_STATUSES:
        raise invalid(f"状态只能是：{'、'.join(CASE_STATUSES)}。", "status")
    where, params = scope_sql(actor)
    if status:
        where, params = f"{where} AND c.status = ?", [*params, status]
    return store.list_where(db, where, params, limit=limit, offset=offset)


def get(db, actor: Any, case_id: int) -> dict:
    """One case with its notes, and whether the actor may close it."""
    if access.role(actor) is None:
        raise forbidden("请先登录。")
    case = store.get_case(db, case_id)
    if case is None or not access.can_view_case(actor, case):
        raise not_found(_NO_CASE, "case_id")
    return {**case, "notes": store.notes(db, case_id), "can_close": access.can_handle_case(actor, case)
            and case["status"] in OPEN_CASE_STATUSES}


def open_case(db, actor: Any, *, kind: str, summary: str, worker_external_id: str | None = None,
              placement_id: int | None = None) -> dict:
    """Open a case (the worker about themself, staff by the worker's 编号); returns it."""
    own = access.own_worker_id(actor)
    if own is None and not access.is_staff(actor):
        raise forbidden("只有求职者本人和工作人员可以登记维权案件。")
    kind = (kind or "").strip()
    summary = (summary or "").strip()
    with transaction(db):
        if own is not None and not (worker_external_id or "").strip():
            worker = get_worker(db, own)
        else:
            worker = get_worker_by_external_id(db, (worker_external_id or "").strip())
            if worker is None:
                raise (invalid("请填写求职者编号。", "worker_external_id") if not (worker_external_id or "").strip()
                       else not_found(_NO_WORKER, "worker_external_id"))
        placement = None
        if placement_id:
            placement = get_placement(db, int(placement_id))
            if placement is None or placement["worker_id"] != worker["id"]:
                raise not_found("找不到该求职者的这条就业记录。", "placement_id")
        else:
            row = db.execute("SELECT id FROM placements WHERE worker_id = ? AND status = '在岗'"
                             " ORDER BY start_date DESC, id DESC LIMIT 1", (worker["id"],)).fetchone()
            placement = get_placement(db, row[0]) if row else None
        if not access.can_open_case(actor, worker, placement):
            raise not_found(_NO_WORKER, "worker_external_id")
        if kind not in CASE_KINDS:
            raise invalid(f"请选择案件类型：{'、'.join(CASE_KIND_LABELS[k] for k in CASE_KINDS)}。", "kind")
        if not summary:
            raise invalid("请写明发生了什么（时间、单位、金额或经过）。", "summary")
        if len(summary) > 2000:
            raise invalid("情况说明请控制在 2000 字以内。", "summary")
        city = placement["city"] if placement else None
        city_staff, county_staff = store.assignees(db, worker.get("hukou_county"), worker.get("hukou_county_code"),
                                                   city)
        case_id = store.open_case(db, worker_id=worker["id"], placement_id=placement["id"] if placement else None,
                                  kind=kind, summary=summary, city=city, opened_by=access.user_id(actor),
                                  opened_via="worker" if own == worker["id"] else "staff",
                                  city_staff_id=city_staff, county_staff_id=county_staff)
        audit(db, "case.open", user_id=access.user_id(actor), entity="case", entity_id=case_id,
              detail={"kind": kind, "worker_id": worker["id"]})
        for staff_id in {s for s in (city_staff, county_staff) if s is not None}:
            notify(db, Message(subject=f"新的维权案件：{CASE_KIND_LABELS[kind]}（{worker['name']}）",
                               body=summary[:200], user_id=staff_id, link=f"/cases/{case_id}",
                               dedupe_key=f"case:{case_id}:{staff_id}"))
    return get(db, actor, case_id)


def add_note(db, actor: Any, case_id: int, *, note: str) -> dict:
    """A note on an open case (the worker or staff who may read it); staff's first note starts the handling."""
    note = (note or "").strip()
    with transaction(db):
        case = get(db, actor, case_id)
        if case["status"] not in OPEN_CASE_STATUSES:
            raise conflict("该案件已结案，不能再添加记录。", "case_id")
        if not note:
            raise invalid("请填写处理记录。", "note")
        if len(note) > 2000:
            raise invalid("记录请控制在 2000 字以内。", "note")
        note_id = store.add_note(db, case_id, access.user_id(actor), note)
        if access.is_staff(actor) and case["status"] == "待处理":
            store.set_status(db, case_id, "处理中")
        if access.own_worker_id(actor) is not None:  # the worker wrote: the assigned staff are told
            for staff_id in {s for s in (case["city_staff_id"], case["county_staff_id"]) if s is not None}:
                notify(db, Message(subject=f"维权案件有新情况：{CASE_KIND_LABELS[case['kind']]}（{case['worker_name']}）",
                                   body=note[:200], user_id=staff_id, link=f"/cases/{case_id}",
                                   dedupe_key=f"case-note:{note_id}:{staff_id}"))
        audit(db, "case.note", user_id=access.user_id(actor), entity="case", entity_id=case_id)
    return get(db, actor, case_id)


def close_case(db, actor: Any, case_id: int, *, outcome: str) -> dict:
    """已结案 with the outcome (staff who may read the case)."""
    outcome = (outcome or "").strip()
    with transaction(db):
        case = get(db, actor, case_id)
        if not access.can_handle_case(actor, case):
            raise forbidden("只有工作人员可以结案。")
        if case["status"] not in OPEN_CASE_STATUSES:
            raise conflict("该案件已结案。", "case_id")
        if not outcome:
            raise invalid("请填写处理结果（如 已追回工资 8000 元）。", "outcome")
        store.add_note(db, case_id, access.user_id(actor), f"结案：{outcome}")
        store.set_status(db, case_id, "已结案", outcome=outcome[:2000], closed_on=clock.today().isoformat())
        audit(db, "case.close", user_id=access.user_id(actor), entity="case", entity_id=case_id)
    return get(db, actor, case_id)


def counts(db, actor: Any) -> dict:
    """Dashboard counts within the staff member's scope: open cases by kind, open in total, closed this year."""
    if not access.is_staff(actor):
        raise forbidden("只有工作人员可以查看统计。")
    where, params = scope_sql(actor)
    by_kind = dict.fromkeys(CASE_KINDS, 0)
    marks = ", ".join("?" * len(OPEN_CASE_STATUSES))
    for kind, n in db.execute(f"SELECT c.kind, COUNT(*) FROM cases c JOIN workers w ON w.id = c.worker_id"
                              f" WHERE {where} AND c.status IN ({marks}) GROUP BY c.kind",
                              [*params, *OPEN_CASE_STATUSES]):
        by_kind[kind] = n
    closed = db.execute(f"SELECT COUNT(*) FROM cases c JOIN workers w ON w.id = c.worker_id WHERE {where}"
                        " AND c.status = '已结案' AND substr(c.closed_on, 1, 4) = ?",
                        [*params, str(clock.today().year)]).fetchone()[0]
    return {"open": sum(by_kind.values()), "by_kind": by_kind, "closed_this_year": closed,
            "labels": CASE_KIND_LABELS}
