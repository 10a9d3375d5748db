"""Who a worker calls (联系工作人员), through ``models.actions.contacts`` (the same actions as the pages):

- ``GET /me/contact``: the signed-in worker's responsible staff member (name, work phone, office);
- ``PUT /workers/<external_id>/contact`` ``{"username": …}``: staff covering the worker choose the responsible
  staff member (empty username: back to the county's);
- ``PUT /me/contact-details`` ``{"work_phone", "office"}``: a staff member's own work phone and office.
"""
from __future__ import annotations

from marshmallow import Schema, fields

from app.api import bp
from app.api.auth import current_user
from app.api.common import data_response, load_body
from app.api.errors import ApiError
from app.api.openapi import doc
from app.database import get_db
from models.actions import contacts as actions


class ContactSchema(Schema):
    user_id = fields.Integer(allow_none=True)
    name = fields.String(required=True)
    work_phone = fields.String(allow_none=True, metadata={"description": "工作电话"})
    office = fields.String(allow_none=True, metadata={"description": "办公地点"})
    assigned = fields.Boolean(metadata={"description": "true：工作人员指定；false：按户籍区县默认"})


class ContactInSchema(Schema):
    username = fields.String(load_default="", allow_none=True, metadata={"description": "工作人员用户名；空=按区县默认"})


class ContactDetailsInSchema(Schema):
    work_phone = fields.String(load_default=None, allow_none=True)
    office = fields.String(load_default=None, allow_none=True)


def _card(card: dict | None):
    if card is None:
        raise ApiError(404, "该求职者所在区县还没有负责的工作人员。")
    return data_response(card, ContactSchema())


@bp.get("/me/contact")
@doc("我的负责工作人员（求职者）", tags=("me",), response=ContactSchema, errors=(403, 404))
def me_contact():
    """The signed-in worker's responsible staff member."""
    return _card(actions.contact_for(get_db(), current_user()))


@bp.put("/workers/<external_id>/contact")
@doc("指定求职者的负责工作人员", tags=("workers",), body=ContactInSchema, response=ContactSchema,
     errors=(403, 404, 422))
def worker_contact(external_id: str):
    """Staff covering the worker choose who is responsible for them."""
    payload = load_body(ContactInSchema())
    return _card(actions.assign_contact(get_db(), current_user(), external_id, payload.get("username")))


@bp.put("/me/contact-details")
@doc("我的工作电话和办公地点（工作人员）", tags=("me",), body=ContactDetailsInSchema, response=ContactSchema,
     errors=(403, 422))
def me_contact_details():
    """A staff member's own work phone and office, as workers see them."""
    payload = load_body(ContactDetailsInSchema())
    return _card(actions.set_own_details(get_db(), current_user(), work_phone=payload.get("work_phone"),
                                         office=payload.get("office")))
