"""``/api/v1/duplicates``: 疑似重复, the same actions as the staff page (``models.actions.duplicates``).

- ``GET /duplicates``: the pairs the caller covers both records of, each with its reasons;
- ``POST /duplicates/merge`` (JSON ``keep_id``, ``merge_id``): fold ``merge_id`` into ``keep_id``; 200 with the
  kept worker and what moved (404 outside the caller's scope, 409 for a pair that is not proposed or holds two
  different ID numbers);
- ``POST /duplicates/dismiss`` (the same body): the two are different people (204).

Staff and admins only (other roles: 403).
"""
from __future__ import annotations

from flask import request
from marshmallow import Schema, fields

from app.api import bp
from app.api.auth import current_user, roles_required
from app.api.common import data_response
from app.api.openapi import doc
from app.database import get_db
from models.actions import duplicates as actions
from models.errors import invalid


class DuplicateWorkerSchema(Schema):
    id = fields.Integer(required=True)
    external_id = fields.String(required=True)
    name = fields.String()
    id_masked = fields.String(allow_none=True)
    phone_masked = fields.String(allow_none=True)
    hukou_county = fields.String(allow_none=True)
    birth_year = fields.Integer(allow_none=True)
    applications = fields.Integer()
    placements = fields.Integer()


class DuplicatePairSchema(Schema):
    a = fields.Nested(DuplicateWorkerSchema)
    b = fields.Nested(DuplicateWorkerSchema)
    reasons = fields.List(fields.String(), metadata={"description": "id、name_birth_county、phone"})
    labels = fields.List(fields.String())


class MergeSchema(Schema):
    keep_id = fields.Integer(required=True)
    merge_id = fields.Integer(required=True)


class MergedSchema(Schema):
    id = fields.Integer(required=True)
    external_id = fields.String(required=True)
    merged = fields.Dict(metadata={"description": "并入的编号、转移的投递/就业记录数、补齐的字段"})


def _ids() -> tuple[int, int]:
    body = request.get_json(silent=True) or {}
    errors = MergeSchema().validate(body)
    if errors:
        raise invalid("请给出 keep_id 和 merge_id（求职者 id，整数）。", next(iter(errors)))
    return int(body["keep_id"]), int(body["merge_id"])


@bp.get("/duplicates")
@roles_required("staff", "admin")
@doc("疑似重复的求职者记录", tags=("duplicates",), response=DuplicatePairSchema, many=True, errors=(403,))
def duplicates_list():
    """Pairs of records that may be one person (both within the caller's scope)."""
    return data_response(actions.queue(get_db(), current_user()), DuplicatePairSchema(many=True))


@bp.post("/duplicates/merge")
@roles_required("staff", "admin")
@doc("合并两条重复记录", tags=("duplicates",), body=MergeSchema, response=MergedSchema, errors=(403, 404, 409, 422))
def duplicates_merge():
    """Fold ``merge_id`` into ``keep_id``: every application, placement and follow-up is kept; audited."""
    keep_id, merge_id = _ids()
    return data_response(actions.merge(get_db(), current_user(), keep_id, merge_id), MergedSchema())


@bp.post("/duplicates/dismiss")
@roles_required("staff", "admin")
@doc("标记为不同的人", tags=("duplicates",), body=MergeSchema, status=204, errors=(403, 404, 409, 422))
def duplicates_dismiss():
    """The two records are two people: the pair is not proposed again."""
    keep_id, merge_id = _ids()
    actions.dismiss(get_db(), current_user(), keep_id, merge_id)
    return "", 204
