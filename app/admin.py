"""Admin pages: accounts (``/admin/users``: create staff with their scope, disable/enable, reset a password),
API tokens (``/admin/tokens``: list, revoke), the audit log (``/admin/audit``: filter by action — 查看完整身份证号
shows who revealed which ID number —, by account and dates) and the scheduled jobs' history in Chinese
(``/admin/jobs``). Admins only; each form calls one action of ``models.actions.admin`` (the API's too)."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import PasswordField, SelectField, StringField
from wtforms.fields.choices import SelectChoice

from app.cases import local_date
from app.database import get_db
from app.followups import show_error
from app.scheduler import describe_runs, local_time
from app.web import role_required
from models.actions import admin as actions
from models.errors import ActionError

bp = Blueprint("admin", __name__, url_prefix="/admin")
ROLE_LABELS = {"worker": "求职者", "employer": "用人单位", "staff": "工作人员", "admin": "管理员"}


@bp.context_processor
def _helpers() -> dict:
    return {"local_time": local_time, "local_date": local_date, "role_names": ROLE_LABELS}


class UserForm(FlaskForm):
    username = StringField("登录名")
    display_name = StringField("姓名")
    role = SelectField("角色", choices=[SelectChoice("staff", "工作人员"), SelectChoice("admin", "管理员")],
                       validate_choice=False)
    counties = StringField("负责的区县（如 酉阳,甘肃省东乡；全部填 *）")
    cities = StringField("负责的城市（如 青岛,烟台；全部填 *）")
    password = PasswordField("初始密码")


class PasswordForm(FlaskForm):
    password = PasswordField("新密码")


class ButtonForm(FlaskForm):
    """停用 / 启用 / 吊销 (the CSRF token only)."""


@bp.route("/users", methods=["GET", "POST"])
@role_required("admin")
def users():
    db = get_db()
    form = UserForm()
    status = 200
    if form.is_submitted():
        if not form.validate_on_submit():
            abort(400)
        try:
            made = actions.create_user(db, current_user, username=form.username.data, password=form.password.data,
                                       role=form.role.data, display_name=form.display_name.data,
                                       counties=form.counties.data, cities=form.cities.data)
        except ActionError as exc:
            show_error(form, exc)
            status = 400
        else:
            flash(f"已创建账号 {made['username']}", "success")
            return redirect(url_for(".users"))
    return render_template("admin/users.html", users=actions.list_users(db, current_user), form=form,
                           password_form=PasswordForm(), button=ButtonForm()), status


def _button() -> None:
    if not ButtonForm().validate_on_submit():
        abort(400)


@bp.post("/users/<int:user_id>/disable")
@role_required("admin")
def disable(user_id: int):
    _button()
    try:
        user = actions.set_active(get_db(), current_user, user_id, False)
    except ActionError as exc:
        if exc.kind != "conflict":
            raise
        flash(exc.message, "error")
    else:
        flash(f"已停用 {user['username']}", "success")
    return redirect(url_for(".users"))


@bp.post("/users/<int:user_id>/enable")
@role_required("admin")
def enable(user_id: int):
    _button()
    user = actions.set_active(get_db(), current_user, user_id, True)
    flash(f"已启用 {user['username']}", "success")
    return redirect(url_for(".users"))


@bp.post("/users/<int:user_id>/password")
@role_required("admin")
def password(user_id: int):
    form = PasswordForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        user = actions.reset_password(get_db(), current_user, user_id, form.password.data)
    except ActionError as exc:
        if exc.kind != "invalid":
            raise
        flash(exc.message, "error")
    else:
        flash(f"已重置 {user['username']} 的密码", "success")
    return redirect(url_for(".users"))


@bp.get("/tokens")
@role_required("admin")
def tokens():
    return render_template("admin/tokens.html", tokens=actions.list_tokens(get_db(), current_user), button=ButtonForm())


@bp.post("/tokens/<int:token_id>/revoke")
@role_required("admin")
def revoke(token_id: int):
    _button()
    try:
        actions.revoke_token(get_db(), current_user, token_id)
    except ActionError as exc:
        if exc.kind != "conflict":
            raise
        flash(exc.message, "error")
    else:
        flash("令牌已吊销", "success")
    return redirect(url_for(".tokens"))


@bp.get("/audit")
@role_required("admin")
def audit():
    """The audit log with filters (action, account, dates), 100 a page."""
    args = {k: (request.args.get(k) or "").strip() or None for k in ("action", "username", "since", "until")}
    page = max(1, request.args.get("page", 1, type=int) or 1)
    error = None
    try:
        rows, total = actions.audit_log(get_db(), current_user, **args, limit=100, offset=(page - 1) * 100)
    except ActionError as exc:
        if exc.kind != "invalid":
            raise
        rows, total, error = [], 0, exc.message
    more = total > page * 100
    next_url = url_for(".audit", page=page + 1, **{k: v for k, v in args.items() if v}) if more else None
    return render_template("admin/audit.html", rows=rows, total=total, args=args, next_url=next_url, error=error,
                           labels=actions.ACTION_LABELS), 400 if error else 200


@bp.get("/jobs")
@role_required("admin")
def jobs():
    return render_template("admin/jobs.html", runs=describe_runs(actions.job_runs(get_db(), current_user)))
