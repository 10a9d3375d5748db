"""Staff pages for the worker's side (issue 12): the requests workers send (忘记密码, 我已找到工作), who is
responsible for a worker, and a staff member's own work phone and office (what workers see).

Staff and admins only (``role_required``); each view calls one action of ``models.actions`` (accounts,
placements, contacts) and renders; the rules (scope, identity check, pending only) are the actions'.
"""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import PasswordField, SelectField, StringField
from wtforms.fields.choices import SelectChoice

from app.database import get_db
from app.web import role_required, show_error
from models.actions import contacts as contact_actions
from models.actions import placements as placement_actions
from models.actions import resets as account_actions
from models.errors import ActionError
from models.people.users import MIN_PASSWORD, list_users
from models.people.workers import get_worker

bp = Blueprint("care", __name__)

STAFF = ("staff", "admin")


class ResetForm(FlaskForm):
    identity_note = StringField("如何核实的身份", render_kw={"placeholder": "如：电话核对身份证后四位和户籍村"})
    new_password = PasswordField(f"新密码（至少{MIN_PASSWORD}位，电话里告诉本人）",
                                 render_kw={"autocomplete": "new-password"})


class ReasonForm(FlaskForm):
    reason = StringField("原因")


class ContactForm(FlaskForm):
    username = SelectField("负责的工作人员", validate_choice=False)


class DetailsForm(FlaskForm):
    work_phone = StringField("工作电话（求职者看得到）", render_kw={"inputmode": "tel", "type": "tel"})
    office = StringField("办公地点（求职者看得到）", render_kw={"placeholder": "如：酉阳县人社局就业服务窗口3号"})


def _render(status: int = 200, *, reset_forms: dict | None = None):
    db = get_db()
    resets = account_actions.list_resets(db, current_user)
    claims = placement_actions.list_found_jobs(db, current_user)
    forms = reset_forms or {}
    return render_template("care/home.html", resets=resets, claims=claims,
                           reset_forms={r["id"]: forms.get(r["id"]) or ResetForm() for r in resets},
                           reason_form=ReasonForm()), status


@bp.get("/staff/care/")
@role_required(*STAFF)
def home():
    """求职者求助: reset requests and 我已找到工作 reports of the workers the staff member covers."""
    return _render()


@bp.post("/staff/care/resets/<int:reset_id>/done")
@role_required(*STAFF)
def reset_done(reset_id: int):
    form = ResetForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        row = account_actions.complete_reset(get_db(), current_user, reset_id, new_password=form.new_password.data or "",
                                             identity_note=form.identity_note.data or "")
    except ActionError as exc:
        if exc.kind == "conflict":  # handled meanwhile: it is no longer on the list to show the message on
            flash(exc.message, "error")
            return redirect(url_for(".home"))
        show_error(form, exc)
        return _render(400, reset_forms={reset_id: form})
    flash(f"已为 {row['display_name'] or row['username']} 重置密码，请电话告诉本人，并提醒登录后修改。", "success")
    return redirect(url_for(".home"))


@bp.post("/staff/care/resets/<int:reset_id>/cancel")
@role_required(*STAFF)
def reset_cancel(reset_id: int):
    form = ReasonForm()
    if not form.validate_on_submit():
        abort(400)
    account_actions.cancel_reset(get_db(), current_user, reset_id, reason=form.reason.data)
    flash("已关闭这条申请。", "success")
    return redirect(url_for(".home"))


@bp.post("/staff/care/claims/<int:claim_id>/confirm")
@role_required(*STAFF)
def claim_confirm(claim_id: int):
    if not FlaskForm().validate_on_submit():
        abort(400)
    placement_id = placement_actions.confirm_found_job(get_db(), current_user, claim_id)
    flash("已确认，就业记录已建立，回访从入职日算起。", "success")
    return redirect(url_for("followups.detail", placement_id=placement_id))


@bp.post("/staff/care/claims/<int:claim_id>/reject")
@role_required(*STAFF)
def claim_reject(claim_id: int):
    form = ReasonForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        placement_actions.reject_found_job(get_db(), current_user, claim_id, reason=form.reason.data or "")
    except ActionError as exc:
        if exc.kind in ("not_found", "forbidden"):
            raise
        flash(exc.message, "error")
        return redirect(url_for(".home"))
    flash("已告诉求职者未能确认及原因。", "success")
    return redirect(url_for(".home"))


# --- who is responsible for a worker ------------------------------------------------------------------------

def _staff_choices() -> list[SelectChoice]:
    accounts = [u for u in list_users(get_db()) if u["role"] in STAFF and u["active"]]
    return [SelectChoice("", "按户籍区县默认"),
            *(SelectChoice(u["username"], f"{u['display_name'] or u['username']}（{u['username']}）") for u in accounts)]


@bp.route("/staff/workers/<int:worker_id>/contact", methods=["GET", "POST"])
@role_required(*STAFF)
def worker_contact(worker_id: int):
    """Choose the worker's responsible staff member (or the county's default)."""
    db = get_db()
    worker = get_worker(db, worker_id)
    if worker is None:
        abort(404)
    current = contact_actions.contact_for(db, current_user, worker_id)  # 404 outside the staff member's scope
    form = ContactForm()
    form.username.choices = _staff_choices()
    if form.validate_on_submit():
        try:
            current = contact_actions.assign_contact(db, current_user, worker["external_id"], form.username.data)
        except ActionError as exc:
            show_error(form, exc)
            return render_template("care/contact.html", worker=worker, contact=current, form=form), 400
        flash(f"已更改：{worker['name']} 的负责人是 {current['name'] if current else '（无）'}。", "success")
        return redirect(url_for("staff.worker_detail", worker_id=worker_id))
    return render_template("care/contact.html", worker=worker, contact=current, form=form)


@bp.route("/staff/me/details", methods=["GET", "POST"])
@role_required(*STAFF)
def my_details():
    """The staff member's own work phone and office, shown to the workers they are responsible for."""
    db = get_db()
    me = current_user.row
    form = DetailsForm(data={"work_phone": me.get("work_phone") or "", "office": me.get("office") or ""}) \
        if request.method == "GET" else DetailsForm()
    if form.validate_on_submit():
        try:
            contact_actions.set_own_details(db, current_user, work_phone=form.work_phone.data,
                                            office=form.office.data)
        except ActionError as exc:
            show_error(form, exc)
            return render_template("care/details.html", form=form), 400
        flash("已保存。求职者在“联系工作人员”里会看到。", "success")
        return redirect(url_for(".my_details"))
    return render_template("care/details.html", form=form)
