"""The worker's self-service and the staff side of it, through the same actions as the pages:

- ``GET /password-resets``: 忘记密码 requests the staff member handles; ``POST /password-resets/<id>/done``
  ``{"new_password", "identity_note"}`` after checking identity; ``POST /password-resets/<id>/cancel``.
  (Asking for a reset has no API door: whoever forgot their password has no token; the page asks.)
- ``POST /me/found-jobs`` (我已找到工作, the worker) → 201; ``GET /found-jobs`` (the worker their own, staff the
  pending ones of workers they cover); ``POST /found-jobs/<id>/confirm`` (→ the placement) and ``/reject``.
"""
from __future__ import annotations

from marshmallow import Schema, fields

from app.api import bp
from app.api.auth import current_user
from app.api.common import data_response, load_body
from app.api.openapi import doc
from app.api.schemas import PlacementSchema
from app.database import get_db
from models.actions import placements as placement_actions
from models.actions import resets as account_actions
from models.vocabulary import PLACEMENT_CLAIM_STATUSES


class ResetSchema(Schema):
    id = fields.Integer(required=True)
    username = fields.String()
    display_name = fields.String(allow_none=True)
    worker_external_id = fields.String(allow_none=True)
    status = fields.String()
    note = fields.String(allow_none=True)
    created_at = fields.String()


class ResetDoneInSchema(Schema):
    new_password = fields.String(required=True)
    identity_note = fields.String(required=True, metadata={"description": "如何核实的身份"})


class ReasonInSchema(Schema):
    reason = fields.String(load_default=None, allow_none=True)


class FoundJobInSchema(Schema):
    employer_name = fields.String(required=True)
    title = fields.String(required=True)
    city = fields.String(load_default=None, allow_none=True)
    start_date = fields.String(load_default=None, allow_none=True, metadata={"description": "YYYY-MM-DD，默认今天"})


class FoundJobSchema(Schema):
    id = fields.Integer(required=True)
    worker_external_id = fields.String()
    employer_name = fields.String()
    title = fields.String()
    city = fields.String(allow_none=True)
    start_date = fields.String()
    status = fields.String(metadata={"enum": list(PLACEMENT_CLAIM_STATUSES)})
    placement_id = fields.Integer(allow_none=True)
    note = fields.String(allow_none=True)
    created_at = fields.String()


def _list(rows: list, schema: Schema):
    from flask import jsonify

    return jsonify({"data": schema.dump(rows, many=True), "meta": {"page": 1, "per_page": len(rows),
                                                                   "total": len(rows)}})


@bp.get("/password-resets")
@doc("待处理的重置密码申请（工作人员）", tags=("accounts",), response=ResetSchema, paged=True, errors=(403,))
def password_resets():
    return _list(account_actions.list_resets(get_db(), current_user()), ResetSchema())


@bp.post("/password-resets/<int:reset_id>/done")
@doc("核实身份后重置密码（工作人员）", tags=("accounts",), body=ResetDoneInSchema, response=ResetSchema,
     errors=(403, 404, 409, 422))
def password_reset_done(reset_id: int):
    payload = load_body(ResetDoneInSchema())
    row = account_actions.complete_reset(get_db(), current_user(), reset_id, new_password=payload["new_password"],
                                         identity_note=payload["identity_note"])
    return data_response({**row, "status": "done"}, ResetSchema())


@bp.post("/password-resets/<int:reset_id>/cancel")
@doc("关闭重置密码申请（工作人员）", tags=("accounts",), body=ReasonInSchema, response=ResetSchema,
     errors=(403, 404, 409))
def password_reset_cancel(reset_id: int):
    payload = load_body(ReasonInSchema())
    row = account_actions.cancel_reset(get_db(), current_user(), reset_id, reason=payload.get("reason"))
    return data_response({**row, "status": "cancelled"}, ResetSchema())


@bp.post("/me/found-jobs")
@doc("我已找到工作（求职者）", tags=("me",), body=FoundJobInSchema, response=FoundJobSchema, status=201,
     errors=(403, 422))
def me_found_job():
    payload = load_body(FoundJobInSchema())
    db = get_db()
    claim_id = placement_actions.report_found_job(db, current_user(), employer_name=payload["employer_name"],
                                                  title=payload["title"], city=payload.get("city"),
                                                  start_date=payload.get("start_date"))
    row = next(c for c in placement_actions.list_found_jobs(db, current_user()) if c["id"] == claim_id)
    return data_response(row, FoundJobSchema(), status=201)


@bp.get("/found-jobs")
@doc("自报就业列表", tags=("placements",), response=FoundJobSchema, paged=True, errors=(403,))
def found_jobs():
    return _list(placement_actions.list_found_jobs(get_db(), current_user()), FoundJobSchema())


@bp.post("/found-jobs/<int:claim_id>/confirm")
@doc("确认自报就业（工作人员）", tags=("placements",), response=PlacementSchema, status=201,
     errors=(403, 404, 409))
def found_job_confirm(claim_id: int):
    db = get_db()
    placement_id = placement_actions.confirm_found_job(db, current_user(), claim_id)
    return data_response(placement_actions.get(db, current_user(), placement_id), PlacementSchema(), status=201)


@bp.post("/found-jobs/<int:claim_id>/reject")
@doc("不确认自报就业（工作人员）", tags=("placements",), body=ReasonInSchema, response=FoundJobSchema,
     errors=(403, 404, 409, 422))
def found_job_reject(claim_id: int):
    payload = load_body(ReasonInSchema())
    row = placement_actions.reject_found_job(get_db(), current_user(), claim_id, reason=payload.get("reason") or "")
    return data_response(row, FoundJobSchema())
