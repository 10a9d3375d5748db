"""Staff pages for the follow-up cycle: 今日回访, one placement with its history, recording follow-ups, ending a
placement, recording placements found elsewhere, the risk list, and reminders from the notifier outbox.

Staff and admins only (``app.web.role_required``: anonymous → login page, other roles → 403). Each view
parses its form, calls one action of ``models.actions.placements`` and renders; the rules (scope, who may
follow up, dates, channels) are the actions'. A refused action shows its Chinese message on the form's field
(status 400); a placement outside the staff member's scope is a 404 page, like one that does not exist.
"""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import BooleanField, RadioField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice

from app.database import get_db
from app.web import role_required, show_error
from matching.rematch import rematch
from models.actions import certificates as certificate_actions
from models.actions import placements as actions
from models.actions import subsidies as subsidy_actions
from models.errors import ActionError
from models.notifier import inbox, mark_done
from models.people.pii import mask_phone
from models.store import clock
from models.vocabulary import FOLLOW_UP_CHANNELS

bp = Blueprint("followups", __name__, url_prefix="/staff/followups")

STAFF = ("staff", "admin")
#: The two answers to 是否在岗, as forms send them.
EMPLOYED = {"1": True, "0": False}
CHANNEL_CHOICES = [SelectChoice(c, c) for c in FOLLOW_UP_CHANNELS]


@bp.context_processor
def _template_globals() -> dict:
    return {"mask_phone": mask_phone}


# --- forms ------------------------------------------------------------------------------------------------

class FollowUpForm(FlaskForm):
    """One follow-up, as the staff member records it after a call or visit."""

    date = StringField("回访日期")
    channel = SelectField("方式", choices=CHANNEL_CHOICES, validate_choice=False)
    still_employed = RadioField("是否在岗", choices=[SelectChoice("1", "在岗"), SelectChoice("0", "已离职")],
                                default="1", validate_choice=False)
    leave_reason = StringField("离职原因（已离职时填写）")
    satisfaction = SelectField("满意度", choices=[SelectChoice("", "未问"),
                                                *(SelectChoice(str(n), str(n)) for n in range(5, 0, -1))],
                               validate_choice=False)
    might_leave = BooleanField("表示可能离职")
    note = TextAreaField("备注")


class QuickFollowUpForm(FlaskForm):
    """One tap from the queue: the channel, and which button was pressed (在岗 "1" / 已离职 "0")."""

    channel = SelectField("方式", choices=CHANNEL_CHOICES, validate_choice=False)
    still_employed = StringField()


class EndPlacementForm(FlaskForm):
    """The worker left, learned other than by a follow-up (the employer said so, the worker called)."""

    end_date = StringField("离职日期")
    leave_reason = StringField("离职原因")


class PlacementForm(FlaskForm):
    """A placement: a platform posting by its 编号, or a job found elsewhere."""

    worker_external_id = StringField("求职者编号")
    job_external_id = StringField("岗位编号（平台岗位，可不填）")
    employer_name = StringField("用人单位")
    city = StringField("工作城市")
    title = StringField("岗位名称")
    start_date = StringField("入职日期")


class AcknowledgeForm(FlaskForm):
    """知道了 on a reminder (the CSRF token only)."""


# --- pages ------------------------------------------------------------------------------------------------

@bp.get("/")
@role_required(*STAFF)
def queue():
    """今日回访: due today and overdue first, then the next few days; reminders; who left recently."""
    db = get_db()
    items = actions.queue(db, current_user)
    return render_template(
        "placements/queue.html", today=clock.today(), items=items,
        overdue=sum(1 for i in items if i.bucket == "overdue"),
        due_today=sum(1 for i in items if i.bucket == "today"),
        messages=inbox(db, current_user.id), left=actions.recently_left(db, current_user),
        quick_form=QuickFollowUpForm(), done_form=AcknowledgeForm())


@bp.post("/<int:placement_id>/quick")
@role_required(*STAFF)
def quick(placement_id: int):
    """One tap from the queue: 在岗 or 已离职 today, by the chosen channel."""
    db = get_db()
    form = QuickFollowUpForm()
    if not form.validate_on_submit():
        abort(400)
    employed = EMPLOYED.get(form.still_employed.data or "")
    try:
        actions.record_follow_up(db, current_user, placement_id, channel=form.channel.data,
                                 still_employed=employed)
    except ActionError as exc:
        if exc.kind in ("not_found", "forbidden"):
            raise
        flash(exc.message, "error")
        return redirect(url_for(".queue"))
    name = actions.get(db, current_user, placement_id)["worker_name"]
    if employed:
        flash(f"已记录：{name} 在岗", "success")
        return redirect(url_for(".queue"))
    flash(f"已记录：{name} 已离职，已重新进入求职队列", "success")
    return redirect(url_for(".detail", placement_id=placement_id))


def _render_detail(db, placement_id: int, form: FollowUpForm | None = None,
                   end_form: EndPlacementForm | None = None, status: int = 200):
    today = clock.today()
    view = actions.detail(db, current_user, placement_id)
    matches = None
    if view.state.status == "离职" and view.placement["worker_seeking"] and view.can_view_matches:
        matches = rematch(db, view.placement["worker_id"])
    if form is None:
        form = FollowUpForm(data={"date": today.isoformat()})
    return render_template("placements/detail.html", view=view, p=view.placement, state=view.state,
                           matches=matches, today=today, form=form,
                           certificate=certificate_actions.get(db, current_user, placement_id),
                           subsidies=subsidy_actions.for_placement(db, current_user, placement_id),
                           sign_form=AcknowledgeForm(), claim_form=AcknowledgeForm(),
                           end_form=end_form or EndPlacementForm(data={"end_date": today.isoformat()})), status


@bp.get("/<int:placement_id>")
@role_required(*STAFF)
def detail(placement_id: int):
    """One placement: milestones, follow-up history, risk, the forms; fresh matches after leaving."""
    return _render_detail(get_db(), placement_id)


@bp.post("/<int:placement_id>")
@role_required(*STAFF)
def record(placement_id: int):
    """Record a follow-up from the full form (errors re-show the form with what was typed, status 400)."""
    db = get_db()
    form = FollowUpForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        actions.record_follow_up(
            db, current_user, placement_id, date=form.date.data or None, channel=form.channel.data,
            still_employed=EMPLOYED.get(form.still_employed.data or ""), leave_reason=form.leave_reason.data,
            satisfaction=form.satisfaction.data or None, might_leave=form.might_leave.data, note=form.note.data)
    except ActionError as exc:
        show_error(form, exc)
        return _render_detail(db, placement_id, form=form, status=400)
    flash("回访已记录", "success")
    return redirect(url_for(".detail", placement_id=placement_id))


@bp.post("/<int:placement_id>/end")
@role_required(*STAFF)
def end(placement_id: int):
    """登记离职: the placement ends on the given date; the worker goes back to the "needs a job" queue."""
    db = get_db()
    form = EndPlacementForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        placement = actions.end_placement(db, current_user, placement_id, end_date=form.end_date.data or None,
                                          leave_reason=form.leave_reason.data)
    except ActionError as exc:
        show_error(form, exc)
        return _render_detail(db, placement_id, end_form=form, status=400)
    flash(f"已登记离职：{placement['worker_name']} 已重新进入求职队列", "success")
    return redirect(url_for(".detail", placement_id=placement_id))


@bp.route("/new", methods=["GET", "POST"])
@role_required(*STAFF)
def new_placement():
    """Record a placement found outside the platform (or by a platform posting's 编号)."""
    if request.method == "GET":
        form = PlacementForm(data=request.args.to_dict())  # a link may fill in the worker's 编号
        return render_template("placements/new.html", form=form)
    form = PlacementForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        placement_id = actions.record_placement(
            get_db(), current_user, worker_external_id=form.worker_external_id.data,
            job_external_id=form.job_external_id.data, employer_name=form.employer_name.data,
            city=form.city.data, title=form.title.data, start_date=form.start_date.data or None)
    except ActionError as exc:
        if exc.kind == "not_found":  # the worker or posting 编号 typed: say so on the form
            exc = ActionError(exc.message, field=exc.field, kind="invalid")
        show_error(form, exc)
        return render_template("placements/new.html", form=form), 400
    flash("就业记录已保存", "success")
    return redirect(url_for(".detail", placement_id=placement_id))


@bp.get("/risk")
@role_required(*STAFF)
def risk_list():
    """Everyone in work in scope, by risk of leaving, with the reasons."""
    return render_template("placements/risk.html", rows=actions.risk_list(get_db(), current_user))


@bp.post("/outbox/<int:message_id>/done")
@role_required(*STAFF)
def message_done(message_id: int):
    """知道了: the staff member's own reminder is done."""
    if not AcknowledgeForm().validate_on_submit():
        abort(400)
    if not mark_done(get_db(), message_id, current_user.id):
        abort(404)
    return redirect(url_for(".queue"))
