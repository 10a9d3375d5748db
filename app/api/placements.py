"""``/api/v1/placements``: employment records (就业记录).

- ``POST /placements`` staff/admin: a worker started a job on the platform (``job_external_id``) or one
  found elsewhere (``employer_name`` + ``title`` [+ ``city``]); ``start_date`` required.
- ``GET /placements``: staff (in scope), an employer's own employees, a worker's own; ``GET /placements/<id>``.
"""
from __future__ import annotations

from flask import url_for

from app.api import bp
from app.api.auth import current_user, roles_required
from app.api.common import data_response, list_response, load_body, load_query, page_window
from app.api.errors import ApiError
from app.api.openapi import doc
from app.api.schemas import PlacementInSchema, PlacementQuerySchema, PlacementSchema
from app.api.workers import worker_or_404
from app.database import get_db
from models import access as permissions

_SELECT = """
    SELECT p.id, p.worker_id, p.job_id, p.employer_id, p.employer_name, p.city, p.title, p.start_date,
           p.status, p.end_date, p.leave_reason, p.created_at,
           w.external_id AS worker_external_id, w.name AS worker_name, w.hukou_county, w.hukou_county_code,
           w.desired_cities, w.seeking, j.external_id AS job_external_id
    FROM placements p
    JOIN workers w ON w.id = p.worker_id
    LEFT JOIN jobs j ON j.id = p.job_id
"""


def _rows(cursor) -> list[dict]:
    names = [c[0] for c in cursor.description]
    return [dict(zip(names, row)) for row in cursor.fetchall()]


def _worker_part(row: dict) -> dict:
    return {"id": row["worker_id"], "hukou_county": row["hukou_county"],
            "hukou_county_code": row["hukou_county_code"], "desired_cities": row["desired_cities"],
            "seeking": row["seeking"]}


def get_placement_row(placement_id: int) -> dict | None:
    rows = _rows(get_db().execute(_SELECT + " WHERE p.id = ?", (placement_id,)))
    return rows[0] if rows else None


@bp.get("/placements")
@doc("就业记录列表", tags=("placements",), query=PlacementQuerySchema, response=PlacementSchema, paged=True,
     errors=(400,))
def placements_list():
    """Staff: placements in their scope; employers: their own employees; workers: their own."""
    args = load_query(PlacementQuerySchema())
    page, per_page, offset = page_window(args)
    user = current_user()
    where, params = [], []
    if user["role"] == "worker":
        where.append("p.worker_id = ?")
        params.append(user.get("worker_id") or -1)
    elif user["role"] == "employer":
        where.append("p.employer_id = ?")
        params.append(user.get("employer_id") or -1)
    if args.get("status"):
        where.append("p.status = ?")
        params.append(args["status"])
    sql = _SELECT + (" WHERE " + " AND ".join(where) if where else "") + " ORDER BY p.start_date DESC, p.id DESC"
    db = get_db()
    if permissions.is_staff(user) and permissions.staff_scope(user) is not None:
        rows = [r for r in _rows(db.execute(sql, params))
                if permissions.can_view_placement(user, r, _worker_part(r))]
        total, rows = len(rows), rows[offset:offset + per_page]
    else:
        total = db.execute(f"SELECT COUNT(*) FROM ({sql})", params).fetchone()[0]
        rows = _rows(db.execute(sql + " LIMIT ? OFFSET ?", [*params, per_page, offset]))
    return list_response(rows, PlacementSchema(), page=page, per_page=per_page, total=total)


@bp.get("/placements/<int:placement_id>")
@doc("就业记录详情", tags=("placements",), response=PlacementSchema, errors=(404,))
def placements_get(placement_id: int):
    """One placement (the worker, their employer, staff in scope)."""
    user = current_user()
    row = get_placement_row(placement_id)
    if row is None or not permissions.can_view_placement(user, row, _worker_part(row)):
        raise ApiError(404, "找不到该就业记录。")
    return data_response(row, PlacementSchema())


@bp.post("/placements")
@roles_required("staff", "admin")
@doc("登记就业（工作人员）", tags=("placements",), body=PlacementInSchema, response=PlacementSchema,
     status=201, errors=(403, 404),
     description="平台内岗位填 job_external_id；平台外找到的工作填 employer_name、title（可加 city）。")
def placements_create():
    """Record a placement; the worker leaves the "needs a job" queue."""
    from models.placement.placements import PlacementError, create_placement

    payload = load_body(PlacementInSchema())
    user = current_user()
    worker = worker_or_404(payload["worker_external_id"], "worker_external_id")
    if not permissions.staff_covers_worker(user, worker):
        raise ApiError(404, "找不到该求职者。", field="worker_external_id")
    db = get_db()
    job_id = None
    if payload.get("job_external_id"):
        from models.hiring.jobs import get_job_by_external_id

        job = get_job_by_external_id(db, payload["job_external_id"])
        if job is None:
            raise ApiError(404, "找不到该岗位。", field="job_external_id")
        job_id = job["id"]
    try:
        placement_id = create_placement(
            db, worker["id"], job_id=job_id, employer_name=payload.get("employer_name"),
            city=payload.get("city"), title=payload.get("title"), start_date=payload["start_date"],
            created_by=user["id"])
    except PlacementError as exc:
        field = {"worker_id": "worker_external_id", "job_id": "job_external_id"}.get(exc.field, exc.field)
        raise ApiError(422, exc.message, field=field) from None
    return data_response(get_placement_row(placement_id), PlacementSchema(), status=201,
                         headers={"Location": url_for("api.placements_get", placement_id=placement_id)})
