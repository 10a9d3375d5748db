"""``/api/v1/cases``: 维权 cases, through ``models.actions.cases`` (the ``/cases`` pages' actions).

- ``GET /cases`` (``?status=``, paged): the worker's own, staff's within their scope or assigned to them;
- ``GET /cases/summary`` (staff): open cases by kind, closed this year (the dashboard's counts);
- ``POST /cases`` (``kind``, ``summary``; staff add ``worker_external_id``; optional ``placement_id``);
- ``GET /cases/<id>``: one case with its notes; ``POST /cases/<id>/notes`` (``note``);
- ``POST /cases/<id>/close`` (staff; ``outcome``).
"""
from __future__ import annotations

from flask import url_for
from marshmallow import Schema, fields, validate

from app.api import bp
from app.api.auth import current_user, roles_required
from app.api.common import data_response, list_response, load_body, load_query, page_window
from app.api.openapi import doc
from app.api.schemas import PageQuerySchema
from app.database import get_db
from models.actions import cases as actions
from models.vocabulary import CASE_KINDS, CASE_STATUSES


class CaseNoteSchema(Schema):
    id = fields.Integer()
    note = fields.String()
    author = fields.String(allow_none=True)
    author_role = fields.String(allow_none=True)
    created_at = fields.String()


class CaseSchema(Schema):
    id = fields.Integer(required=True)
    worker_external_id = fields.String()
    worker_name = fields.String()
    hukou_county = fields.String(allow_none=True)
    placement_id = fields.Integer(allow_none=True)
    placement_employer = fields.String(allow_none=True)
    city = fields.String(allow_none=True, metadata={"description": "务工城市"})
    kind = fields.String(validate=validate.OneOf(CASE_KINDS))
    summary = fields.String()
    status = fields.String(validate=validate.OneOf(CASE_STATUSES))
    opened_via = fields.String()
    city_staff_name = fields.String(allow_none=True)
    county_staff_name = fields.String(allow_none=True)
    outcome = fields.String(allow_none=True)
    closed_on = fields.String(allow_none=True)
    created_at = fields.String()
    notes = fields.List(fields.Nested(CaseNoteSchema))


class CaseInSchema(Schema):
    kind = fields.String(required=True, metadata={"description": "、".join(CASE_KINDS)})
    summary = fields.String(required=True)
    worker_external_id = fields.String(allow_none=True, metadata={"description": "工作人员登记时填写"})
    placement_id = fields.Integer(allow_none=True)


class CaseQuerySchema(PageQuerySchema):
    status = fields.String(metadata={"description": "、".join(CASE_STATUSES)})


class CaseNoteInSchema(Schema):
    note = fields.String(required=True)


class CaseCloseInSchema(Schema):
    outcome = fields.String(required=True)


class CaseSummarySchema(Schema):
    open = fields.Integer()
    by_kind = fields.Dict(keys=fields.String(), values=fields.Integer())
    closed_this_year = fields.Integer()


@bp.get("/cases")
@roles_required("worker", "staff", "admin")
@doc("维权案件列表", tags=("cases",), query=CaseQuerySchema, response=CaseSchema, paged=True, errors=(400, 403))
def cases_list():
    args = load_query(CaseQuerySchema())
    page, per_page, offset = page_window(args)
    rows, total = actions.list_for(get_db(), current_user(), status=args.get("status"), limit=per_page,
                                   offset=offset)
    return list_response(rows, CaseSchema(exclude=("notes",)), page=page, per_page=per_page, total=total)


@bp.get("/cases/summary")
@roles_required("staff", "admin")
@doc("维权案件统计（工作人员）", tags=("cases",), response=CaseSummarySchema, errors=(403,))
def cases_summary():
    return data_response(actions.counts(get_db(), current_user()), CaseSummarySchema())


@bp.post("/cases")
@roles_required("worker", "staff", "admin")
@doc("登记维权案件", tags=("cases",), body=CaseInSchema, response=CaseSchema, status=201, errors=(403, 404, 422),
     description="求职者本人登记不填 worker_external_id；不填 placement_id 时取其当前在岗的就业记录。")
def cases_open():
    payload = load_body(CaseInSchema())
    case = actions.open_case(get_db(), current_user(), kind=payload["kind"], summary=payload["summary"],
                             worker_external_id=payload.get("worker_external_id"),
                             placement_id=payload.get("placement_id"))
    return data_response(case, CaseSchema(), status=201,
                         headers={"Location": url_for("api.cases_get", case_id=case["id"])})


@bp.get("/cases/<int:case_id>")
@roles_required("worker", "staff", "admin")
@doc("维权案件详情", tags=("cases",), response=CaseSchema, errors=(404,))
def cases_get(case_id: int):
    return data_response(actions.get(get_db(), current_user(), case_id), CaseSchema())


@bp.post("/cases/<int:case_id>/notes")
@roles_required("worker", "staff", "admin")
@doc("添加处理记录", tags=("cases",), body=CaseNoteInSchema, response=CaseSchema, status=201,
     errors=(404, 409, 422))
def cases_note(case_id: int):
    payload = load_body(CaseNoteInSchema())
    return data_response(actions.add_note(get_db(), current_user(), case_id, note=payload["note"]), CaseSchema(),
                         status=201)


@bp.post("/cases/<int:case_id>/close")
@roles_required("staff", "admin")
@doc("结案（工作人员）", tags=("cases",), body=CaseCloseInSchema, response=CaseSchema, errors=(403, 404, 409, 422))
def cases_close(case_id: int):
    payload = load_body(CaseCloseInSchema())
    return data_response(actions.close_case(get_db(), current_user(), case_id, outcome=payload["outcome"]),
                         CaseSchema())
