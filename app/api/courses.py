"""``/api/v1/courses``: training courses (培训与技能协作) and their enrolments.

Every route calls one action of ``models.actions.training`` (the same the ``/courses`` pages call):

- ``GET /courses`` (``?certificate=`` in any wording, ``?status=open|closed``, paged): every signed-in user;
  ``GET /courses/<id>``: one course with seats left (and, for a worker, their own enrolment).
- ``POST /courses`` (staff): a course held in a city or county the caller covers.
- ``POST /courses/<id>/close`` (staff managing it): stop taking enrolments.
- ``GET /courses/<id>/enrolments``: the enrolments the caller may see (staff managing the course see all).
- ``POST /courses/<id>/enrolments``: a worker enrols themself (empty body); staff send ``worker_external_id``.
- ``POST /courses/<id>/enrolments/<eid>/complete`` (staff): 结业; the certificate goes onto the worker's record.
- ``POST /courses/<id>/enrolments/<eid>/withdraw``: 已退出 (the worker or staff).
- ``GET /courses/outcomes`` (staff): trained, then placed, per course within the caller's scope.
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
from models.actions import training as actions
from models.vocabulary import COURSE_STATUSES, ENROLMENT_STATUSES


class EnrolmentSchema(Schema):
    id = fields.Integer(required=True)
    course_id = fields.Integer(required=True)
    course_title = fields.String()
    certificate = fields.String()
    worker_external_id = fields.String()
    worker_name = fields.String()
    status = fields.String(validate=validate.OneOf(ENROLMENT_STATUSES))
    source = fields.String(metadata={"description": "worker 本人报名 / staff 工作人员代报"})
    completed_on = fields.String(allow_none=True)
    created_at = fields.String()


class CourseSchema(Schema):
    id = fields.Integer(required=True)
    title = fields.String(required=True)
    provider = fields.String(required=True)
    occupation = fields.String(allow_none=True)
    certificate = fields.String(required=True, metadata={"description": "结业证书（规范名称）"})
    city = fields.String(allow_none=True, metadata={"description": "培训城市（山东）"})
    county = fields.String(allow_none=True, metadata={"description": "培训区县（协作地）"})
    start_date = fields.String(required=True)
    end_date = fields.String(required=True)
    seats = fields.Integer(required=True)
    seats_left = fields.Integer()
    enrolled = fields.Integer()
    completed = fields.Integer()
    cost_yuan = fields.Integer(metadata={"description": "培训费（元），0 为免费"})
    living_allowance_yuan = fields.Integer(metadata={"description": "培训期生活补贴（元），0 为无"})
    description = fields.String(allow_none=True)
    brand_id = fields.Integer(allow_none=True)
    brand_name = fields.String(allow_none=True)
    status = fields.String(validate=validate.OneOf(COURSE_STATUSES))
    my_status = fields.String(allow_none=True, metadata={"description": "求职者本人的报名状态"})
    my_enrolment = fields.Nested(EnrolmentSchema, allow_none=True)


class CourseInSchema(Schema):
    """Body of POST /courses; amounts and seats may be numbers or text (“20人”)."""

    title = fields.String(required=True)
    provider = fields.String(required=True)
    occupation = fields.String(allow_none=True)
    certificate = fields.String(required=True)
    city = fields.String(allow_none=True)
    county = fields.String(allow_none=True)
    start_date = fields.String(required=True, metadata={"description": "YYYY-MM-DD"})
    end_date = fields.String(required=True, metadata={"description": "YYYY-MM-DD"})
    seats = fields.Raw(required=True)
    cost_yuan = fields.Raw(allow_none=True)
    living_allowance_yuan = fields.Raw(allow_none=True)
    description = fields.String(allow_none=True)
    brand_id = fields.Integer(allow_none=True)


class CourseQuerySchema(PageQuerySchema):
    certificate = fields.String(metadata={"description": "证书名称（任意写法，如 电焊证 即 焊工证）"})
    status = fields.String(metadata={"description": "open（默认）或 closed；all 为全部"})


class EnrolInSchema(Schema):
    worker_external_id = fields.String(allow_none=True, metadata={"description": "工作人员代报时填写；求职者本人不填"})


class CompleteInSchema(Schema):
    completed_on = fields.String(allow_none=True, metadata={"description": "结业日期 YYYY-MM-DD，默认今天"})


class OutcomeSchema(Schema):
    id = fields.Integer()
    title = fields.String()
    provider = fields.String()
    certificate = fields.String()
    start_date = fields.String()
    end_date = fields.String()
    enrolled = fields.Integer()
    completed = fields.Integer()
    placed_after = fields.Integer(metadata={"description": "结业当日或之后入职的人数"})
    placed_share = fields.Float(allow_none=True)


@bp.get("/courses")
@doc("培训课程列表", tags=("courses",), query=CourseQuerySchema, response=CourseSchema, paged=True, errors=(400,))
def courses_list():
    """Courses, soonest first; ``certificate`` narrows to the courses leading to it."""
    args = load_query(CourseQuerySchema())
    page, per_page, offset = page_window(args)
    status = args.get("status") or "open"
    rows, total = actions.list_courses(get_db(), current_user(), certificate=args.get("certificate"),
                                       status=None if status == "all" else status, limit=per_page, offset=offset)
    return list_response(rows, CourseSchema(), page=page, per_page=per_page, total=total)


@bp.get("/courses/outcomes")
@roles_required("staff", "admin")
@doc("培训后就业统计（工作人员）", tags=("courses",), response=OutcomeSchema, many=True, errors=(403,))
def courses_outcomes():
    """Trained, then placed, per course, within the caller's scope."""
    return data_response(actions.outcomes(get_db(), current_user()), OutcomeSchema(many=True))


@bp.get("/courses/<int:course_id>")
@doc("培训课程详情", tags=("courses",), response=CourseSchema, errors=(404,))
def courses_get(course_id: int):
    return data_response(actions.get_course(get_db(), current_user(), course_id), CourseSchema())


@bp.post("/courses")
@roles_required("staff", "admin")
@doc("发布培训课程（工作人员）", tags=("courses",), body=CourseInSchema, response=CourseSchema, status=201,
     errors=(403, 422), description="培训城市（山东）或培训区县（协作地）至少填一项，须在调用者负责范围内；"
                                    "结业证书须为已知证书（按规范名称保存）。")
def courses_create():
    payload = load_body(CourseInSchema())
    course = actions.create_course(get_db(), current_user(), payload)
    return data_response(course, CourseSchema(), status=201,
                         headers={"Location": url_for("api.courses_get", course_id=course["id"])})


@bp.post("/courses/<int:course_id>/close")
@roles_required("staff", "admin")
@doc("停止报名（工作人员）", tags=("courses",), response=CourseSchema, errors=(403, 404, 409))
def courses_close(course_id: int):
    return data_response(actions.close_course(get_db(), current_user(), course_id), CourseSchema())


@bp.get("/courses/<int:course_id>/enrolments")
@doc("课程报名名单", tags=("courses",), response=EnrolmentSchema, many=True, errors=(404,))
def courses_enrolments(course_id: int):
    """The enrolments the caller may see: all of them for staff managing the course."""
    return data_response(actions.enrolments(get_db(), current_user(), course_id), EnrolmentSchema(many=True))


@bp.post("/courses/<int:course_id>/enrolments")
@roles_required("worker", "staff", "admin")
@doc("报名", tags=("courses",), body=EnrolInSchema, response=EnrolmentSchema, status=201,
     errors=(403, 404, 409, 422), description="求职者本人报名不填 worker_external_id；工作人员代报填求职者编号。")
def courses_enrol(course_id: int):
    payload = load_body(EnrolInSchema())
    row = actions.enrol(get_db(), current_user(), course_id, worker_external_id=payload.get("worker_external_id"))
    return data_response(row, EnrolmentSchema(), status=201)


@bp.post("/courses/<int:course_id>/enrolments/<int:enrolment_id>/complete")
@roles_required("staff", "admin")
@doc("登记结业（工作人员）", tags=("courses",), body=CompleteInSchema, response=EnrolmentSchema,
     errors=(403, 404, 409, 422), description="结业证书记入求职者档案，需要该证书的岗位随即对其开放。")
def courses_complete(course_id: int, enrolment_id: int):
    payload = load_body(CompleteInSchema())
    row = actions.complete(get_db(), current_user(), course_id, enrolment_id,
                           completed_on=payload.get("completed_on"))
    return data_response(row, EnrolmentSchema())


@bp.post("/courses/<int:course_id>/enrolments/<int:enrolment_id>/withdraw")
@roles_required("worker", "staff", "admin")
@doc("退出课程", tags=("courses",), response=EnrolmentSchema, errors=(403, 404, 409))
def courses_withdraw(course_id: int, enrolment_id: int):
    return data_response(actions.withdraw(get_db(), current_user(), course_id, enrolment_id), EnrolmentSchema())
