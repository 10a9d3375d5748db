"""Actions on applications (投递) and staff recommendations (推荐): apply, recommend, accept, decline,
withdraw, record consent given by phone, move along the pipeline, hire; and the scoped reads.

The rules, each in one place:

- **Apply**: only a worker, as themself, to an open posting they may take (``models.hiring.eligibility``:
  required certificates, age, education); once per posting. Applying to a posting staff recommended is
  accepting the recommendation; applying again after withdrawing or declining re-opens the application.
- **Recommend**: staff covering the worker or the posting (``models.access.can_recommend``), an open posting
  the worker may take, once per (worker, posting). A recommendation waits for the worker (推荐待确认).
- **Consent**: the worker accepts (→ 待处理) or declines (→ 已谢绝) a recommendation; or staff covering the
  worker record that the worker agreed by phone (audited with the staff note).
- **Withdraw**: the worker, from 待处理 / 已联系 / 面试 (→ 撤回).
- **Pipeline**: the posting's employer or staff covering the application move it between 待处理, 已联系, 面试,
  不合适 and 录用. Nobody moves a recommendation the worker has not accepted, and nothing moves out of
  录用, 撤回 or 已谢绝. 录用 creates the placement in the same transaction.

Every refusal is an ``ActionError``; a record the actor may not know about is ``not_found``.
"""
from __future__ import annotations

from datetime import date
from typing import Any

from models import access
from models.errors import conflict, forbidden, invalid, not_found
from models.hiring import applications as store
from models.hiring.eligibility import check_hard
from models.hiring.jobs import get_job
from models.people.workers import get_worker
from models.store.db import transaction
from models.vocabulary import APPLICATION_STATUSES, PIPELINE_MOVES

#: Statuses a worker may withdraw from.
WITHDRAWABLE = ("待处理", "已联系", "面试")
#: Where a refused move leaves the person: what to say for each blocked current status.
_BLOCKED = {
    "推荐待确认": "求职者还没有接受这个推荐，请等求职者确认（或由工作人员记录电话确认）后再更改进展。",
    "录用": "已录用的投递不能再改状态。",
    "撤回": "求职者已撤回该投递。",
    "已谢绝": "求职者没有接受这个推荐。",
}


# --- reads ------------------------------------------------------------------------------------------------

def get(db, actor: Any, application_id: int) -> dict:
    """One application the actor may see (the applicant, the posting's employer, staff covering it)."""
    row = store.get_application(db, application_id)
    if row is None or not access.can_view_application(actor, row):
        raise not_found("找不到该投递记录。", "id")
    return row


def scope_sql(actor: Any) -> tuple[str, list]:
    """WHERE fragment (aliases ``a``, ``w``, ``j``) for the applications ``actor`` may see."""
    if access.own_worker_id(actor) is not None:
        return "a.worker_id = ?", [access.own_worker_id(actor)]
    if access.own_employer_id(actor) is not None:
        return "j.employer_id = ?", [access.own_employer_id(actor)]
    if access.is_staff(actor):
        return access.Scope.of(actor).applications_sql("w", "j")
    raise forbidden("请先登录。")


def list_for(db, actor: Any, *, status: str | None = None, job_id: int | None = None,
             worker_id: int | None = None, limit: int | None = None, offset: int = 0,
             pipeline_order: bool = False) -> tuple[list[dict], int]:
    """The applications ``actor`` may see, filtered in the database: (rows of this page, total)."""
    where, params = scope_sql(actor)
    clauses = [where]
    if status:
        if status not in APPLICATION_STATUSES:
            raise invalid(f"状态只能是：{'、'.join(APPLICATION_STATUSES)}。", "status")
        clauses.append("a.status = ?")
        params.append(status)
    if job_id is not None:
        clauses.append("a.job_id = ?")
        params.append(job_id)
    if worker_id is not None:
        clauses.append("a.worker_id = ?")
        params.append(worker_id)
    return store.list_where(db, " AND ".join(clauses), params, limit=limit, offset=offset,
                            order=store.pipeline_order() if pipeline_order else "a.id DESC")


# --- the worker -------------------------------------------------------------------------------------------

def _eligible(worker: dict, job: dict) -> None:
    if job.get("status") != "open":
        raise conflict(f"“{job['title']}”已停止招聘。", "job_id")
    hard = check_hard(worker, job)
    if not hard.ok:
        raise invalid(f"不能投递“{job['title']}”：{'；'.join(hard.failures)}。", "job_id")


def apply(db, actor: Any, job_id: int) -> int:
    """The signed-in worker applies to ``job_id``; returns the application id."""
    worker_id = access.own_worker_id(actor)
    if worker_id is None:
        raise forbidden("只有求职者本人可以投递。")
    with transaction(db):
        worker = get_worker(db, worker_id)
        if worker is None:
            raise not_found("该账号没有关联求职者档案。", "worker_id")
        job = get_job(db, job_id)
        if job is not None and job["status"] != "open":
            # it was public while open: a worker applying from a page shown before it closed is told so
            raise conflict(f"“{job['title']}”已停止招聘，不能再投递了。看看其他岗位吧。", "job_id")
        if job is None or not access.can_view_job(actor, job):
            raise not_found("找不到该岗位。", "job_id")
        existing = store.find(db, worker_id, job_id)
        if existing is not None and existing["status"] not in store.OPEN_TO_APPLY:
            raise conflict(f"您已经投递过“{job['title']}”了，不用重复投递，请等待单位联系。", "job_id")
        _eligible(worker, job)
        if existing is None:
            return store.insert(db, worker_id, job_id, source="worker", status="待处理", consent_via="worker",
                                consent_by=access.user_id(actor))
        action = "application.accept" if existing["status"] == "推荐待确认" else "application.reapply"
        store.move(db, existing["id"], "待处理", user_id=access.user_id(actor), action=action,
                   consent_via="worker")
        return existing["id"]


def _own(db, actor: Any, application_id: int) -> dict:
    row = store.get_application(db, application_id)
    if row is None or access.own_worker_id(actor) is None or row["worker_id"] != access.own_worker_id(actor):
        if row is not None and access.can_view_application(actor, row):
            raise forbidden("只有求职者本人可以这样做。")
        raise not_found("找不到该投递记录。", "id")
    return row


def accept(db, actor: Any, application_id: int) -> dict:
    """The worker accepts a staff recommendation: it becomes an application (待处理)."""
    with transaction(db):
        row = _own(db, actor, application_id)
        if row["status"] != "推荐待确认":
            raise conflict("这不是等您确认的推荐。", "id")
        job = get_job(db, row["job_id"])
        _eligible(get_worker(db, row["worker_id"]), job)
        store.move(db, application_id, "待处理", user_id=access.user_id(actor), action="application.accept",
                   consent_via="worker")
    return store.get_application(db, application_id)


def decline(db, actor: Any, application_id: int, note: str | None = None) -> dict:
    """The worker declines a staff recommendation (已谢绝); the employer no longer sees their contact."""
    with transaction(db):
        row = _own(db, actor, application_id)
        if row["status"] != "推荐待确认":
            raise conflict("这不是等您确认的推荐。", "id")
        store.move(db, application_id, "已谢绝", user_id=access.user_id(actor), action="application.decline",
                   note=note)
    return store.get_application(db, application_id)


def withdraw(db, actor: Any, application_id: int, note: str | None = None) -> dict:
    """The worker withdraws an application (撤回); the employer sees it withdrawn."""
    with transaction(db):
        row = _own(db, actor, application_id)
        if row["status"] == "推荐待确认":
            raise conflict("这是工作人员的推荐，如不想去，请选择“不接受”。", "id")
        if row["status"] not in WITHDRAWABLE:
            raise conflict(_BLOCKED.get(row["status"], "这份投递已经结束，不能撤回。"), "id")
        store.move(db, application_id, "撤回", user_id=access.user_id(actor), action="application.withdraw",
                   note=note)
    return store.get_application(db, application_id)


# --- staff ------------------------------------------------------------------------------------------------

def recommend(db, actor: Any, worker_id: int, job_id: int, note: str | None = None) -> int:
    """Staff recommend posting ``job_id`` to worker ``worker_id``; it waits for the worker (推荐待确认)."""
    if not access.is_staff(actor):
        raise forbidden("只有工作人员可以推荐岗位。")
    with transaction(db):
        worker = get_worker(db, worker_id)
        job = get_job(db, job_id)
        if job is None or not access.can_view_job(actor, job):
            raise not_found("找不到该岗位。", "job_id")
        if worker is None or not access.can_recommend(actor, worker, job):
            raise not_found("找不到该求职者。", "worker_id")
        if store.find(db, worker_id, job_id) is not None:
            raise conflict("已经投递或推荐过该岗位。", "job_id")
        _eligible(worker, job)
        return store.insert(db, worker_id, job_id, source="staff", status="推荐待确认",
                            recommended_by=access.user_id(actor), note=(note or "").strip()[:500] or None)


def record_consent(db, actor: Any, application_id: int, note: str) -> dict:
    """Staff record that the worker agreed to a recommendation by phone (the note says when and who);
    the recommendation becomes an application (待处理)."""
    with transaction(db):
        row = get(db, actor, application_id)
        if not access.can_record_consent(actor, row):
            raise forbidden("只有负责该求职者的工作人员可以记录电话确认。")
        if row["status"] != "推荐待确认":
            raise conflict("这条推荐不在等待确认。", "id")
        note = (note or "").strip()
        if not note:
            raise invalid("请写明何时、通过什么电话得到求职者同意。", "note")
        _eligible(get_worker(db, row["worker_id"]), get_job(db, row["job_id"]))
        store.move(db, application_id, "待处理", user_id=access.user_id(actor), action="application.consent",
                   consent_via="staff_phone", note=f"电话确认：{note[:500]}")
    return store.get_application(db, application_id)


# --- the pipeline -----------------------------------------------------------------------------------------

def change_status(db, actor: Any, application_id: int, status: str, note: str | None = None, *,
                  start_date: date | str | None = None) -> int | None:
    """Move an application along the pipeline (the posting's employer, staff covering it). 录用 creates
    the placement (starting ``start_date``, default today) and returns its id; otherwise None."""
    with transaction(db):
        row = get(db, actor, application_id)
        if not access.can_update_application(actor, row):
            raise forbidden("只有发布岗位的单位和负责的工作人员可以更新投递状态。")
        if status not in PIPELINE_MOVES:
            raise invalid(f"进展只能是：{'、'.join(PIPELINE_MOVES)}。", "status")
        current = row["status"]
        if current in _BLOCKED and status != current:
            raise conflict(_BLOCKED[current], "status")
        if current == status and not (note or "").strip():
            return None
        return store.move(db, application_id, status, user_id=access.user_id(actor), note=(note or "")[:500],
                          start_date=start_date)


def hire(db, actor: Any, application_id: int, *, start_date: date | str | None = None,
         note: str | None = None) -> int | None:
    """录用: the worker is hired; returns the new placement's id (None when already hired)."""
    return change_status(db, actor, application_id, "录用", note, start_date=start_date)
