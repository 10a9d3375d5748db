"""Training pages (培训与技能协作): the course list (``/courses``, ``?certificate=`` finds the courses that lead
to a certificate, so a worker's missing certificate can link straight to them), one course with the worker's
报名 button (``/courses/<id>``), and for staff: enrolling a worker by 编号, recording 结业 (the certificate goes
onto the worker's record), withdrawing, stopping enrolment, publishing a course, and the trained-then-placed
report.

Every signed-in role reads courses; every write is one action of ``models.actions.training`` (the same the
API calls), whose refusals are shown as Chinese messages (a record the actor may not know about is a 404).
"""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import IntegerField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice

from app.database import get_db
from app.followups import show_error
from app.web import role_required
from models.actions import brands as brand_actions
from models.actions import training as actions
from models.errors import ActionError
from models.store import clock
from models.vocabulary import COURSE_STATUS_LABELS, ENROLMENT_SOURCES

bp = Blueprint("training", __name__)

EVERYONE = ("worker", "employer", "staff", "admin")
STAFF = ("staff", "admin")


@bp.context_processor
def _labels() -> dict:
    return {"course_status_labels": COURSE_STATUS_LABELS, "enrolment_sources": ENROLMENT_SOURCES}


class CourseForm(FlaskForm):
    """A new course, as a 技工院校 or the county's training office describes it."""

    title = StringField("课程名称")
    provider = StringField("培训机构（技工院校）")
    occupation = StringField("培训工种")
    certificate = StringField("结业证书")
    city = StringField("培训城市（山东）")
    county = StringField("培训区县（协作地）")
    start_date = StringField("开班日期")
    end_date = StringField("结业日期")
    seats = StringField("名额")
    cost_yuan = StringField("培训费（元，免费填 0）")
    living_allowance_yuan = StringField("生活补贴（元，整个培训期，无则填 0）")
    description = TextAreaField("课程介绍")
    brand_id = SelectField("劳务品牌（可不选）", validate_choice=False)


def _course_form() -> CourseForm:
    """The course form with the brands to choose from (as ``models.actions.brands`` lists them for staff)."""
    form = CourseForm()
    form.brand_id.choices = [SelectChoice("", "不属于劳务品牌"),
                             *(SelectChoice(str(b["id"]), b["name"]) for b in brand_actions.list_brands(get_db(),
                                                                                                     current_user))]
    return form


class EnrolForm(FlaskForm):
    """报名: a worker presses the button (no field); staff type the worker's 编号."""

    worker_external_id = StringField("求职者编号")


class CompleteForm(FlaskForm):
    """结业: the date the worker finished (default today)."""

    completed_on = StringField("结业日期")


class ButtonForm(FlaskForm):
    """A button with the CSRF token only (退出, 停止报名)."""


class FilterForm(FlaskForm):
    class Meta:
        csrf = False

    certificate = StringField("证书")
    page = IntegerField(default=1)


@bp.get("/courses")
@role_required(*EVERYONE)
def courses():
    """Open courses, soonest first; ``?certificate=`` (any wording) narrows to one certificate."""
    certificate = (request.args.get("certificate") or "").strip()
    show_all = request.args.get("all") == "1"
    rows, total = actions.list_courses(get_db(), current_user, certificate=certificate or None,
                                       status=None if show_all else "open")
    return render_template("training/courses.html", rows=rows, total=total, certificate=certificate,
                           show_all=show_all)


def _render_course(course_id: int, *, enrol_form: EnrolForm | None = None, status: int = 200):
    db = get_db()
    course = actions.get_course(db, current_user, course_id)
    enrolments = actions.enrolments(db, current_user, course_id) if current_user.role in STAFF else []
    return render_template("training/course.html", course=course, enrolments=enrolments,
                           enrol_form=enrol_form or EnrolForm(),
                           complete_form=CompleteForm(data={"completed_on": clock.today().isoformat()}),
                           button=ButtonForm(), today=clock.today().isoformat()), status


@bp.get("/courses/<int:course_id>")
@role_required(*EVERYONE)
def course(course_id: int):
    """One course: what it is, seats left; the worker's 报名 button or status; staff's enrolment list."""
    return _render_course(course_id)


@bp.post("/courses/<int:course_id>/enrol")
@role_required("worker", *STAFF)
def enrol(course_id: int):
    """报名: the worker themself (no 编号), or staff for the worker with that 编号."""
    form = EnrolForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        row = actions.enrol(get_db(), current_user, course_id,
                            worker_external_id=form.worker_external_id.data or None)
    except ActionError as exc:
        if exc.kind == "not_found" and exc.field == "worker_external_id" and current_user.role != "worker":
            exc = ActionError(exc.message, field=exc.field, kind="invalid")  # the 编号 staff typed: on the form
        if exc.kind in ("invalid", "conflict"):
            show_error(form, exc)
            return _render_course(course_id, enrol_form=form, status=400)
        raise
    flash("报名成功" if current_user.role == "worker" else f"已为{row['worker_name']}报名", "success")
    return redirect(url_for(".course", course_id=course_id))


@bp.post("/courses/<int:course_id>/enrolments/<int:enrolment_id>/complete")
@role_required(*STAFF)
def complete(course_id: int, enrolment_id: int):
    """结业: the certificate goes onto the worker's record."""
    form = CompleteForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        row = actions.complete(get_db(), current_user, course_id, enrolment_id,
                               completed_on=form.completed_on.data or None)
    except ActionError as exc:
        if exc.kind in ("not_found", "forbidden"):
            raise
        flash(exc.message, "error")
        return redirect(url_for(".course", course_id=course_id))
    flash(f"{row['worker_name']} 已结业，{row['certificate']}已记入其求职档案", "success")
    return redirect(url_for(".course", course_id=course_id))


@bp.post("/courses/<int:course_id>/enrolments/<int:enrolment_id>/withdraw")
@role_required("worker", *STAFF)
def withdraw(course_id: int, enrolment_id: int):
    if not ButtonForm().validate_on_submit():
        abort(400)
    try:
        actions.withdraw(get_db(), current_user, course_id, enrolment_id)
    except ActionError as exc:
        if exc.kind in ("not_found", "forbidden"):
            raise
        flash(exc.message, "error")
    else:
        flash("已退出该课程", "success")
    return redirect(url_for(".course", course_id=course_id))


@bp.post("/courses/<int:course_id>/close")
@role_required(*STAFF)
def close(course_id: int):
    if not ButtonForm().validate_on_submit():
        abort(400)
    try:
        actions.close_course(get_db(), current_user, course_id)
    except ActionError as exc:
        if exc.kind in ("not_found", "forbidden"):
            raise
        flash(exc.message, "error")
    else:
        flash("已停止报名", "success")
    return redirect(url_for(".course", course_id=course_id))


@bp.route("/staff/courses/new", methods=["GET", "POST"])
@role_required(*STAFF)
def new_course():
    """Publish a course held in a city or county the staff member covers."""
    form = _course_form()
    if request.method == "GET":
        return render_template("training/new.html", form=form)
    if not form.validate_on_submit():
        abort(400)
    raw = {name: getattr(form, name).data for name in form._fields if name != "csrf_token"}
    raw["brand_id"] = int(raw["brand_id"]) if str(raw.get("brand_id") or "").isdigit() else None
    try:
        course = actions.create_course(get_db(), current_user, raw)
    except ActionError as exc:
        show_error(form, exc)
        return render_template("training/new.html", form=form), 400
    flash("培训课程已发布", "success")
    return redirect(url_for(".course", course_id=course["id"]))


@bp.get("/staff/courses/outcomes")
@role_required(*STAFF)
def outcomes():
    """Trained, then placed: per course, within the staff member's scope."""
    return render_template("training/outcomes.html", rows=actions.outcomes(get_db(), current_user))
