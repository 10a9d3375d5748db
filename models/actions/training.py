"""Actions on training courses (培训与技能协作) and enrolments: create and close a course, list and read
courses, enrol (the worker themself or staff), withdraw, record completion, and the report of trained-then-
placed workers.

The rules, each in one place (``models.access`` for who):

- **Courses** are read by every signed-in user (a worker browses them, ``?certificate=`` links a skill gap
  to the courses that close it). Staff create a course held in a city or a partner county they cover
  (``access.can_manage_course``) and manage it afterwards; the certificate must be a known one and is
  stored under its canonical name.
- **Enrol**: the worker themself, staff covering the worker, or staff managing the course
  (``access.can_enrol``); only while the course is open and has not ended, while seats are left, once per
  worker. A worker the actor may not know about is ``not_found``.
- **Withdraw** (已退出): the worker, or staff who may enrol them, before completion.
- **Complete** (已结业): staff managing the course or covering the worker, from the start date on; the
  certificate goes onto the worker's record through ``actions.workers.add_certificate`` in the same
  transaction, so postings that require it open to the worker and their matches change.
- **Enrolments** name people: a course's list shows each actor only the enrolments they may see
  (``access.can_view_enrolment``); a worker sees their own.
- **Outcomes** (trained, then placed): staff and admins, counted on the enrolments their scope covers
  (the worker's county, or a course they manage).

Every refusal is an ``ActionError``; every write is audited.
"""
from __future__ import annotations

from datetime import date
from typing import Any

from models import access
from models.actions import workers as worker_actions
from models.errors import conflict, forbidden, invalid, not_found
from models.people.workers import get_worker, get_worker_by_external_id
from models.placement.placements import parse_date
from models.programme import training as store
from models.store import clock
from models.store.db import audit, transaction
from models.vocabulary import COURSE_STATUSES

_NO_COURSE = "找不到该培训课程。"
_NO_WORKER = "找不到该编号的求职者（或该求职者不在您的负责范围）。"


def _signed_in(actor: Any) -> None:
    if access.role(actor) is None:
        raise forbidden("请先登录。")


# --- courses ------------------------------------------------------------------------------------------------

def list_courses(db, actor: Any, *, certificate: str | None = None, status: str | None = "open",
                 limit: int | None = None, offset: int = 0) -> tuple[list[dict], int]:
    """Courses, soonest first: ``certificate`` in any wording (电焊证 → 焊工证 courses); ``status`` open by
    default, None for all."""
    _signed_in(actor)
    if status and status not in COURSE_STATUSES:
        raise invalid(f"状态只能是：{'、'.join(COURSE_STATUSES)}。", "status")
    rows, total = store.list_courses(db, certificate=(certificate or "").strip() or None, status=status,
                                     limit=limit, offset=offset)
    own = access.own_worker_id(actor)
    mine = {} if own is None else dict(db.execute("SELECT course_id, status FROM enrolments WHERE worker_id = ?",
                                                  (own,)).fetchall())
    return [{**r, "seats_left": store.seats_left(r), "my_status": mine.get(r["id"])} for r in rows], total


def get_course(db, actor: Any, course_id: int) -> dict:
    """One course with its enrolled and completed counts, whether the actor manages it, and (for a worker)
    their own enrolment or None."""
    _signed_in(actor)
    course = store.get_course(db, course_id)
    if course is None:
        raise not_found(_NO_COURSE, "course_id")
    own = access.own_worker_id(actor)
    mine = store.find_enrolment(db, course_id, own) if own is not None else None
    return {**course, "seats_left": store.seats_left(course), "manageable": access.can_manage_course(actor, course),
            "my_enrolment": mine}


def create_course(db, actor: Any, raw: dict) -> dict:
    """A new course from form or API fields (``models.programme.training.COURSE_FIELDS``); returns it."""
    if not access.is_staff(actor):
        raise forbidden("只有工作人员可以发布培训课程。")
    record = store.clean_course(raw)
    if not access.can_manage_course(actor, record):
        raise forbidden("只能发布在您负责的城市或区县举办的培训课程。", "city" if record.get("city") else "county")
    brand_id = raw.get("brand_id") or None
    with transaction(db):
        if brand_id is not None and db.execute("SELECT 1 FROM brands WHERE id = ?", (brand_id,)).fetchone() is None:
            raise invalid("找不到该劳务品牌。", "brand_id")
        course_id = store.create_course(db, record, created_by=access.user_id(actor), brand_id=brand_id)
        audit(db, "course.create", user_id=access.user_id(actor), entity="course", entity_id=course_id,
              detail={"certificate": record["certificate"]})
    return get_course(db, actor, course_id)


def close_course(db, actor: Any, course_id: int) -> dict:
    """Stop taking enrolments (staff managing the course)."""
    with transaction(db):
        course = get_course(db, actor, course_id)
        if not course["manageable"]:
            raise forbidden("只有负责该课程的工作人员可以停止报名。")
        if course["status"] == "closed":
            raise conflict("该课程已停止报名。", "status")
        store.set_course_status(db, course_id, "closed")
        audit(db, "course.close", user_id=access.user_id(actor), entity="course", entity_id=course_id)
    return get_course(db, actor, course_id)


# --- enrolments --------------------------------------------------------------------------------------------

def _worker_for(db, actor: Any, course: dict, external_id: str | None) -> dict:
    own = access.own_worker_id(actor)
    if own is not None and not (external_id or "").strip():
        return get_worker(db, own)
    worker = get_worker_by_external_id(db, (external_id or "").strip()) if (external_id or "").strip() else None
    if worker is None:
        raise (invalid("请填写求职者编号。", "worker_external_id") if not (external_id or "").strip()
               else not_found(_NO_WORKER, "worker_external_id"))
    if not access.can_enrol(actor, worker, course):
        if access.is_staff(actor) or own is not None:
            raise not_found(_NO_WORKER, "worker_external_id")
        raise forbidden("只有求职者本人或工作人员可以报名。")
    return worker


def enrol(db, actor: Any, course_id: int, *, worker_external_id: str | None = None) -> dict:
    """Sign a worker up (the worker: themself; staff: the worker with that 编号). Returns the enrolment."""
    if not (access.is_staff(actor) or access.own_worker_id(actor) is not None):
        raise forbidden("只有求职者本人或工作人员可以报名。")
    today = clock.today()
    with transaction(db):
        course = get_course(db, actor, course_id)
        worker = _worker_for(db, actor, course, worker_external_id)
        if course["status"] != "open":
            raise conflict("该课程已停止报名。", "course_id")
        if parse_date(course["end_date"]) < today:
            raise conflict("该课程已经结束。", "course_id")
        existing = store.find_enrolment(db, course_id, worker["id"])
        if existing is not None and existing["status"] != "已退出":
            raise conflict(f"{worker['name']}已经报名该课程（{existing['status']}）。", "worker_external_id")
        if course["seats_left"] <= 0:
            raise conflict(f"该课程名额已满（{course['seats']} 人）。", "course_id")
        source = "worker" if access.is_own_worker(actor, worker) else "staff"
        enrolment_id = store.enrol(db, course_id, worker["id"], source=source, by=access.user_id(actor))
        audit(db, "enrolment.create", user_id=access.user_id(actor), entity="enrolment", entity_id=enrolment_id,
              detail={"course_id": course_id, "worker_id": worker["id"], "source": source})
    return store.get_enrolment(db, enrolment_id)


def _enrolment(db, actor: Any, course_id: int, enrolment_id: int) -> tuple[dict, dict, dict]:
    row = store.get_enrolment(db, enrolment_id)
    course = store.get_course(db, course_id)
    if row is None or course is None or row["course_id"] != course_id:
        raise not_found("找不到该报名记录。", "enrolment_id")
    worker = get_worker(db, row["worker_id"])
    if not access.can_view_enrolment(actor, worker, course):
        raise not_found("找不到该报名记录。", "enrolment_id")
    return row, course, worker


def withdraw(db, actor: Any, course_id: int, enrolment_id: int) -> dict:
    """已退出: the worker, or staff who may enrol them, before the course records a completion."""
    with transaction(db):
        row, _course, _worker = _enrolment(db, actor, course_id, enrolment_id)
        if row["status"] != "已报名":
            raise conflict(f"该报名已是“{row['status']}”，不能退出。", "enrolment_id")
        store.set_enrolment_status(db, enrolment_id, "已退出")
        audit(db, "enrolment.withdraw", user_id=access.user_id(actor), entity="enrolment", entity_id=enrolment_id)
    return store.get_enrolment(db, enrolment_id)


def complete(db, actor: Any, course_id: int, enrolment_id: int, *, completed_on: date | str | None = None) -> dict:
    """已结业: the worker finished and holds the course's certificate, which goes onto their record (through
    ``actions.workers.add_certificate``, in this transaction). Staff managing the course or covering the
    worker; not before the course starts, not in the future. Returns the enrolment."""
    if not access.is_staff(actor):
        raise forbidden("只有工作人员可以登记结业。")
    today = clock.today()
    with transaction(db):
        row, course, worker = _enrolment(db, actor, course_id, enrolment_id)
        if not (access.can_manage_course(actor, course) or access.staff_covers_worker(actor, worker)):
            raise forbidden("只有负责该课程或该求职者的工作人员可以登记结业。")
        if row["status"] != "已报名":
            raise conflict(f"该报名已是“{row['status']}”。", "enrolment_id")
        on = parse_date(completed_on, "completed_on") or today
        if on > today:
            raise invalid("结业日期不能晚于今天。", "completed_on")
        if on < parse_date(course["start_date"]):
            raise invalid(f"结业日期不能早于开班日期（{course['start_date']}）。", "completed_on")
        store.set_enrolment_status(db, enrolment_id, "已结业", completed_on=on, by=access.user_id(actor))
        audit(db, "enrolment.complete", user_id=access.user_id(actor), entity="enrolment", entity_id=enrolment_id,
              detail={"certificate": course["certificate"], "completed_on": on.isoformat()})
        worker_actions.add_certificate(db, actor, worker["id"], course["certificate"], enrolment_id=enrolment_id,
                                       via="course")
    return store.get_enrolment(db, enrolment_id)


def enrolments(db, actor: Any, course_id: int) -> list[dict]:
    """The course's enrolments the actor may see (see the module docstring), newest first."""
    course = get_course(db, actor, course_id)
    rows = store.enrolments_where(db, "e.course_id = ?", [course_id])
    if course["manageable"]:
        return rows
    return [r for r in rows if access.can_view_enrolment(actor, r | {"id": r["worker_id"]}, course)]


def outcomes(db, actor: Any) -> list[dict]:
    """Trained, then placed, per course, on the enrolments the staff member covers (worker's county or a
    course held in their city or county): enrolled, completed, placed after completing, and the share."""
    if not access.is_staff(actor):
        raise forbidden("只有工作人员可以查看培训统计。")
    scope = access.Scope.of(actor)
    workers_where, workers_params = scope.workers_sql("w")
    cities_where, cities_params = scope.cities_sql("c.city")
    counties = sorted(c for c in scope.counties if c != access.ALL)
    county_clause = ("1 = 1" if scope.all_counties else
                     f"c.county IN ({', '.join('?' * len(counties))})" if counties else "1 = 0")
    where = f"({workers_where} OR {cities_where} OR {county_clause})"
    rows = store.outcomes(db, where, [*workers_params, *cities_params, *([] if scope.all_counties else counties)])
    for row in rows:
        row["placed_share"] = round(row["placed_after"] / row["completed"], 3) if row["completed"] else None
    return rows
