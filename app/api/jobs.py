"""``/api/v1/jobs``: postings, through ``models.actions.postings`` (who may see, post, change, close and
reopen a posting is decided there, for every door).

- ``GET /jobs``: open postings (filters ``q``, ``city``); ``status=closed|filled`` for staff, or an employer's
  own; ``mine=true`` lists an employer's own postings in every status.
- ``GET /jobs/<external_id>``: open postings for all; closed/filled only for their employer and staff (else 404).
- ``POST /jobs``: an employer posts for their own employer; staff for any employer in their cities (422 naming
  the field; 409 when the 编号 exists).
- ``PATCH /jobs/<external_id>``, ``POST /jobs/<external_id>/close`` (``{"status": "closed"|"filled"}``
  optional), ``POST /jobs/<external_id>/reopen``: the posting's employer and staff covering its city.
"""
from __future__ import annotations

from flask import request, url_for

from app.api import bp
from app.api.auth import current_user
from app.api.common import data_response, list_response, load_body, load_query, page_window
from app.api.errors import ApiError
from app.api.openapi import doc
from app.api.schemas import JobInSchema, JobQuerySchema, JobSchema
from app.database import get_db
from models import access
from models.actions import postings


def job_or_404(external_id: str, user: dict) -> dict:
    """The posting, if the caller may see it (``postings.get_by_external_id``)."""
    return postings.get_by_external_id(get_db(), user, external_id)


@bp.get("/jobs")
@doc("岗位列表", tags=("jobs",), query=JobQuerySchema, response=JobSchema, paged=True, errors=(400, 403))
def jobs_list():
    """Open postings for everyone; other statuses only for staff or the employer's own postings."""
    args = load_query(JobQuerySchema())
    page, per_page, offset = page_window(args)
    user = current_user()
    status, employer_id = args.get("status"), None
    if args.get("mine"):
        employer_id = access.own_employer_id(user)
        if employer_id is None:
            raise ApiError(400, "只有用人单位账号可以使用 mine 参数。", field="mine")
    elif status is None:
        status = "open"
    elif status != "open" and access.own_employer_id(user) is not None:
        employer_id = access.own_employer_id(user)
    rows, total = postings.list_for(get_db(), user, status=status, city=args.get("city") or None,
                                    employer_id=employer_id, q=args.get("q") or None, limit=per_page,
                                    offset=offset)
    return list_response(rows, JobSchema(), page=page, per_page=per_page, total=total)


@bp.get("/jobs/<external_id>")
@doc("岗位详情", tags=("jobs",), response=JobSchema, errors=(404,))
def jobs_get(external_id: str):
    """One posting."""
    return data_response(job_or_404(external_id, current_user()), JobSchema())


@bp.post("/jobs")
@doc("发布岗位", tags=("jobs",), body=JobInSchema, response=JobSchema, status=201, errors=(403, 409, 422),
     description="用人单位只能以本单位名义发布；工作人员可为所负责城市的任何单位发布。")
def jobs_create():
    """Create a posting (open)."""
    job = postings.create(get_db(), current_user(), load_body(JobInSchema()), via="api")
    return data_response(job, JobSchema(), status=201,
                         headers={"Location": url_for("api.jobs_get", external_id=job["external_id"])})


@bp.patch("/jobs/<external_id>")
@doc("修改岗位", tags=("jobs",), body=JobInSchema(partial=True), response=JobSchema, errors=(403, 404, 422),
     description="只需提交要修改的字段；编号和用人单位不可修改。")
def jobs_update(external_id: str):
    """Partial update by the posting's employer or staff; validated again as a whole."""
    user = current_user()
    job = job_or_404(external_id, user)
    changes = load_body(JobInSchema(partial=True))
    return data_response(postings.edit(get_db(), user, job["id"], changes, via="api"), JobSchema())


def _status_body() -> str:
    body = request.get_json(silent=True) if request.data else None
    status = (body or {}).get("status", "closed") if isinstance(body, dict) else "closed"
    return status


@bp.post("/jobs/<external_id>/close")
@doc("关闭岗位", tags=("jobs",), response=JobSchema, errors=(403, 404, 422),
     description="可选 {\"status\": \"closed\"（停止招聘，默认）或 \"filled\"（已招满）}。")
def jobs_close(external_id: str):
    """Close a posting: it leaves every match list at once."""
    user = current_user()
    job = job_or_404(external_id, user)
    return data_response(postings.close(get_db(), user, job["id"], _status_body(), via="api"), JobSchema())


@bp.post("/jobs/<external_id>/reopen")
@doc("重新开始招聘", tags=("jobs",), response=JobSchema, errors=(403, 404))
def jobs_reopen(external_id: str):
    """Open a closed or filled posting again."""
    user = current_user()
    job = job_or_404(external_id, user)
    return data_response(postings.reopen(get_db(), user, job["id"], via="api"), JobSchema())
