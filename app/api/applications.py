"""``/api/v1/applications``: a worker applies, staff recommend (推荐), the worker accepts, declines or
withdraws, the employer and staff move the pipeline — every one through ``models.actions.applications``,
the same actions the pages call (hard requirements, scope and the worker's consent are checked there).

- ``POST /applications`` ``{"job_external_id"}``: a worker applies as themself; staff add
  ``worker_external_id`` to recommend a worker (the recommendation waits for the worker: 推荐待确认).
- ``GET /applications``: a worker sees their own; an employer those to their postings; staff those in scope.
- ``GET /applications/<id>``; ``PATCH /applications/<id>`` ``{"status", "note"}``: the posting's employer and
  staff covering it (录用 creates the placement).
- ``POST /applications/<id>/accept`` | ``/decline`` | ``/withdraw``: the worker; ``POST /applications/<id>/consent``
  ``{"note"}``: staff covering the worker record consent given by phone.
"""
from __future__ import annotations

from flask import request, url_for

from app.api import bp
from app.api.auth import current_user, roles_required
from app.api.common import data_response, list_response, load_body, load_query, page_window
from app.api.errors import ApiError
from app.api.openapi import doc
from app.api.schemas import (
    ApplicationInSchema,
    ApplicationNoteSchema,
    ApplicationQuerySchema,
    ApplicationSchema,
    ApplicationUpdateSchema,
)
from app.api.workers import worker_or_404
from app.database import get_db
from models import access
from models.actions import applications
from models.hiring.jobs import get_job_by_external_id


def _job_id(external_id: str | None) -> int | None:
    """The id of the posting named in a request (the action decides whether the caller may see it)."""
    job = get_job_by_external_id(get_db(), external_id) if external_id else None
    if job is None:
        raise ApiError(404, "找不到该岗位。", field="job_external_id")
    return job["id"]


def _one(application_id: int) -> dict:
    return applications.get(get_db(), current_user(), application_id)


@bp.get("/applications")
@doc("投递记录列表", tags=("applications",), query=ApplicationQuerySchema, response=ApplicationSchema,
     paged=True, errors=(400,))
def applications_list():
    """The caller's applications: own (worker), to own postings (employer), in scope (staff)."""
    args = load_query(ApplicationQuerySchema())
    page, per_page, offset = page_window(args)
    job_id = None
    if args.get("job_external_id"):
        job = get_job_by_external_id(get_db(), args["job_external_id"])
        job_id = job["id"] if job else -1
    rows, total = applications.list_for(get_db(), current_user(), status=args.get("status"), job_id=job_id,
                                        limit=per_page, offset=offset)
    return list_response(rows, ApplicationSchema(), page=page, per_page=per_page, total=total)


@bp.get("/applications/<int:application_id>")
@doc("投递记录详情", tags=("applications",), response=ApplicationSchema, errors=(404,))
def applications_get(application_id: int):
    """One application (the applicant, the posting's employer, staff covering it)."""
    return data_response(_one(application_id), ApplicationSchema())


@bp.post("/applications")
@roles_required("worker", "staff", "admin")
@doc("投递岗位 / 工作人员推荐", tags=("applications",), body=ApplicationInSchema, response=ApplicationSchema,
     status=201, errors=(403, 404, 409, 422),
     description="求职者本人投递时只填 job_external_id；工作人员推荐时同时填 worker_external_id，"
                 "推荐需求职者本人接受（推荐待确认）。")
def applications_create():
    """Apply (worker) or recommend (staff)."""
    payload = load_body(ApplicationInSchema())
    user, db = current_user(), get_db()
    job_id = _job_id(payload["job_external_id"])
    if access.own_worker_id(user) is not None:
        named = payload.get("worker_external_id")
        if named is not None and worker_or_404(named, "worker_external_id")["id"] != access.own_worker_id(user):
            raise ApiError(403, "只能以本人身份投递。", field="worker_external_id")
        application_id = applications.apply(db, user, job_id)
    else:
        if not payload.get("worker_external_id"):
            raise ApiError(422, "推荐时请填写求职者编号。", field="worker_external_id")
        worker = worker_or_404(payload["worker_external_id"], "worker_external_id")
        application_id = applications.recommend(db, user, worker["id"], job_id, payload.get("note"))
    return data_response(applications.get(db, user, application_id), ApplicationSchema(), status=201,
                         headers={"Location": url_for("api.applications_get", application_id=application_id)})


@bp.patch("/applications/<int:application_id>")
@doc("更新投递状态（用人单位/工作人员）", tags=("applications",), body=ApplicationUpdateSchema,
     response=ApplicationSchema, errors=(403, 404, 409, 422),
     description="待处理 → 已联系/面试 → 录用/不合适；录用时自动生成就业记录。推荐待确认的投递要等求职者接受。")
def applications_update(application_id: int):
    """Move an application along the pipeline, with an optional note."""
    user, db = current_user(), get_db()
    applications.get(db, user, application_id)
    payload = load_body(ApplicationUpdateSchema())
    applications.change_status(db, user, application_id, payload["status"], payload.get("note"))
    return data_response(applications.get(db, user, application_id), ApplicationSchema())


def _note() -> str | None:
    if not request.data:
        return None
    return load_body(ApplicationNoteSchema()).get("note")


@bp.post("/applications/<int:application_id>/accept")
@doc("接受工作人员推荐（求职者本人）", tags=("applications",), response=ApplicationSchema, errors=(403, 404, 409, 422))
def applications_accept(application_id: int):
    """The worker accepts a recommendation: it becomes an application (待处理)."""
    return data_response(applications.accept(get_db(), current_user(), application_id), ApplicationSchema())


@bp.post("/applications/<int:application_id>/decline")
@doc("不接受工作人员推荐（求职者本人）", tags=("applications",), body=ApplicationNoteSchema,
     response=ApplicationSchema, errors=(403, 404, 409))
def applications_decline(application_id: int):
    """The worker declines a recommendation (已谢绝)."""
    return data_response(applications.decline(get_db(), current_user(), application_id, _note()),
                         ApplicationSchema())


@bp.post("/applications/<int:application_id>/withdraw")
@doc("撤回投递（求职者本人）", tags=("applications",), body=ApplicationNoteSchema, response=ApplicationSchema,
     errors=(403, 404, 409))
def applications_withdraw(application_id: int):
    """The worker withdraws an application (撤回); the employer sees it withdrawn."""
    return data_response(applications.withdraw(get_db(), current_user(), application_id, _note()),
                         ApplicationSchema())


@bp.post("/applications/<int:application_id>/consent")
@doc("记录求职者电话同意推荐（工作人员）", tags=("applications",), body=ApplicationNoteSchema,
     response=ApplicationSchema, errors=(403, 404, 409, 422),
     description="note 写明何时、通过什么电话得到求职者同意。")
def applications_consent(application_id: int):
    """Staff covering the worker record that the worker agreed to the recommendation by phone."""
    note = load_body(ApplicationNoteSchema()).get("note") or ""
    return data_response(applications.record_consent(get_db(), current_user(), application_id, note),
                         ApplicationSchema())
