"""``/api/v1/workers``: the worker registry (staff), one worker's record (as much as the caller may see),
registering and editing a worker, and opening a worker's account — each through one action of
``models.actions.workers``, the same the staff pages call.

- ``GET /workers`` staff/admin: the workers they cover; search by ``q`` (name, 编号, phone, ID number or
  its masked fragments), ``county``, ``status``, ``seeking``; paged.
- ``GET /workers/<external_id>``: :func:`models.actions.workers.view` — what the pages show the caller;
  ``?reveal=id_number`` adds the full resident ID for staff covering the worker (audit-logged).
- ``POST /workers``, ``PATCH /workers/<external_id>`` staff/admin: register, or change some fields (staff
  covering the worker before and after the change), as the staff worker form does.
- ``POST /workers/<external_id>/account``: open the worker's sign-in (staff covering the worker).
"""
from __future__ import annotations

from flask import url_for

from app.api import bp
from app.api.auth import current_user, roles_required
from app.api.common import data_response, list_response, load_body, load_query, page_window
from app.api.errors import ApiError
from app.api.openapi import doc
from app.api.schemas import (
    AccountInSchema,
    AccountSchema,
    RevealQuerySchema,
    WorkerInSchema,
    WorkerQuerySchema,
    WorkerSchema,
)
from app.database import get_db
from models.actions import workers as actions
from models.people.workers import get_worker_by_external_id


def worker_or_404(external_id: str, field: str | None = None) -> dict:
    """The stored worker named in a request (full store dict, never the full ID) or a 404 naming ``field``;
    what the caller may do with it is the action's to say."""
    worker = get_worker_by_external_id(get_db(), external_id)
    if worker is None:
        raise ApiError(404, "找不到该求职者。", field=field)
    return worker


@bp.get("/workers")
@roles_required("staff", "admin")
@doc("求职者列表（工作人员）", tags=("workers",), query=WorkerQuerySchema, response=WorkerSchema,
     paged=True, errors=(400, 403))
def workers_list():
    """Search the registry: only the workers of the caller's counties (all for admins)."""
    args = load_query(WorkerQuerySchema())
    page, per_page, offset = page_window(args)
    rows, total = actions.list_for(get_db(), current_user(), q=args.get("q"), county=args.get("county"),
                                   status=args.get("status"), seeking=args.get("seeking"), limit=per_page,
                                   offset=offset)
    return list_response(rows, WorkerSchema(), page=page, per_page=per_page, total=total)


@bp.get("/workers/<external_id>")
@doc("求职者详情（按权限脱敏）", tags=("workers",), query=RevealQuerySchema, response=WorkerSchema,
     errors=(400, 403, 404),
     description="与网页看到的完全相同：负责该求职者户籍区县的工作人员看到全部（身份证号脱敏）；求职者本人、"
                 "求职者投递过或被推荐到的用人单位看到联系方式（无身份证号）；其他用人单位和工作人员只看到"
                 "技能、意向等脱敏信息（无姓名、电话、身份证号片段、出生年份、性别）。"
                 "?reveal=id_number 仅负责的工作人员可用，并写入审计日志。")
def workers_get(external_id: str):
    """One worker, exactly as the pages show the caller."""
    args = load_query(RevealQuerySchema())
    db = get_db()
    user = current_user()
    shown = actions.view(db, user, external_id=external_id)
    if args.get("reveal") == "id_number":
        shown["id_number"] = actions.reveal_id(db, user, external_id=external_id, via="api")
    return data_response(shown, WorkerSchema())


@bp.post("/workers")
@roles_required("staff", "admin")
@doc("新建求职者（工作人员）", tags=("workers",), body=WorkerInSchema, response=WorkerSchema, status=201,
     errors=(403, 409, 422))
def workers_create():
    """Register a worker of the caller's counties; 409 when the 编号 or the ID number is taken."""
    payload = load_body(WorkerInSchema())
    worker = actions.create_worker(get_db(), current_user(), payload, via="api")
    location = url_for("api.workers_get", external_id=worker["external_id"])
    return data_response(worker, WorkerSchema(), status=201, headers={"Location": location})


@bp.patch("/workers/<external_id>")
@roles_required("staff", "admin")
@doc("修改求职者（工作人员）", tags=("workers",), body=WorkerInSchema(partial=True), response=WorkerSchema,
     errors=(403, 404, 409, 422),
     description="只需提交要修改的字段；编号不可修改，身份证号留空则不变。工作人员只能修改、也只能改到自己负责的"
                 "户籍区县的求职者。")
def workers_update(external_id: str):
    """Partial update: the stored record merged with the body, validated again as a whole."""
    payload = load_body(WorkerInSchema(partial=True))
    worker = actions.edit_worker(get_db(), current_user(), changes=payload, external_id=external_id, via="api")
    return data_response(worker, WorkerSchema())


@bp.post("/workers/<external_id>/account")
@roles_required("staff", "admin")
@doc("为求职者开通登录账号（工作人员）", tags=("workers",), body=AccountInSchema, response=AccountSchema,
     status=201, errors=(403, 404, 409, 422),
     description="登录名默认用求职者的手机号；密码至少8位，请电话告诉求职者本人。")
def workers_account(external_id: str):
    """Open the worker's sign-in."""
    payload = load_body(AccountInSchema())
    made = actions.create_worker_account(get_db(), current_user(), external_id=external_id,
                                         username=payload.get("username"), password=payload["password"])
    return data_response({**made, "worker_external_id": external_id}, AccountSchema(), status=201)
