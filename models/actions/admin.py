"""Administration: accounts (create staff with their scope, disable and enable, reset a password), API tokens
(list, revoke), the audit log (who did what, when — who revealed which ID number — with filters) and the
scheduled jobs' history. Admins only, every write audited.

The rules:

- Only admins (and ``SYSTEM``) act here; anybody else is ``forbidden``.
- New accounts made here are staff or admins (worker and employer accounts are opened where their record is:
  the worker's file, the employer's registration); a staff account needs its scope (``normalise_scope``).
- An admin does not disable their own account (someone must be left to undo it).
- The audit log is read, never written, here; its entries are described in Chinese (:data:`ACTION_LABELS`).
"""
from __future__ import annotations

import json
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from models import access
from models.errors import conflict, forbidden, invalid, not_found
from models.people import api_tokens
from models.people import users as user_store
from models.store import clock
from models.store.db import audit, select_page, transaction

#: What each audit action means, as the viewer shows it.
ACTION_LABELS = {
    "worker.reveal_id": "查看完整身份证号", "worker.create": "登记求职者", "worker.update": "修改求职者信息",
    "worker.seeking": "更改求职状态", "worker.requeue": "重新进入求职队列", "job.create": "发布岗位",
    "job.update": "修改岗位", "ledger.import": "导入台账", "placement.create": "登记就业", "placement.end": "登记离职",
    "follow_up.create": "记录回访", "comparison.upload": "上传名单比对", "comparison.apply": "按比对结果更新帮扶身份",
    "user.create": "创建账号", "user.password": "重置密码", "user.scope": "修改负责范围", "user.active": "启用账号",
    "user.disable": "停用账号", "token.revoke": "吊销接口令牌", "course.create": "发布培训课程",
    "course.close": "停止课程报名", "enrolment.create": "培训报名", "enrolment.complete": "登记结业",
    "enrolment.withdraw": "退出培训", "brand.create": "创建劳务品牌", "brand.link_worker": "品牌加入人员",
    "brand.link_employer": "品牌添加合作单位", "case.open": "登记维权案件", "case.note": "维权处理记录",
    "case.close": "维权结案",
}
ENTITY_LABELS = {"worker": "求职者", "job": "岗位", "user": "账号", "placement": "就业记录", "course": "培训课程",
                 "enrolment": "培训报名", "brand": "劳务品牌", "case": "维权案件", "import_batch": "导入批次",
                 "comparison": "名单比对"}
NEW_ROLES = ("staff", "admin")


def _admin(actor: Any) -> None:
    if not access.is_admin(actor):
        raise forbidden("只有管理员可以管理账号、查看审计日志和定时任务。")


def _shown_user(user: dict) -> dict:
    return {k: user.get(k) for k in ("id", "username", "role", "display_name", "scope_counties", "scope_cities",
                                     "active", "created_at", "worker_id", "employer_id")}


def list_users(db, actor: Any, *, role: str | None = None) -> list[dict]:
    """Every account (never a password hash), by id."""
    _admin(actor)
    return [_shown_user(u) for u in user_store.list_users(db, role or None)]


def create_user(db, actor: Any, *, username: str, password: str, role: str = "staff", display_name: str | None = None,
                counties: str | list[str] | None = None, cities: str | list[str] | None = None) -> dict:
    """A staff (with its scope, county and city names as people write them) or admin account."""
    _admin(actor)
    if role not in NEW_ROLES:
        raise invalid("这里只创建工作人员或管理员账号；求职者和用人单位账号在其档案中开通。", "role")
    user_id = user_store.create_user(db, username, password, role, display_name=display_name,
                                     scope_counties=counties if role == "staff" else None,
                                     scope_cities=cities if role == "staff" else None,
                                     created_by=access.user_id(actor))
    return _shown_user(user_store.get_user(db, user_id))


def _user(db, user_id: int) -> dict:
    user = user_store.get_user(db, user_id)
    if user is None:
        raise not_found("找不到该账号。", "user_id")
    return user


def set_active(db, actor: Any, user_id: int, active: bool) -> dict:
    """Disable (or enable again) an account; a disabled account cannot sign in or use its tokens."""
    _admin(actor)
    with transaction(db):
        user = _user(db, user_id)
        if not active and user["id"] == access.user_id(actor):
            raise conflict("不能停用自己的账号。", "user_id")
        if bool(user["active"]) != bool(active):
            user_store.set_active(db, user_id, bool(active), by=access.user_id(actor))
    return _shown_user(_user(db, user_id))


def reset_password(db, actor: Any, user_id: int, password: str) -> dict:
    _admin(actor)
    with transaction(db):
        _user(db, user_id)
        user_store.set_password(db, user_id, password, by=access.user_id(actor))
    return _shown_user(_user(db, user_id))


def list_tokens(db, actor: Any) -> list[dict]:
    """Every API token's metadata (never the token or its hash), newest first."""
    _admin(actor)
    return api_tokens.list_tokens(db)


def revoke_token(db, actor: Any, token_id: int) -> dict:
    _admin(actor)
    with transaction(db):
        token = api_tokens.get_token(db, token_id)
        if token is None:
            raise not_found("找不到该令牌。", "token_id")
        if not token["active"]:
            raise conflict("该令牌已吊销。", "token_id")
        api_tokens.revoke_token(db, token_id)
        audit(db, "token.revoke", user_id=access.user_id(actor), entity="user", entity_id=token["user_id"],
              detail={"token_id": token_id})
    return api_tokens.get_token(db, token_id)


def audit_log(db, actor: Any, *, action: str | None = None, username: str | None = None,
              since: str | None = None, until: str | None = None, limit: int = 100,
              offset: int = 0) -> tuple[list[dict], int]:
    """Audit entries, newest first, filtered by action (``worker.reveal_id`` = who revealed which ID), the
    acting account's username, and dates (``since``/``until``, YYYY-MM-DD, inclusive, days in Asia/Shanghai).
    Each entry carries its Chinese ``action_label`` and ``target`` (for a worker: 编号 and name)."""
    _admin(actor)
    clauses, params = ["1 = 1"], []
    if action:
        if action not in ACTION_LABELS:
            raise invalid(f"未知的操作类型：{action}。", "action")
        clauses.append("a.action = ?")
        params.append(action)
    if username:
        clauses.append("u.username = ?")
        params.append(username.strip())
    for value, name in ((since, "since"), (until, "until")):
        if value:
            try:
                day = date.fromisoformat(str(value).strip())
            except ValueError:
                raise invalid("日期格式应为 2026-12-01。", name) from None
            # A day in the platform's time zone (Asia/Shanghai), compared with the stored UTC timestamps.
            start = datetime.combine(day + timedelta(days=1 if name == "until" else 0), time(), clock.tz())
            clauses.append("a.created_at >= ?" if name == "since" else "a.created_at < ?")
            params.append(start.astimezone(UTC).isoformat())
    rows, total = select_page(
        db, "SELECT a.id, a.action, a.entity, a.entity_id, a.detail, a.created_at, u.username, u.display_name,"
            " w.external_id AS worker_external_id, w.name AS worker_name FROM audit_log a"
            " LEFT JOIN users u ON u.id = a.user_id"
            " LEFT JOIN workers w ON a.entity = 'worker' AND w.id = a.entity_id"
            f" WHERE {' AND '.join(clauses)}", params, order="a.id DESC", limit=limit, offset=offset)
    for row in rows:
        row["action_label"] = ACTION_LABELS.get(row["action"], "其他操作")
        if row["worker_external_id"]:
            row["target"] = f"求职者 {row['worker_external_id']} {row['worker_name']}"
        elif row["entity"]:
            row["target"] = f"{ENTITY_LABELS.get(row['entity'], '记录')} {row['entity_id'] or ''}".strip()
        else:
            row["target"] = ""
        detail = json.loads(row["detail"]) if row["detail"] else {}
        row["via"] = {"web": "网页", "api": "接口", "cli": "命令行", "course": "培训结业"}.get(detail.get("via"), "")
    return rows, total


def job_runs(db, actor: Any, *, limit: int = 50) -> list[dict]:
    """The scheduled jobs' recent runs as stored (``app.scheduler.describe_runs`` words them), newest first."""
    _admin(actor)
    cur = db.execute("SELECT job, period, status, attempts, result, error, started_at, finished_at FROM job_runs"
                     " ORDER BY COALESCE(started_at, created_at) DESC, id DESC LIMIT ?", (limit,))
    names = [c[0] for c in cur.description]
    return [dict(zip(names, r)) for r in cur.fetchall()]
