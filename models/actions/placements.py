"""Actions on placements (就业记录) and follow-ups (回访): record a placement (on a platform posting or in a job
found outside the platform), record a follow-up, end a placement; the scoped reads (one placement with its
history, lists, the 今日回访 queue, recently left, the risk list); the nightly stability recompute.

The rules, each in one place:

- **Record a placement**: staff covering the worker or the city of the job (``models.access.can_create_placement``;
  the same rule on the page and in the API). The worker is named by 编号; one the actor may not know about is
  ``not_found`` exactly like one that does not exist. A platform posting (by 编号) gives the employer, city
  and title; a job found elsewhere needs the employer and title (and its city for city staff).
- **Follow up, end a placement**: staff covering the placement (``models.access.can_follow_up``: the worker's
  county or the placement's city), while it is 在岗 — leaving is final; coming back is a new placement. A
  follow-up saying the worker left ends the placement; ending puts the worker back in the "needs a job" queue.
- **Reads**: the worker their own placements, an employer the placements at it, staff those their scope
  covers — filtered in the database (:func:`scope_sql`); anonymous users nothing.

Every refusal is an ``ActionError``; a record the actor may not know about is ``not_found``.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from models import access
from models.actions import workers as worker_actions
from models.errors import conflict, forbidden, invalid, not_found
from models.hiring.jobs import get_job_by_external_id
from models.people.workers import get_worker, get_worker_by_external_id
from models.placement import claims, stability
from models.placement import follow_ups as follow_up_store
from models.placement import placements as store
from models.placement.placements import PlacementState
from models.store import clock
from models.store.db import transaction
from models.vocabulary import PLACEMENT_STATUSES

_NO_WORKER = "找不到该编号的求职者（或该求职者和工作城市都不在您的负责范围）。"


# --- reads ------------------------------------------------------------------------------------------------

def scope_sql(actor: Any) -> tuple[str, list]:
    """WHERE fragment (aliases ``p``, ``w``) for the placements ``actor`` may see."""
    if access.own_worker_id(actor) is not None:
        return "p.worker_id = ?", [access.own_worker_id(actor)]
    if access.own_employer_id(actor) is not None:
        return "p.employer_id = ?", [access.own_employer_id(actor)]
    if access.is_staff(actor):
        return access.Scope.of(actor).placements_sql("p", "w")
    raise forbidden("请先登录。")


def get(db, actor: Any, placement_id: int) -> dict:
    """One placement the actor may see (the worker, the employer the worker works for, staff covering it)."""
    row = store.get_placement(db, placement_id)
    if row is None or not access.can_view_placement(actor, row):
        raise not_found("找不到该就业记录。", "placement_id")
    return row


def list_for(db, actor: Any, *, status: str | None = None, worker_id: int | None = None,
             limit: int | None = None, offset: int = 0) -> tuple[list[dict], int]:
    """The placements ``actor`` may see, newest first, filtered in the database: (rows of this page, total)."""
    if status and status not in PLACEMENT_STATUSES:
        raise invalid(f"状态只能是：{'、'.join(PLACEMENT_STATUSES)}。", "status")
    where, params = scope_sql(actor)
    filters = {"p.status = ?": status or None, "p.worker_id = ?": worker_id}
    wanted = {clause: value for clause, value in filters.items() if value is not None}
    return store.list_where(db, " AND ".join([where, *wanted]), [*params, *wanted.values()], limit=limit,
                            offset=offset)


@dataclass
class Detail:
    """One placement as a staff page shows it: the row, its worker as the actor may see them, the state from
    the follow-ups, the risk of leaving, the worker's other placements the actor may see, and whether the
    actor may record follow-ups on it."""

    placement: dict
    worker: dict
    state: PlacementState
    follow_ups: list[dict]
    risk: stability.Risk
    history: list[dict]
    can_follow_up: bool
    can_view_matches: bool


def detail(db, actor: Any, placement_id: int) -> Detail:
    """:func:`get` with everything the placement's page shows."""
    row = get(db, actor, placement_id)
    today = clock.today()
    follow_ups = store.follow_ups_for(db, placement_id)
    state = store.placement_state(row, follow_ups, today)
    risk = stability.risk_for(row, state, stability.RiskContext.build(db, today))
    worker = get_worker(db, row["worker_id"])
    shown = worker_actions.present(db, actor, worker) or {}
    shown["visibility"] = worker_actions.visibility(db, actor, worker)
    history = [p for p in list_for(db, actor, worker_id=row["worker_id"])[0] if p["id"] != placement_id]
    return Detail(row, shown, state, follow_ups, risk, history, access.can_follow_up(actor, row),
                  access.can_view_matches_for_worker(actor, worker))


def _staff_scope(actor: Any) -> access.Scope:
    if not access.is_staff(actor):
        raise forbidden("只有工作人员可以查看回访工作。")
    return access.Scope.of(actor)


def queue(db, actor: Any, *, today: date | None = None, with_risk: bool = True) -> list[follow_up_store.QueueItem]:
    """今日回访: the follow-ups due ``today`` (default: the clock's), overdue and in the next few days that the
    staff member covers. The scheduler passes its own ``today``."""
    return follow_up_store.due_queue(db, today or clock.today(), _staff_scope(actor), with_risk=with_risk)


def recently_left(db, actor: Any, *, days: int = 30) -> list[dict]:
    """Placements the staff member covers that ended in the last ``days`` with the worker seeking again."""
    return follow_up_store.recently_left(db, clock.today(), _staff_scope(actor), days=days)


def risk_list(db, actor: Any) -> list[tuple[dict, PlacementState, stability.Risk]]:
    """Everyone in work the staff member covers with a risk signal, highest risk first."""
    return [t for t in stability.risks(db, clock.today(), _staff_scope(actor)) if t[2].score > 0]


# --- writes -----------------------------------------------------------------------------------------------

def record_placement(db, actor: Any, *, worker_external_id: str, start_date: date | str | None,
                     job_external_id: str | None = None, employer_name: str | None = None,
                     city: str | None = None, title: str | None = None) -> int:
    """Record that a worker started a job; returns the placement id (the same id when recorded twice).

    With ``job_external_id`` the platform posting gives employer, city and title (the other fields are
    ignored); without it ``employer_name`` and ``title`` are required. The worker leaves the "needs a job"
    queue."""
    if not access.is_staff(actor):
        raise forbidden("只有工作人员可以登记就业。")
    with transaction(db):
        worker = get_worker_by_external_id(db, (worker_external_id or "").strip())
        if worker is None:
            raise not_found(_NO_WORKER, "worker_external_id")
        job = None
        if (job_external_id or "").strip():
            job = get_job_by_external_id(db, job_external_id.strip())
            if job is None:
                raise not_found("找不到该编号的岗位。", "job_external_id")
        place_city = job["city"] if job else store.clean_city(city)
        if not access.can_create_placement(actor, worker, place_city):
            raise not_found(_NO_WORKER, "worker_external_id")
        if job is not None:
            return store.create_placement(db, worker["id"], job_id=job["id"], start_date=start_date,
                                          created_by=access.user_id(actor))
        return store.create_placement(db, worker["id"], employer_name=employer_name, city=place_city, title=title,
                                      start_date=start_date, created_by=access.user_id(actor))


def _followable(db, actor: Any, placement_id: int) -> dict:
    row = get(db, actor, placement_id)
    if not access.can_follow_up(actor, row):
        raise forbidden("只有负责该就业记录的工作人员可以回访或登记离职。")
    if row["status"] == "离职":
        raise conflict("该就业记录已离职，不再回访；如已重新就业，请登记新的就业记录。", "placement_id")
    return row


def record_follow_up(db, actor: Any, placement_id: int, *, channel: str, still_employed: bool | None,
                     date: date | str | None = None, leave_reason: str | None = None,
                     satisfaction: int | str | None = None, might_leave: bool = False,
                     note: str | None = None) -> int:
    """Record a follow-up (default date: today); returns its id. One saying the worker left ends the
    placement on that date and puts the worker back in the "needs a job" queue."""
    if still_employed is None:
        raise invalid("请选择是否在岗。", "still_employed")
    today = clock.today()
    with transaction(db):
        _followable(db, actor, placement_id)
        return follow_up_store.record_follow_up(
            db, placement_id, date=date or today, channel=channel, still_employed=still_employed,
            leave_reason=leave_reason, satisfaction=satisfaction, might_leave=might_leave, note=note,
            staff_user_id=access.user_id(actor), today=today)


def end_placement(db, actor: Any, placement_id: int, *, end_date: date | str | None,
                  leave_reason: str | None = None) -> dict:
    """The worker left (离职) on ``end_date``; they go back to the "needs a job" queue. Returns the placement."""
    today = clock.today()
    with transaction(db):
        _followable(db, actor, placement_id)
        end = store.parse_date(end_date, "end_date")
        if end is None:
            raise invalid("请填写离职日期。", "end_date")
        if end > today:
            raise invalid("离职日期不能晚于今天。", "end_date")
        store.end_placement(db, placement_id, end_date=end, reason=(leave_reason or "").strip()[:200] or None,
                            user_id=access.user_id(actor))
    return store.get_placement(db, placement_id)


def recompute_stability(db, actor: Any, *, today: date | None = None) -> dict:
    """The nightly snapshot of risk and employer retention (programme-wide): admins and the scheduler
    (which passes its own ``today``)."""
    if not access.is_admin(actor):
        raise forbidden("只有管理员可以重算稳定性数据。")
    return stability.recompute(db, today or clock.today())


# --- 我已找到工作: the worker's own report, confirmed by staff ---------------------------------------------------

def _claim_visible(actor: Any, claim: dict) -> bool:
    return access.own_worker_id(actor) == claim["worker_id"] or access.staff_covers_worker(actor, claim)


def report_found_job(db, actor: Any, *, employer_name: str, title: str, city: str | None = None,
                     start_date: date | str | None = None) -> int:
    """我已找到工作: the signed-in worker says they started a job (found on the platform or not); it waits for
    staff to confirm it (:func:`confirm_found_job`) before it is a placement. Returns the report's id; the
    worker's responsible staff member gets a reminder."""
    worker_id = access.own_worker_id(actor)
    if worker_id is None:
        raise forbidden("只有求职者本人可以登记“我已找到工作”。")
    from models.notifier import Message, enqueue
    from models.people import contacts

    with transaction(db):
        claim_id = claims.create(db, worker_id, employer_name=employer_name, title=title, city=city,
                                 start_date=start_date or clock.today(), today=clock.today(),
                                 user_id=access.user_id(actor))
        worker = get_worker(db, worker_id)
        contact, _ = contacts.responsible(db, worker)
        enqueue(db, Message(subject="求职者自报已就业，待确认",
                            body=f"{worker['name']}说已在“{employer_name.strip()}”做{title.strip()}，请核实后确认。",
                            user_id=contact["id"] if contact else None, link="/staff/care/claims",
                            dedupe_key=f"claim:{claim_id}"), channel="outbox")
    return claim_id


def list_found_jobs(db, actor: Any, *, status: str | None = "pending") -> list[dict]:
    """Reports of 我已找到工作: the worker their own (all statuses); staff those of workers they cover."""
    if access.own_worker_id(actor) is not None:
        return claims.list_where(db, "c.worker_id = ?", [access.own_worker_id(actor)])
    if not access.is_staff(actor):
        raise forbidden("请先登录。")
    where, params = access.Scope.of(actor).workers_sql("w")
    if status:
        where, params = f"{where} AND c.status = ?", [*params, status]
    return claims.list_where(db, where, params)


def _pending_claim(db, actor: Any, claim_id: int) -> dict:
    claim = claims.get(db, claim_id)
    if claim is None or not _claim_visible(actor, claim):
        raise not_found("找不到该登记。", "claim_id")
    if not access.staff_covers_worker(actor, claim):
        raise forbidden("只有负责该求职者的工作人员可以确认。")
    if claim["status"] != "pending":
        raise conflict("这条登记已经处理过了。", "claim_id")
    return claim


def confirm_found_job(db, actor: Any, claim_id: int) -> int:
    """Staff covering the worker confirm a 我已找到工作 report (after a call): it becomes a placement (the worker
    leaves the "needs a job" queue; follow-ups start). Returns the placement id; the worker is told."""
    from models.people.messages import post

    with transaction(db):
        claim = _pending_claim(db, actor, claim_id)
        placement_id = store.create_placement(db, claim["worker_id"], employer_name=claim["employer_name"],
                                              city=claim["city"], title=claim["title"],
                                              start_date=claim["start_date"], created_by=access.user_id(actor))
        claims.close(db, claim_id, "confirmed", user_id=access.user_id(actor), placement_id=placement_id)
        post(db, claim["worker_id"], "placement",
             f"工作人员已确认您在“{claim['employer_name']}”就业。之后会定期打电话回访，有困难随时联系。",
             "/me/found-job")
    return placement_id


def reject_found_job(db, actor: Any, claim_id: int, *, reason: str) -> dict:
    """Staff covering the worker do not confirm a report (the reason is kept and told to the worker)."""
    from models.people.messages import post

    reason = (reason or "").strip()
    if not reason:
        raise invalid("请写明为什么不能确认（会告诉求职者）。", "reason")
    with transaction(db):
        claim = _pending_claim(db, actor, claim_id)
        claims.close(db, claim_id, "rejected", user_id=access.user_id(actor), note=reason[:200])
        post(db, claim["worker_id"], "placement", f"您登记的“{claim['employer_name']}”就业暂未确认：{reason[:200]}",
             "/me/found-job")
    return claims.get(db, claim_id)
