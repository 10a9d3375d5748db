"""``/api/v1/applications``: a worker applies, staff recommend (推荐), the employer moves the pipeline.

- ``POST /applications`` ``{"job_external_id"}``: a worker applies as themself (409 if already applied,
  409 if the posting is not open); staff/admin add ``worker_external_id`` to recommend a worker.
- ``GET /applications``: a worker sees their own; an employer those to their postings; staff all (in scope).
- ``GET /applications/<id>``; ``PATCH /applications/<id>`` ``{"status", "note"}``: the posting's employer and
  staff (录用 creates the placement, in ``models.hiring.applications``). Others' applications are 404.
"""
from __future__ import annotations

from flask import url_for

from app.api import bp
from app.api.auth import current_user, roles_required
from app.api.common import data_response, list_response, load_body, load_query, page_window
from app.api.errors import ApiError
from app.api.openapi import doc
from app.api.schemas import (
    ApplicationInSchema,
    ApplicationQuerySchema,
    ApplicationSchema,
    ApplicationUpdateSchema,
)
from app.api.workers import worker_or_404
from app.database import get_db
from models import access as permissions

_SELECT = """
    SELECT a.id, a.worker_id, a.job_id, a.status, a.source, a.note, a.created_at, a.updated_at,
           w.external_id AS worker_external_id, w.name AS worker_name, w.hukou_county, w.hukou_county_code,
           w.desired_cities, w.seeking,
           j.external_id AS job_external_id, j.title AS job_title, j.employer_id, j.city, j.status AS job_status,
           e.name AS employer_name
    FROM applications a
    JOIN workers w ON w.id = a.worker_id
    JOIN jobs j ON j.id = a.job_id
    JOIN employers e ON e.id = j.employer_id
"""


def _rows(cursor) -> list[dict]:
    names = [c[0] for c in cursor.description]
    return [dict(zip(names, row)) for row in cursor.fetchall()]


def _parts(app_row: dict) -> tuple[dict, dict]:
    """The (job, worker) views of a joined application row, as ``models.access`` expects them."""
    job = {"id": app_row["job_id"], "employer_id": app_row["employer_id"], "city": app_row["city"],
           "status": app_row["job_status"]}
    worker = {"id": app_row["worker_id"], "hukou_county": app_row["hukou_county"],
              "hukou_county_code": app_row["hukou_county_code"], "desired_cities": app_row["desired_cities"],
              "seeking": app_row["seeking"]}
    return job, worker


def get_application(application_id: int) -> dict | None:
    """One application joined with its worker, job and employer."""
    rows = _rows(get_db().execute(_SELECT + " WHERE a.id = ?", (application_id,)))
    return rows[0] if rows else None


def application_or_404(application_id: int, user: dict) -> dict:
    app_row = get_application(application_id)
    if app_row is None or not permissions.can_view_application(user, app_row, *_parts(app_row)):
        raise ApiError(404, "找不到该投递记录。")
    return app_row


@bp.get("/applications")
@doc("投递记录列表", tags=("applications",), query=ApplicationQuerySchema, response=ApplicationSchema,
     paged=True, errors=(400,))
def applications_list():
    """The caller's applications: own (worker), to own postings (employer), all in scope (staff)."""
    args = load_query(ApplicationQuerySchema())
    page, per_page, offset = page_window(args)
    user = current_user()
    where, params = [], []
    if user["role"] == "worker":
        where.append("a.worker_id = ?")
        params.append(user.get("worker_id") or -1)
    elif user["role"] == "employer":
        where.append("j.employer_id = ?")
        params.append(user.get("employer_id") or -1)
    if args.get("status"):
        where.append("a.status = ?")
        params.append(args["status"])
    if args.get("job_external_id"):
        where.append("j.external_id = ?")
        params.append(args["job_external_id"])
    sql = _SELECT + (" WHERE " + " AND ".join(where) if where else "") + " ORDER BY a.id DESC"
    db = get_db()
    if permissions.is_staff(user) and permissions.staff_scope(user) is not None:
        rows = [r for r in _rows(db.execute(sql, params))
                if permissions.can_view_application(user, r, *_parts(r))]
        total, rows = len(rows), rows[offset:offset + per_page]
    else:
        total = db.execute(f"SELECT COUNT(*) FROM ({sql})", params).fetchone()[0]
        rows = _rows(db.execute(sql + " LIMIT ? OFFSET ?", [*params, per_page, offset]))
    return list_response(rows, ApplicationSchema(), page=page, per_page=per_page, total=total)


@bp.get("/applications/<int:application_id>")
@doc("投递记录详情", tags=("applications",), response=ApplicationSchema, errors=(404,))
def applications_get(application_id: int):
    """One application (the applicant, the posting's employer, staff)."""
    return data_response(application_or_404(application_id, current_user()), ApplicationSchema())


@bp.post("/applications")
@roles_required("worker", "staff", "admin")
@doc("投递岗位 / 工作人员推荐", tags=("applications",), body=ApplicationInSchema, response=ApplicationSchema,
     status=201, errors=(403, 404, 409),
     description="求职者本人投递时只填 job_external_id；工作人员推荐时同时填 worker_external_id。")
def applications_create():
    """Apply (worker) or recommend (staff). 409 when the pair exists or the posting is not open."""
    from models.hiring.jobs import get_job_by_external_id

    payload = load_body(ApplicationInSchema())
    user = current_user()
    db = get_db()
    if user["role"] == "worker":
        own = db.execute("SELECT external_id FROM workers WHERE id = ?", (user.get("worker_id"),)).fetchone()
        if own is None:
            raise ApiError(403, "该账号没有关联求职者档案。")
        if payload.get("worker_external_id") not in (None, own[0]):
            raise ApiError(403, "只能以本人身份投递。", field="worker_external_id")
        worker = worker_or_404(own[0])
    else:
        if not payload.get("worker_external_id"):
            raise ApiError(422, "推荐时请填写求职者编号。", field="worker_external_id")
        worker = worker_or_404(payload["worker_external_id"], "worker_external_id")
        if not permissions.can_recommend(user, worker):
            raise ApiError(404, "找不到该求职者。", field="worker_external_id")
    job = get_job_by_external_id(db, payload["job_external_id"])
    if job is None or not permissions.can_view_job(user, job):
        raise ApiError(404, "找不到该岗位。", field="job_external_id")
    if job["status"] != "open":
        raise ApiError(409, "该岗位已停止招聘。", field="job_external_id")
    existing = db.execute("SELECT id FROM applications WHERE worker_id = ? AND job_id = ?",
                          (worker["id"], job["id"])).fetchone()
    if existing is not None:
        raise ApiError(409, "已经投递或推荐过该岗位。", field="job_external_id")
    from models.hiring import applications

    try:
        if user["role"] == "worker":
            result = applications.apply(db, worker["id"], job["id"])
        else:
            result = applications.recommend(db, worker["id"], job["id"], user["id"])
    except ValueError as exc:
        raise ApiError(422, str(exc), field=getattr(exc, "field", None)) from None
    application_id = result if isinstance(result, int) else db.execute(
        "SELECT id FROM applications WHERE worker_id = ? AND job_id = ?", (worker["id"], job["id"])).fetchone()[0]
    return data_response(get_application(application_id), ApplicationSchema(), status=201,
                         headers={"Location": url_for("api.applications_get", application_id=application_id)})


@bp.patch("/applications/<int:application_id>")
@doc("更新投递状态（用人单位/工作人员）", tags=("applications",), body=ApplicationUpdateSchema,
     response=ApplicationSchema, errors=(403, 404, 409),
     description="待处理 → 已联系/面试 → 录用/不合适；录用时自动生成就业记录。")
def applications_update(application_id: int):
    """Move an application along the pipeline, with an optional note."""
    user = current_user()
    app_row = application_or_404(application_id, user)
    if not permissions.can_update_application(user, app_row, *_parts(app_row)):
        raise ApiError(403, "只有发布岗位的单位和工作人员可以更新投递状态。")
    payload = load_body(ApplicationUpdateSchema())
    from models.hiring import applications

    try:
        applications.set_status(get_db(), application_id, payload["status"], payload.get("note"), user["id"])
    except ValueError as exc:
        raise ApiError(409, str(exc), field=getattr(exc, "field", None) or "status") from None
    return data_response(get_application(application_id), ApplicationSchema())
