"""``/api/v1/me/messages``: the signed-in user's messages (我的消息), newest first, read or unread.

- ``GET /me/messages`` (``?unread=1`` for unread ones only): a worker's messages; staff and admins get the
  reminders addressed to them; an employer an empty list.
- ``POST /me/messages/<id>/read``: a worker marks one of their messages read (someone else's is 404);
  ``POST /me/messages/read`` marks all of them read.

Each route calls one action of ``models.actions.messages`` (the same ones 我的消息 calls).
"""
from __future__ import annotations

from marshmallow import Schema, fields

from app.api import bp
from app.api.auth import current_user
from app.api.common import data_response, list_response, load_query, page_window
from app.api.openapi import doc
from app.api.schemas import PageQuerySchema
from app.database import get_db
from models.actions import messages as actions


class MessageSchema(Schema):
    id = fields.Integer(required=True)
    kind = fields.String(required=True, metadata={"description": "recommend / status / closed / followup / batch "
                                                                 "/ placement / account；工作人员的提醒为 reminder"})
    kind_label = fields.String(metadata={"description": "中文标题"})
    text = fields.String(required=True)
    link = fields.String(allow_none=True, metadata={"description": "相关页面（本站路径）"})
    read = fields.Boolean(required=True)
    created_at = fields.String(required=True, metadata={"description": "UTC 时间（ISO 8601）"})


class MessageQuerySchema(PageQuerySchema):
    unread = fields.Boolean(load_default=False, metadata={"description": "只要未读的"})


class MarkedSchema(Schema):
    marked = fields.Integer(required=True, metadata={"description": "本次标为已读的条数"})
    unread = fields.Integer(required=True, metadata={"description": "剩余未读条数"})


@bp.get("/me/messages")
@doc("我的消息", tags=("me",), query=MessageQuerySchema, response=MessageSchema, paged=True, errors=(400,))
def me_messages():
    """The caller's messages, newest first, with read/unread."""
    args = load_query(MessageQuerySchema())
    page, per_page, offset = page_window(args)
    rows, total = actions.list_for(get_db(), current_user(), unread_only=args["unread"], limit=per_page,
                                   offset=offset)
    return list_response(rows, MessageSchema(), page=page, per_page=per_page, total=total)


@bp.post("/me/messages/<int:message_id>/read")
@doc("标记一条消息已读（求职者）", tags=("me",), response=MarkedSchema, errors=(403, 404))
def me_message_read(message_id: int):
    """Mark one of the worker's messages read."""
    db = get_db()
    marked = actions.mark_read(db, current_user(), message_id)
    return data_response({"marked": marked, "unread": actions.unread_count(db, current_user())}, MarkedSchema())


@bp.post("/me/messages/read")
@doc("全部标为已读（求职者）", tags=("me",), response=MarkedSchema, errors=(403,))
def me_messages_read_all():
    """Mark all of the worker's messages read."""
    db = get_db()
    marked = actions.mark_read(db, current_user())
    return data_response({"marked": marked, "unread": actions.unread_count(db, current_user())}, MarkedSchema())


class SkillGapSchema(Schema):
    certificate = fields.String(required=True, metadata={"description": "缺少的证书（规范名称）"})
    jobs = fields.Integer(required=True, metadata={"description": "有了这个证就能投的在招岗位数"})
    in_desired_cities = fields.Integer(metadata={"description": "其中在意向城市的岗位数"})
    titles = fields.List(fields.String(), metadata={"description": "岗位名称举例"})
    courses_url = fields.String(metadata={"description": "相关培训课程页面"})


@bp.get("/me/skill-gaps")
@doc("学个证：能多投最多岗位的证书（求职者）", tags=("me",), response=SkillGapSchema, many=True, errors=(403,))
def me_skill_gaps():
    """The certificates that would open the most open postings to the signed-in worker."""
    from flask import jsonify

    from models.actions import skills

    return jsonify({"data": SkillGapSchema().dump(skills.gaps(get_db(), current_user()), many=True)})
