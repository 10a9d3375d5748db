"""``/api/v1/placements``: employment records (就业记录) and their follow-ups (回访).

Every route calls one action of ``models.actions.placements`` (the same ones the staff pages call), so the
rules and the refusals are the pages':

- ``GET /placements``: the worker their own, an employer the placements at it, staff those their scope covers
  (filtered in the database); ``GET /placements/<id>``: one of those, else 404.
- ``POST /placements`` staff/admin covering the worker or the job's city: a platform posting
  (``job_external_id``) or a job found elsewhere (``employer_name`` + ``title`` [+ ``city``]); ``start_date``.
- ``POST /placements/<id>/follow-ups`` and ``POST /placements/<id>/end`` staff/admin covering the placement.

The staff-only routes answer other roles 403 before reading the body (``roles_required``, as the pages'
``role_required``); everything finer is the action's.
"""
from __future__ import annotations

from flask import url_for

from app.api import bp
from app.api.auth import current_user, roles_required
from app.api.common import data_response, list_response, load_body, load_query, page_window
from app.api.openapi import doc
from app.api.schemas import (
    FollowUpInSchema,
    FollowUpSchema,
    PlacementEndSchema,
    PlacementInSchema,
    PlacementQuerySchema,
    PlacementSchema,
)
from app.database import get_db
from models.actions import placements as actions
from models.placement.placements import follow_ups_for


@bp.get("/placements")
@doc("就业记录列表", tags=("placements",), query=PlacementQuerySchema, response=PlacementSchema, paged=True,
     errors=(400,))
def placements_list():
    """Staff: placements in their scope; employers: their own employees; workers: their own."""
    args = load_query(PlacementQuerySchema())
    page, per_page, offset = page_window(args)
    rows, total = actions.list_for(get_db(), current_user(), status=args.get("status"), limit=per_page,
                                   offset=offset)
    return list_response(rows, PlacementSchema(), page=page, per_page=per_page, total=total)


@bp.get("/placements/<int:placement_id>")
@doc("就业记录详情", tags=("placements",), response=PlacementSchema, errors=(404,))
def placements_get(placement_id: int):
    """One placement (the worker, their employer, staff in scope)."""
    return data_response(actions.get(get_db(), current_user(), placement_id), PlacementSchema())


@bp.post("/placements")
@roles_required("staff", "admin")
@doc("登记就业（工作人员）", tags=("placements",), body=PlacementInSchema, response=PlacementSchema,
     status=201, errors=(403, 404),
     description="平台内岗位填 job_external_id；平台外找到的工作填 employer_name、title（可加 city）。"
                 "负责该求职者户籍区县或该工作所在城市的工作人员可以登记。")
def placements_create():
    """Record a placement; the worker leaves the "needs a job" queue."""
    payload = load_body(PlacementInSchema())
    db = get_db()
    placement_id = actions.record_placement(
        db, current_user(), worker_external_id=payload["worker_external_id"],
        job_external_id=payload.get("job_external_id"), employer_name=payload.get("employer_name"),
        city=payload.get("city"), title=payload.get("title"), start_date=payload["start_date"])
    return data_response(actions.get(db, current_user(), placement_id), PlacementSchema(), status=201,
                         headers={"Location": url_for("api.placements_get", placement_id=placement_id)})


@bp.post("/placements/<int:placement_id>/follow-ups")
@roles_required("staff", "admin")
@doc("记录回访（工作人员）", tags=("placements",), body=FollowUpInSchema, response=FollowUpSchema, status=201,
     errors=(403, 404, 409),
     description="still_employed 为 false 即登记离职：就业记录结束，求职者重新进入求职队列。")
def placements_follow_up(placement_id: int):
    """Record a follow-up on a placement the caller covers."""
    payload = load_body(FollowUpInSchema())
    db = get_db()
    follow_up_id = actions.record_follow_up(
        db, current_user(), placement_id, date=payload.get("date"), channel=payload["channel"],
        still_employed=payload["still_employed"], leave_reason=payload.get("leave_reason"),
        satisfaction=payload.get("satisfaction"), might_leave=payload.get("might_leave", False),
        note=payload.get("note"))
    row = next(f for f in follow_ups_for(db, placement_id) if f["id"] == follow_up_id)
    flags = {k: bool(row[k]) for k in ("still_employed", "might_leave")}  # stored as 0/1
    return data_response({**row, **flags}, FollowUpSchema(), status=201)


@bp.post("/placements/<int:placement_id>/end")
@roles_required("staff", "admin")
@doc("登记离职（工作人员）", tags=("placements",), body=PlacementEndSchema, response=PlacementSchema,
     errors=(403, 404, 409))
def placements_end(placement_id: int):
    """The worker left: the placement ends and the worker goes back to the "needs a job" queue."""
    payload = load_body(PlacementEndSchema())
    placement = actions.end_placement(get_db(), current_user(), placement_id, end_date=payload["end_date"],
                                      leave_reason=payload.get("leave_reason"))
    return data_response(placement, PlacementSchema())
