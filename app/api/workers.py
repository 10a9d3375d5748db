"""``/api/v1/workers``: the worker registry (staff), one worker's record (as much as the caller may see).

- ``GET /workers`` staff/admin: search by ``q`` (name, 编号, masked ID), ``county``, ``status``; paged.
- ``GET /workers/<external_id>``: the record reduced by ``models.access.worker_visibility``;
  ``?reveal=id_number`` (staff/admin only) adds the full resident ID and writes the audit log.
- ``POST /workers``, ``PATCH /workers/<external_id>`` staff/admin: validated by ``models.intake.records.clean_worker``
  (422 naming the field), stored by ``models.people.workers.upsert_worker``.
"""
from __future__ import annotations

from flask import url_for

from app.api import bp
from app.api.auth import current_user, roles_required
from app.api.common import data_response, list_response, load_body, load_query, page_window
from app.api.errors import ApiError
from app.api.openapi import doc
from app.api.schemas import RevealQuerySchema, WorkerInSchema, WorkerQuerySchema, WorkerSchema
from app.database import get_db
from models import access as permissions
from models.people.pii import decrypt_id
from models.store.db import audit

SCOPED_SCAN_LIMIT = 100_000


def worker_or_404(external_id: str, field: str | None = None) -> dict:
    """The stored worker (full store dict, never the full ID) or a 404 (naming ``field`` for bodies)."""
    from models.people.workers import get_worker_by_external_id

    worker = get_worker_by_external_id(get_db(), external_id)
    if worker is None:
        raise ApiError(404, "找不到该求职者。", field=field)
    return worker


def related_to_employer(employer_id: int | None, worker_id: int) -> bool:
    """The worker applied to, or was recommended for, one of this employer's postings."""
    from models.hiring.applications import related_to_employer as related

    return related(get_db(), employer_id, worker_id)


def visible_worker(user: dict, worker: dict) -> dict:
    """The worker as ``user`` may see it; 404 when they may not see it at all."""
    related = user["role"] == "employer" and related_to_employer(user.get("employer_id"), worker["id"])
    level = permissions.worker_visibility(user, worker, related_to_employer=related)
    shown = permissions.present_worker(worker, level)
    if shown is None:
        raise ApiError(404, "找不到该求职者。")
    return shown


def full_id_number(worker_id: int) -> str | None:
    """Decrypt the stored resident ID for re-validation on update (never sent back, so not audited)."""
    row = get_db().execute("SELECT id_number_enc FROM workers WHERE id = ?", (worker_id,)).fetchone()
    return decrypt_id(row[0]) if row and row[0] else None


def _clean_or_422(raw: dict) -> dict:
    from models.intake.records import clean_worker

    record, errors = clean_worker(raw)
    if errors or record is None:
        first = errors[0] if errors else None
        raise ApiError(422, getattr(first, "message", None) or "数据校验未通过。",
                       field=getattr(first, "field", None))
    return record


def _store(db, record: dict) -> str:
    """``upsert_worker``; an ID number registered under another 编号 is a 409 on ``id_number``."""
    from models.people.workers import DuplicateWorkerError, upsert_worker

    try:
        return upsert_worker(db, record)
    except DuplicateWorkerError as exc:
        raise ApiError(409, exc.message, field="id_number") from None


@bp.get("/workers")
@roles_required("staff", "admin")
@doc("求职者列表（工作人员）", tags=("workers",), query=WorkerQuerySchema, response=WorkerSchema,
     paged=True, errors=(400, 403))
def workers_list():
    """Search the registry. Scoped staff see only workers in their counties or cities."""
    from models.people.workers import list_workers

    args = load_query(WorkerQuerySchema())
    page, per_page, offset = page_window(args)
    user = current_user()
    filters = {"q": args.get("q") or None, "county": args.get("county") or None,
               "status": args.get("status") or None}
    db = get_db()
    if permissions.staff_scope(user) is None:
        rows, total = list_workers(db, limit=per_page, offset=offset, **filters)
    else:
        rows, _ = list_workers(db, limit=SCOPED_SCAN_LIMIT, offset=0, **filters)
        rows = [w for w in rows if permissions.staff_covers_worker(user, w)]
        total = len(rows)
        rows = rows[offset:offset + per_page]
    return list_response(rows, WorkerSchema(), page=page, per_page=per_page, total=total)


@bp.get("/workers/<external_id>")
@doc("求职者详情（按权限脱敏）", tags=("workers",), query=RevealQuerySchema, response=WorkerSchema,
     errors=(400, 403, 404),
     description="求职者本人、工作人员可见；用人单位只能看到投递/被推荐给本单位的求职者的联系方式，"
                 "其他求职者只见脱敏信息。?reveal=id_number 仅工作人员/管理员可用，并写入审计日志。")
def workers_get(external_id: str):
    """One worker, as much as the caller may see."""
    args = load_query(RevealQuerySchema())
    user = current_user()
    worker = worker_or_404(external_id)
    shown = visible_worker(user, worker)
    headers = {}
    if args.get("reveal") == "id_number":
        if not permissions.can_reveal_id(user, worker):
            raise ApiError(403, "只有工作人员和管理员可以查看完整身份证号。", field="reveal")
        from models.people.workers import reveal_id_number

        shown = dict(shown, id_number=reveal_id_number(get_db(), worker["id"], user["id"], via="api"))
        headers["Cache-Control"] = "no-store"
    return data_response(shown, WorkerSchema(), headers=headers)


@bp.post("/workers")
@roles_required("staff", "admin")
@doc("新建求职者（工作人员）", tags=("workers",), body=WorkerInSchema, response=WorkerSchema, status=201,
     errors=(403, 409))
def workers_create():
    """Register a worker; 409 when the 编号 already exists."""
    from models.people.workers import get_worker_by_external_id

    payload = load_body(WorkerInSchema())
    db = get_db()
    if get_worker_by_external_id(db, payload["external_id"]) is not None:
        raise ApiError(409, "该编号的求职者已存在。", field="external_id")
    record = _clean_or_422(payload)
    user = current_user()
    if not permissions.can_edit_worker(user, record):
        raise ApiError(403, "该求职者不在您负责的范围内。")
    _store(db, record)
    worker = get_worker_by_external_id(db, record["external_id"])
    audit(db, "worker.create", user_id=user["id"], entity="worker", entity_id=worker["id"],
          detail={"via": "api", "external_id": worker["external_id"]})
    location = url_for("api.workers_get", external_id=worker["external_id"])
    return data_response(permissions.present_worker(worker, permissions.FULL), WorkerSchema(), status=201,
                         headers={"Location": location})


_EDITABLE = tuple(f for f in WorkerInSchema().fields if f != "external_id")


@bp.patch("/workers/<external_id>")
@roles_required("staff", "admin")
@doc("修改求职者（工作人员）", tags=("workers",), body=WorkerInSchema(partial=True), response=WorkerSchema,
     errors=(403, 404), description="只需提交要修改的字段；编号不可修改。")
def workers_update(external_id: str):
    """Partial update: the stored record merged with the body, validated again as a whole."""
    from models.people.workers import get_worker_by_external_id

    user = current_user()
    worker = worker_or_404(external_id)
    if not permissions.can_edit_worker(user, worker):
        raise ApiError(404, "找不到该求职者。")
    payload = load_body(WorkerInSchema(partial=True))
    if payload.get("external_id", external_id) != external_id:
        raise ApiError(422, "编号不可修改。", field="external_id")
    merged = {f: worker.get(f) for f in _EDITABLE if worker.get(f) not in (None, "")}
    merged["external_id"] = external_id
    merged.pop("id_number", None)
    existing_id = full_id_number(worker["id"])
    if existing_id:
        merged["id_number"] = existing_id
    if "id_number" in payload:  # a new number replaces gender/birth year derived from the old one
        merged.pop("gender", None)
        merged.pop("birth_year", None)
    merged.update({k: v for k, v in payload.items() if k != "external_id"})
    record = _clean_or_422({k: v for k, v in merged.items() if v is not None})
    if not permissions.can_edit_worker(user, record):
        raise ApiError(403, "修改后该求职者将不在您负责的范围内。")
    db = get_db()
    _store(db, record)
    audit(db, "worker.update", user_id=user["id"], entity="worker", entity_id=worker["id"],
          detail={"via": "api", "fields": sorted(k for k in payload if k != "id_number")
                  + (["id_number"] if "id_number" in payload else [])})
    worker = get_worker_by_external_id(db, external_id)
    return data_response(permissions.present_worker(worker, permissions.FULL), WorkerSchema())
