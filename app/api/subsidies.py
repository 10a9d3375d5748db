"""``/api/v1/subsidies``: subsidies due, claimed and paid per placement (``models.actions.subsidies``, the same
actions as the staff page 补贴申领).

- ``GET /subsidies`` (staff, admins): rows within the caller's scope, ``?key=`` and ``?state=`` filters;
- ``GET /subsidies.xlsx``: the same as a workbook;
- ``POST /placements/<id>/subsidies/<key>/claim`` and ``/paid``: staff covering the placement;
- ``GET /workers/<external_id>/subsidies``: which subsidies the worker receives and from when (the worker
  themself, staff covering them).
"""
from __future__ import annotations

from flask import jsonify, send_file

from app.api import bp
from app.api.auth import current_user, roles_required
from app.api.common import data_response, load_body, load_query
from app.api.openapi import doc
from app.api.programme_schemas import (
    EligibleSubsidySchema,
    SubsidyQuerySchema,
    SubsidyRowSchema,
    SubsidyStepSchema,
)
from app.database import get_db
from models.actions import subsidies as actions
from models.errors import not_found
from models.people.workers import get_worker_by_external_id
from models.store import clock

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@bp.get("/subsidies")
@roles_required("staff", "admin")
@doc("补贴名单：应发、已申领、已发放（按调用者负责范围）", tags=("subsidies",), query=SubsidyQuerySchema,
     response=SubsidyRowSchema, many=True, errors=(403, 422))
def subsidies_list():
    args = load_query(SubsidyQuerySchema())
    rows = actions.list_for(get_db(), current_user(), key=args.get("key"), state=args.get("state"))
    return jsonify({"data": SubsidyRowSchema().dump(rows, many=True)})


@bp.get("/subsidies.xlsx")
@roles_required("staff", "admin")
@doc("补贴名单（Excel）", tags=("subsidies",), query=SubsidyQuerySchema, errors=(403, 422))
def subsidies_xlsx():
    args = load_query(SubsidyQuerySchema())
    workbook = actions.workbook(get_db(), current_user(), key=args.get("key"), state=args.get("state"))
    return send_file(workbook, mimetype=XLSX, as_attachment=True,
                     download_name=f"tongbang_subsidies_{clock.today().isoformat()}.xlsx")


@bp.post("/placements/<int:placement_id>/subsidies/<key>/<step>")
@roles_required("staff", "admin")
@doc("登记补贴申领（claim）或发放（paid）", tags=("subsidies",), body=SubsidyStepSchema, response=SubsidyRowSchema,
     errors=(403, 404, 409, 422),
     description="claim：已满足条件（回访确认连续就业满规定月数）才能登记；不能同时享受的补贴已申领时拒绝。"
                 "paid：先登记申领；金额未配置时必填。")
def subsidies_step(placement_id: int, key: str, step: str):
    if step not in ("claim", "paid"):
        raise not_found("找不到该操作。")
    payload = load_body(SubsidyStepSchema())
    if step == "claim":
        row = actions.mark_claimed(get_db(), current_user(), placement_id, key, claimed_on=payload.get("date"),
                                   amount_yuan=payload.get("amount_yuan"), note=payload.get("note"))
    else:
        row = actions.mark_paid(get_db(), current_user(), placement_id, key, paid_on=payload.get("date"),
                                amount_yuan=payload.get("amount_yuan"))
    return data_response(row, SubsidyRowSchema())


@bp.get("/workers/<external_id>/subsidies")
@doc("求职者可享受的补贴及起始时间", tags=("subsidies",), response=EligibleSubsidySchema, many=True, errors=(404,))
def worker_subsidies(external_id: str):
    db = get_db()
    worker = get_worker_by_external_id(db, external_id)
    if worker is None:
        raise not_found("找不到该求职者。", "external_id")
    rows = actions.for_worker(db, current_user(), worker["id"])
    return jsonify({"data": EligibleSubsidySchema().dump(rows, many=True)})
