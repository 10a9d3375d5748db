"""维权 pages: ``/cases`` lists the cases the signed-in worker or staff member may see and opens a new one
(a worker about themself; staff by the worker's 编号); ``/cases/<id>`` shows one case with its notes, a form to
add a note, and for staff the form to close it with the outcome.

Each form calls one action of ``models.actions.cases`` (the API's too); refusals are shown as Chinese
messages next to their fields, a case the actor may not know about is a 404."""
from __future__ import annotations

from datetime import UTC, datetime

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice

from app.database import get_db
from app.followups import show_error
from app.web import role_required
from models.actions import cases as actions
from models.errors import ActionError
from models.store import clock
from models.vocabulary import CASE_KIND_LABELS, CASE_KINDS

bp = Blueprint("cases", __name__, url_prefix="/cases")
PEOPLE = ("worker", "staff", "admin")


class CaseForm(FlaskForm):
    worker_external_id = StringField("求职者编号")
    placement_id = StringField("就业记录编号（可不填，默认当前工作）")
    kind = SelectField("问题类型", choices=[SelectChoice(k, CASE_KIND_LABELS[k]) for k in CASE_KINDS],
                       validate_choice=False)
    summary = TextAreaField("发生了什么")


class NoteForm(FlaskForm):
    note = TextAreaField("处理记录")


class CloseForm(FlaskForm):
    outcome = StringField("处理结果")


@bp.app_template_filter("local_date")
def local_date(text: str | None) -> str:
    """A stored UTC timestamp as the date in the platform's time zone (Asia/Shanghai): '2026-12-02'."""
    if not text:
        return ""
    moment = datetime.fromisoformat(str(text))
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).astimezone(clock.tz()).date().isoformat()


def _invalid(exc: ActionError) -> ActionError:
    if exc.kind == "not_found" and exc.field in ("worker_external_id", "placement_id"):
        return ActionError(exc.message, field=exc.field, kind="invalid")
    return exc


@bp.route("/", methods=["GET", "POST"])
@role_required(*PEOPLE)
def cases():
    db = get_db()
    form = CaseForm()
    status = 200
    if form.is_submitted():
        if not form.validate_on_submit():
            abort(400)
        try:
            case = actions.open_case(db, current_user, kind=form.kind.data, summary=form.summary.data,
                                     worker_external_id=form.worker_external_id.data or None,
                                     placement_id=int(form.placement_id.data) if (form.placement_id.data or "").isdigit()
                                     else None)
        except ActionError as exc:
            exc = _invalid(exc)
            if exc.kind in ("not_found", "forbidden"):
                raise
            show_error(form, exc)
            status = 400
        else:
            flash("已登记，负责的工作人员会尽快联系" if current_user.role == "worker" else "维权案件已登记", "success")
            return redirect(url_for(".case", case_id=case["id"]))
    rows, _ = actions.list_for(db, current_user)
    return render_template("cases/list.html", rows=rows, form=form, labels=CASE_KIND_LABELS), status


def _render(case_id: int, note_form=None, close_form=None, status: int = 200):
    return render_template("cases/detail.html", case=actions.get(get_db(), current_user, case_id),
                           note_form=note_form or NoteForm(), close_form=close_form or CloseForm(),
                           labels=CASE_KIND_LABELS), status


@bp.get("/<int:case_id>")
@role_required(*PEOPLE)
def case(case_id: int):
    return _render(case_id)


@bp.post("/<int:case_id>/notes")
@role_required(*PEOPLE)
def note(case_id: int):
    form = NoteForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        actions.add_note(get_db(), current_user, case_id, note=form.note.data)
    except ActionError as exc:
        if exc.kind in ("not_found", "forbidden"):
            raise
        show_error(form, exc)
        return _render(case_id, note_form=form, status=400)
    flash("记录已添加", "success")
    return redirect(url_for(".case", case_id=case_id))


@bp.post("/<int:case_id>/close")
@role_required("staff", "admin")
def close(case_id: int):
    form = CloseForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        actions.close_case(get_db(), current_user, case_id, outcome=form.outcome.data)
    except ActionError as exc:
        if exc.kind in ("not_found", "forbidden"):
            raise
        show_error(form, exc)
        return _render(case_id, close_form=form, status=400)
    flash("已结案", "success")
    return redirect(url_for(".case", case_id=case_id))
