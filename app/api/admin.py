"""``/api/v1/admin``: accounts, API tokens, the audit log and the scheduled jobs' runs, through
``models.actions.admin`` (the admin pages' actions). Admins only (others: 403).

- ``GET /admin/users``, ``POST /admin/users`` (username, password, role staff|admin, display_name, counties,
  cities), ``POST /admin/users/<id>/disable`` and ``/enable``, ``POST /admin/users/<id>/password``;
- ``GET /admin/tokens``, ``POST /admin/tokens/<id>/revoke``;
- ``GET /admin/audit`` (``?action=worker.reveal_id&username=&since=&until=&page=``);
- ``GET /admin/jobs``: runs, newest first, described in Chinese.
"""
from __future__ import annotations

from marshmallow import Schema, fields

from app.api import bp
from app.api.auth import current_user, roles_required
from app.api.common import data_response, list_response, load_body, load_query, page_window
from app.api.openapi import doc
from app.api.schemas import PageQuerySchema
from app.database import get_db
from app.scheduler import describe_runs
from models.actions import admin as actions


class AdminUserSchema(Schema):
    id = fields.Integer()
    username = fields.String()
    role = fields.String()
    display_name = fields.String(allow_none=True)
    scope_counties = fields.List(fields.String())
    scope_cities = fields.List(fields.String())
    active = fields.Boolean()
    created_at = fields.String()


class AdminUserInSchema(Schema):
    username = fields.String(required=True)
    password = fields.String(required=True, load_only=True)
    role = fields.String(load_default="staff", metadata={"description": "staff 或 admin"})
    display_name = fields.String(allow_none=True)
    counties = fields.Raw(allow_none=True, metadata={"description": "负责的区县，如 \"酉阳,甘肃省东乡\" 或 [\"*\"]"})
    cities = fields.Raw(allow_none=True, metadata={"description": "负责的城市，如 \"青岛,烟台\""})


class AdminPasswordInSchema(Schema):
    password = fields.String(required=True, load_only=True)


class AdminTokenSchema(Schema):
    id = fields.Integer()
    user_id = fields.Integer()
    username = fields.String()
    name = fields.String(allow_none=True)
    created_at = fields.String()
    last_used_at = fields.String(allow_none=True)
    revoked_at = fields.String(allow_none=True)
    active = fields.Boolean()


class AuditQuerySchema(PageQuerySchema):
    action = fields.String(metadata={"description": "如 worker.reveal_id（查看完整身份证号）"})
    username = fields.String()
    since = fields.String(metadata={"description": "YYYY-MM-DD"})
    until = fields.String(metadata={"description": "YYYY-MM-DD（含当天）"})


class AuditSchema(Schema):
    id = fields.Integer()
    created_at = fields.String()
    username = fields.String(allow_none=True)
    action = fields.String()
    action_label = fields.String()
    entity = fields.String(allow_none=True)
    entity_id = fields.Integer(allow_none=True)
    target = fields.String()
    via = fields.String()


class JobRunSchema(Schema):
    name = fields.String()
    period = fields.String()
    status = fields.String()
    detail = fields.String()
    attempts = fields.Integer()
    started = fields.String()
    finished = fields.String()


@bp.get("/admin/users")
@roles_required("admin")
@doc("账号列表（管理员）", tags=("admin",), response=AdminUserSchema, many=True, errors=(403,))
def admin_users():
    return data_response(actions.list_users(get_db(), current_user()), AdminUserSchema(many=True))


@bp.post("/admin/users")
@roles_required("admin")
@doc("创建工作人员或管理员账号（管理员）", tags=("admin",), body=AdminUserInSchema, response=AdminUserSchema,
     status=201, errors=(403, 422))
def admin_users_create():
    payload = load_body(AdminUserInSchema())
    return data_response(actions.create_user(get_db(), current_user(), **payload), AdminUserSchema(), status=201)


@bp.post("/admin/users/<int:user_id>/disable")
@roles_required("admin")
@doc("停用账号（管理员）", tags=("admin",), response=AdminUserSchema, errors=(403, 404, 409))
def admin_users_disable(user_id: int):
    return data_response(actions.set_active(get_db(), current_user(), user_id, False), AdminUserSchema())


@bp.post("/admin/users/<int:user_id>/enable")
@roles_required("admin")
@doc("启用账号（管理员）", tags=("admin",), response=AdminUserSchema, errors=(403, 404))
def admin_users_enable(user_id: int):
    return data_response(actions.set_active(get_db(), current_user(), user_id, True), AdminUserSchema())


@bp.post("/admin/users/<int:user_id>/password")
@roles_required("admin")
@doc("重置密码（管理员）", tags=("admin",), body=AdminPasswordInSchema, response=AdminUserSchema, errors=(403, 404, 422))
def admin_users_password(user_id: int):
    payload = load_body(AdminPasswordInSchema())
    return data_response(actions.reset_password(get_db(), current_user(), user_id, payload["password"]),
                         AdminUserSchema())


@bp.get("/admin/tokens")
@roles_required("admin")
@doc("全部接口令牌（管理员）", tags=("admin",), response=AdminTokenSchema, many=True, errors=(403,))
def admin_tokens():
    return data_response(actions.list_tokens(get_db(), current_user()), AdminTokenSchema(many=True))


@bp.post("/admin/tokens/<int:token_id>/revoke")
@roles_required("admin")
@doc("吊销令牌（管理员）", tags=("admin",), response=AdminTokenSchema, errors=(403, 404, 409))
def admin_tokens_revoke(token_id: int):
    return data_response(actions.revoke_token(get_db(), current_user(), token_id), AdminTokenSchema())


@bp.get("/admin/audit")
@roles_required("admin")
@doc("审计日志（管理员）", tags=("admin",), query=AuditQuerySchema, response=AuditSchema, paged=True,
     errors=(400, 403))
def admin_audit():
    args = load_query(AuditQuerySchema())
    page, per_page, offset = page_window(args)
    rows, total = actions.audit_log(get_db(), current_user(), action=args.get("action"),
                                    username=args.get("username"), since=args.get("since"),
                                    until=args.get("until"), limit=per_page, offset=offset)
    return list_response(rows, AuditSchema(), page=page, per_page=per_page, total=total)


@bp.get("/admin/jobs")
@roles_required("admin")
@doc("定时任务运行记录（管理员）", tags=("admin",), response=JobRunSchema, many=True, errors=(403,))
def admin_jobs():
    return data_response(describe_runs(actions.job_runs(get_db(), current_user())), JobRunSchema(many=True))
