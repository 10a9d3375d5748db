"""Training courses (培训与技能协作) and enrolments: validation and storage.

A course is given by a Shandong 技工院校 or training provider (``provider``) for an occupation and leads to one
certificate, named canonically (``models.intake.certificates``: 电焊证 → 焊工证) so that a completion adds
exactly the name postings require. It is held in a Shandong city (``city``) or in a partner county
(``county``, a course run with the county's school), or both; it has dates, seats, a cost (0 = free) and a
living allowance paid during training (yuan for the whole course, 0 = none).

An enrolment is 已报名 until the course records it 已结业 (the certificate is then added to the worker's
record by ``models.actions.workers.add_certificate``) or 已退出. Seats count enrolments not 已退出.

The rules (who may do what) are ``models.access`` and ``models.actions.training``; this module only stores.
"""
from __future__ import annotations

from datetime import date

import sqlite_utils

from models.errors import ActionError
from models.intake.certificates import is_known_certificate, normalise_certificate
from models.intake.validation import (
    ValidationError,
    clean_text,
    normalise_city,
    parse_int,
    resolve_county_anywhere,
)
from models.placement.placements import parse_date
from models.store.db import select_page, utcnow

#: The fields of a course as forms and the API send them (labels for messages and pages).
COURSE_FIELDS = {"title": "课程名称", "provider": "培训机构", "occupation": "培训工种", "certificate": "结业证书",
                 "city": "培训城市", "county": "培训区县", "start_date": "开班日期", "end_date": "结业日期",
                 "seats": "名额", "cost_yuan": "培训费（元）", "living_allowance_yuan": "生活补贴（元）",
                 "description": "课程介绍"}

COURSE_SELECT = ("SELECT c.*, (SELECT COUNT(*) FROM enrolments e WHERE e.course_id = c.id AND e.status != '已退出')"
                 " AS enrolled, (SELECT COUNT(*) FROM enrolments e WHERE e.course_id = c.id AND e.status = '已结业')"
                 " AS completed, b.name AS brand_name FROM courses c LEFT JOIN brands b ON b.id = c.brand_id")


def _invalid(exc: ValidationError) -> ActionError:
    return ActionError(exc.message, field=exc.field, kind="invalid")


def clean_course(raw: dict) -> dict:
    """A course record from what a form or the API sent; every broken rule reported with its field, in Chinese
    (``ActionError`` kind ``invalid`` holding all of them)."""
    errors: list[tuple[str, str]] = []
    out: dict = {}

    def attempt(field: str, func):
        try:
            out[field] = func(raw.get(field))
        except ValidationError as exc:
            errors.append((exc.field or field, exc.message))
        except ActionError as exc:
            errors.append((exc.field or field, exc.message))

    def required(field: str, max_length: int = 100):
        def check(value):
            text = clean_text(value, COURSE_FIELDS[field], max_length=max_length, field=field)
            if not text:
                raise ValidationError(f"请填写{COURSE_FIELDS[field]}。", field)
            return text
        return check

    def certificate(value):
        text = clean_text(value, "结业证书", max_length=60, field="certificate")
        if not text:
            raise ValidationError("请填写结业后取得的证书。", "certificate")
        name = normalise_certificate(text)
        if not is_known_certificate(name):
            raise ValidationError(f"“{text}”不是已知的证书名称，请写证书的通用名称（如 焊工证、低压电工证、叉车证）。",
                                  "certificate")
        return name

    def amount(field: str):
        def check(value):
            if str(value or "").strip().startswith("-"):
                raise ValidationError(f"{COURSE_FIELDS[field]}不能为负数。", field)
            number = parse_int(value, COURSE_FIELDS[field], field, unit="元")
            if number is None:
                return 0
            if number < 0:
                raise ValidationError(f"{COURSE_FIELDS[field]}不能为负数。", field)
            return number
        return check

    def seats(value):
        number = parse_int(value, "名额", "seats", unit="人")
        if number is None or number < 1:
            raise ValidationError("名额至少为 1 人。", "seats")
        return number

    def day(field: str):
        def check(value):
            parsed = parse_date(value, field)
            if parsed is None:
                raise ValidationError(f"请填写{COURSE_FIELDS[field]}（如 2026-03-01）。", field)
            return parsed.isoformat()
        return check

    attempt("title", required("title"))
    attempt("provider", required("provider"))
    attempt("occupation", lambda v: clean_text(v, "培训工种", max_length=60, field="occupation"))
    attempt("certificate", certificate)
    attempt("city", lambda v: normalise_city(v) if clean_text(v, "培训城市", field="city") else None)
    attempt("county", lambda v: resolve_county_anywhere(v, "county").name
            if clean_text(v, "培训区县", field="county") else None)
    attempt("start_date", day("start_date"))
    attempt("end_date", day("end_date"))
    attempt("seats", seats)
    attempt("cost_yuan", amount("cost_yuan"))
    attempt("living_allowance_yuan", amount("living_allowance_yuan"))
    attempt("description", lambda v: clean_text(v, "课程介绍", max_length=2000, field="description"))
    failed = {f for f, _ in errors}
    if not {"city", "county"} & failed and not out.get("city") and not out.get("county"):
        errors.append(("city", "请填写培训城市（山东）或培训区县（协作地），至少一项。"))
    if not {"start_date", "end_date"} & failed and out["end_date"] < out["start_date"]:
        errors.append(("end_date", "结业日期不能早于开班日期。"))
    if errors:
        raise ActionError(errors[0][1], field=errors[0][0], kind="invalid", errors=errors)
    return out


def create_course(db: sqlite_utils.Database, record: dict, *, created_by: int | None,
                  brand_id: int | None = None) -> int:
    now = utcnow()
    row = {**record, "brand_id": brand_id, "status": "open", "created_by": created_by, "created_at": now,
           "updated_at": now}
    cols = ", ".join(row)
    return db.execute(f"INSERT INTO courses ({cols}) VALUES ({', '.join('?' * len(row))})",
                      tuple(row.values())).lastrowid


def set_course_status(db: sqlite_utils.Database, course_id: int, status: str) -> None:
    db.execute("UPDATE courses SET status = ?, updated_at = ? WHERE id = ?", (status, utcnow(), course_id))


def get_course(db: sqlite_utils.Database, course_id: int) -> dict | None:
    rows, _ = select_page(db, f"{COURSE_SELECT} WHERE c.id = ?", [course_id], order="c.id")
    return rows[0] if rows else None


def list_courses(db: sqlite_utils.Database, *, certificate: str | None = None, status: str | None = None,
                 where: str = "1 = 1", params: list | None = None, limit: int | None = None,
                 offset: int = 0) -> tuple[list[dict], int]:
    """Courses, soonest first; ``certificate`` (any wording: 电焊证 finds 焊工证 courses) and ``status``."""
    clauses, values = [where], list(params or [])
    if certificate:
        clauses.append("c.certificate = ?")
        values.append(normalise_certificate(certificate))
    if status:
        clauses.append("c.status = ?")
        values.append(status)
    return select_page(db, f"{COURSE_SELECT} WHERE {' AND '.join(clauses)}", values,
                       order="c.start_date, c.id", limit=limit, offset=offset)


def seats_left(course: dict) -> int:
    return max(0, int(course["seats"]) - int(course.get("enrolled") or 0))


ENROLMENT_SELECT = ("SELECT e.*, w.external_id AS worker_external_id, w.name AS worker_name, w.hukou_province,"
                    " w.hukou_county, w.hukou_county_code, c.title AS course_title, c.certificate, c.city, c.county,"
                    " c.provider FROM enrolments e JOIN workers w ON w.id = e.worker_id"
                    " JOIN courses c ON c.id = e.course_id")


def get_enrolment(db: sqlite_utils.Database, enrolment_id: int) -> dict | None:
    rows, _ = select_page(db, f"{ENROLMENT_SELECT} WHERE e.id = ?", [enrolment_id], order="e.id")
    return rows[0] if rows else None


def find_enrolment(db: sqlite_utils.Database, course_id: int, worker_id: int) -> dict | None:
    rows, _ = select_page(db, f"{ENROLMENT_SELECT} WHERE e.course_id = ? AND e.worker_id = ?",
                          [course_id, worker_id], order="e.id")
    return rows[0] if rows else None


def enrolments_where(db: sqlite_utils.Database, where: str, params: list) -> list[dict]:
    return select_page(db, f"{ENROLMENT_SELECT} WHERE {where}", params, order="e.created_at DESC, e.id DESC")[0]


def enrol(db: sqlite_utils.Database, course_id: int, worker_id: int, *, source: str, by: int | None) -> int:
    """A new enrolment (or a 已退出 one signed up again); returns its id."""
    now = utcnow()
    found = db.execute("SELECT id FROM enrolments WHERE course_id = ? AND worker_id = ?",
                       (course_id, worker_id)).fetchone()
    if found:
        db.execute("UPDATE enrolments SET status = '已报名', source = ?, enrolled_by = ?, updated_at = ?"
                   " WHERE id = ?", (source, by, now, found[0]))
        return found[0]
    return db.execute("INSERT INTO enrolments (course_id, worker_id, status, source, enrolled_by, created_at,"
                      " updated_at) VALUES (?, ?, '已报名', ?, ?, ?, ?)",
                      (course_id, worker_id, source, by, now, now)).lastrowid


def set_enrolment_status(db: sqlite_utils.Database, enrolment_id: int, status: str, *,
                         completed_on: date | None = None, by: int | None = None) -> None:
    db.execute("UPDATE enrolments SET status = ?, completed_on = ?, completed_by = ?, updated_at = ? WHERE id = ?",
               (status, completed_on.isoformat() if completed_on else None, by, utcnow(), enrolment_id))


def outcomes(db: sqlite_utils.Database, where: str, params: list) -> list[dict]:
    """Trained, then placed: per course (rows of enrolments matching ``where``, aliases ``e``, ``w``, ``c``),
    enrolled, completed, and completed workers with a placement starting on or after their completion date."""
    sql = ("SELECT c.id, c.title, c.provider, c.certificate, c.start_date, c.end_date,"
           " COUNT(*) AS enrolled,"
           " SUM(CASE WHEN e.status = '已结业' THEN 1 ELSE 0 END) AS completed,"
           " SUM(CASE WHEN e.status = '已结业' AND EXISTS (SELECT 1 FROM placements p WHERE p.worker_id = e.worker_id"
           "   AND p.start_date >= e.completed_on) THEN 1 ELSE 0 END) AS placed_after"
           " FROM enrolments e JOIN workers w ON w.id = e.worker_id JOIN courses c ON c.id = e.course_id"
           f" WHERE e.status != '已退出' AND {where} GROUP BY c.id ORDER BY c.start_date DESC, c.id DESC")
    cur = db.execute(sql, params)
    names = [c[0] for c in cur.description]
    return [dict(zip(names, row)) for row in cur.fetchall()]
