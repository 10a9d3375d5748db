"""``/api/v1/brands``: 劳务品牌, through ``models.actions.brands`` (the staff pages' actions). Staff and admins.

- ``GET /brands``: every brand with its figures; ``GET /brands/<id>``: one, with courses, partner employers
  and the linked workers the caller covers;
- ``POST /brands`` (name, county, trade, description): a brand of a county the caller covers;
- ``POST /brands/<id>/workers`` (``worker_external_id``), ``POST /brands/<id>/employers`` (``employer_name``).
"""
from __future__ import annotations

from marshmallow import Schema, fields

from app.api import bp
from app.api.auth import current_user, roles_required
from app.api.common import data_response, load_body
from app.api.openapi import doc
from app.database import get_db
from models.actions import brands as actions


class BrandFiguresSchema(Schema):
    workers = fields.Integer(metadata={"description": "品牌人数"})
    working = fields.Integer(metadata={"description": "在岗人数"})
    stable_3 = fields.Integer(metadata={"description": "稳定3个月的就业记录数"})
    courses = fields.Integer()
    completed = fields.Integer(metadata={"description": "结业人次"})
    employers = fields.Integer(metadata={"description": "合作单位数"})
    at_partners = fields.Integer(metadata={"description": "在合作单位的就业记录数"})


class BrandSchema(Schema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)
    hukou_province = fields.String()
    hukou_county = fields.String()
    trade = fields.String()
    description = fields.String(allow_none=True)
    figures = fields.Nested(BrandFiguresSchema)
    courses = fields.List(fields.Dict())
    employers = fields.List(fields.Dict())
    workers = fields.List(fields.Dict(), metadata={"description": "调用者负责范围内的品牌人员"})
    workers_not_shown = fields.Integer()


class BrandInSchema(Schema):
    name = fields.String(required=True)
    county = fields.String(required=True)
    trade = fields.String(required=True)
    description = fields.String(allow_none=True)


class BrandWorkerInSchema(Schema):
    worker_external_id = fields.String(required=True)


class BrandEmployerInSchema(Schema):
    employer_name = fields.String(required=True)


@bp.get("/brands")
@roles_required("staff", "admin")
@doc("劳务品牌列表（工作人员）", tags=("brands",), response=BrandSchema, many=True, errors=(403,))
def brands_list():
    return data_response(actions.list_brands(get_db(), current_user()), BrandSchema(many=True))


@bp.get("/brands/<int:brand_id>")
@roles_required("staff", "admin")
@doc("劳务品牌详情（工作人员）", tags=("brands",), response=BrandSchema, errors=(403, 404))
def brands_get(brand_id: int):
    return data_response(actions.get_brand(get_db(), current_user(), brand_id), BrandSchema())


@bp.post("/brands")
@roles_required("staff", "admin")
@doc("创建劳务品牌（工作人员）", tags=("brands",), body=BrandInSchema, response=BrandSchema, status=201,
     errors=(403, 409, 422))
def brands_create():
    payload = load_body(BrandInSchema())
    return data_response(actions.create_brand(get_db(), current_user(), payload), BrandSchema(), status=201)


@bp.post("/brands/<int:brand_id>/workers")
@roles_required("staff", "admin")
@doc("品牌加入求职者（工作人员）", tags=("brands",), body=BrandWorkerInSchema, response=BrandSchema,
     errors=(403, 404, 409))
def brands_link_worker(brand_id: int):
    payload = load_body(BrandWorkerInSchema())
    return data_response(actions.link_worker(get_db(), current_user(), brand_id,
                                             worker_external_id=payload["worker_external_id"]), BrandSchema())


@bp.post("/brands/<int:brand_id>/employers")
@roles_required("staff", "admin")
@doc("品牌添加合作单位（工作人员）", tags=("brands",), body=BrandEmployerInSchema, response=BrandSchema,
     errors=(403, 404))
def brands_link_employer(brand_id: int):
    payload = load_body(BrandEmployerInSchema())
    return data_response(actions.link_employer(get_db(), current_user(), brand_id,
                                               employer_name=payload["employer_name"]), BrandSchema())
