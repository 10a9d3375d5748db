"""``/api/v1/jobs``: postings. Everyone signed in reads open postings; employers and staff write.

- ``GET /jobs``: open postings (filters ``q``, ``city``); ``status=closed|filled`` for staff, or for an
  employer's own postings; ``mine=true`` lists an employer's own postings in every status.
- ``GET /jobs/<external_id>``: open postings for all; closed/filled only for their employer and staff (else 404).
- ``POST /jobs``: an employer posts for their own employer; staff for any. Validated by
  ``models.intake.records.clean_job`` (422 naming the field); 409 when the 编号 exists.
- ``PATCH /jobs/<external_id>``, ``POST /jobs/<external_id>/close``: the posting's employer and staff only.
"""
from __future__ import annotations

from flask import url_for

from app.api import bp
from app.api.auth import current_user
from app.api.common import data_response, list_response, load_body, load_query, page_window
from app.api.errors import ApiError
from app.api.openapi import doc
from app.api.schemas import JobInSchema, JobQuerySchema, JobSchema
from app.database import get_db
from models import access as permissions
from models.store.db import audit


def job_or_404(external_id: str, user: dict) -> dict:
    """The posting, if the caller may see it; otherwise 404 (closed postings of others do not exist)."""
    from models.hiring.jobs import get_job_by_external_id

    job = get_job_by_external_id(get_db(), external_id)
    if job is None or not permissions.can_view_job(user, job):
        raise ApiError(404, "找不到该岗位。")
    return job


def editable_job_or_error(external_id: str, user: dict) -> dict:
    """The posting if the caller may change it: 404 when invisible, 403 when visible but not theirs."""
    job = job_or_404(external_id, user)
    if not permissions.can_edit_job(user, job):
        raise ApiError(403, "只能修改本单位发布的岗位。")
    return job


def _employer_name(employer_id: int | None) -> str | None:
    if employer_id is None:
        return None
    row = get_db().execute("SELECT name FROM employers WHERE id = ?", (employer_id,)).fetchone()
    return row[0] if row else None


def _clean_or_422(raw: dict) -> dict:
    from models.intake.records import clean_job

    record, errors = clean_job(raw)
    if errors or record is None:
        first = errors[0] if errors else None
        raise ApiError(422, getattr(first, "message", None) or "数据校验未通过。",
                       field=getattr(first, "field", None))
    return record


@bp.get("/jobs")
@doc("岗位列表", tags=("jobs",), query=JobQuerySchema, response=JobSchema, paged=True, errors=(400, 403))
def jobs_list():
    """Open postings for everyone; other statuses only for staff or the employer's own postings."""
    from models.hiring.jobs import list_jobs

    args = load_query(JobQuerySchema())
    page, per_page, offset = page_window(args)
    user = current_user()
    status = args.get("status")
    employer_id = None
    if args.get("mine"):
        if user["role"] != "employer":
            raise ApiError(400, "只有用人单位账号可以使用 mine 参数。", field="mine")
        employer_id = user.get("employer_id") or -1
    elif status is None:
        status = "open"
    if status not in (None, "open") and not permissions.is_staff(user):
        if user["role"] != "employer":
            raise ApiError(403, "只能查看招聘中的岗位。", field="status")
        employer_id = user.get("employer_id") or -1
    rows, total = list_jobs(get_db(), status=status, city=args.get("city") or None,
                            employer_id=employer_id, q=args.get("q") or None, limit=per_page, offset=offset)
    return list_response(rows, JobSchema(), page=page, per_page=per_page, total=total)


@bp.get("/jobs/<external_id>")
@doc("岗位详情", tags=("jobs",), response=JobSchema, errors=(404,))
def jobs_get(external_id: str):
    """One posting."""
    return data_response(job_or_404(external_id, current_user()), JobSchema())


@bp.post("/jobs")
@doc("发布岗位", tags=("jobs",), body=JobInSchema, response=JobSchema, status=201, errors=(403, 409),
     description="用人单位只能以本单位名义发布；工作人员可为任何单位发布。")
def jobs_create():
    """Create a posting (status open unless given)."""
    from models.hiring.jobs import get_job_by_external_id, save_job

    user = current_user()
    if not permissions.can_create_job(user):
        raise ApiError(403, "只有用人单位和工作人员可以发布岗位。")
    payload = load_body(JobInSchema())
    if user["role"] == "employer":
        own = _employer_name(user.get("employer_id"))
        if payload.get("employer_name") not in (None, "", own):
            raise ApiError(403, "只能以本单位名义发布岗位。", field="employer_name")
        payload["employer_name"] = own
    elif not payload.get("employer_name"):
        raise ApiError(422, "请填写用人单位。", field="employer_name")
    db = get_db()
    if get_job_by_external_id(db, payload["external_id"]) is not None:
        raise ApiError(409, "该编号的岗位已存在。", field="external_id")
    payload.setdefault("status", "open")
    record = _clean_or_422(payload)
    if permissions.is_staff(user) and not permissions.staff_covers_job(user, record):
        raise ApiError(403, "该岗位不在您负责的城市范围内。", field="city")
    save_job(db, record)
    job = get_job_by_external_id(db, record["external_id"])
    audit(db, "job.create", user_id=user["id"], entity="job", entity_id=job["id"],
          detail={"via": "api", "external_id": job["external_id"]})
    return data_response(job, JobSchema(), status=201,
                         headers={"Location": url_for("api.jobs_get", external_id=job["external_id"])})


_EDITABLE = tuple(f for f in JobInSchema().fields if f != "external_id")


@bp.patch("/jobs/<external_id>")
@doc("修改岗位", tags=("jobs",), body=JobInSchema(partial=True), response=JobSchema, errors=(403, 404),
     description="只需提交要修改的字段；编号和用人单位不可修改。")
def jobs_update(external_id: str):
    """Partial update by the posting's employer or staff; validated again as a whole."""
    from models.hiring.jobs import get_job_by_external_id, save_job

    user = current_user()
    job = editable_job_or_error(external_id, user)
    payload = load_body(JobInSchema(partial=True))
    if payload.get("external_id", external_id) != external_id:
        raise ApiError(422, "编号不可修改。", field="external_id")
    if payload.get("employer_name") not in (None, job.get("employer_name")):
        raise ApiError(422, "用人单位不可修改。", field="employer_name")
    merged = {f: job.get(f) for f in _EDITABLE if job.get(f) not in (None, "")}
    merged.update({k: v for k, v in payload.items() if k not in ("external_id", "employer_name")})
    merged["external_id"] = external_id
    record = _clean_or_422({k: v for k, v in merged.items() if v is not None})
    db = get_db()
    save_job(db, record, job_id=job["id"])
    audit(db, "job.update", user_id=user["id"], entity="job", entity_id=job["id"],
          detail={"via": "api", "fields": sorted(payload)})
    return data_response(get_job_by_external_id(db, external_id), JobSchema())


@bp.post("/jobs/<external_id>/close")
@doc("关闭岗位", tags=("jobs",), response=JobSchema, errors=(403, 404))
def jobs_close(external_id: str):
    """Close a posting: it leaves every match list at once."""
    from models.hiring.jobs import get_job_by_external_id, set_job_status

    user = current_user()
    job = editable_job_or_error(external_id, user)
    db = get_db()
    if job["status"] != "closed":
        set_job_status(db, job["id"], "closed")
        audit(db, "job.close", user_id=user["id"], entity="job", entity_id=job["id"], detail={"via": "api"})
    return data_response(get_job_by_external_id(db, external_id), JobSchema())
