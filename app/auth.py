"""Signing in and out, and a worker's own registration with phone + password.

No SMS can be sent from here, so registration does not pretend to verify the phone: the account is
created at once, and staff see self-registered workers (编号 ``SELF-…``) in the registry to confirm them.
A real SMS code check would slot in before ``models.people.users.register_worker`` is called.
"""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required, login_user, logout_user
from flask_wtf import FlaskForm
from wtforms import PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, Length

from app.database import get_db
from app.web import SessionUser, home_for, limiter
from models.actions import accounts as account_actions
from models.errors import ActionError
from models.people import users
from models.vocabulary import ASSISTANCE_STATUSES

bp = Blueprint("auth", __name__)


class LoginForm(FlaskForm):
    username = StringField("手机号或用户名", validators=[DataRequired("请填写手机号或用户名")])
    password = PasswordField("密码", validators=[DataRequired("请填写密码")])


class RegisterForm(FlaskForm):
    name = StringField("姓名", validators=[DataRequired("请填写姓名"), Length(max=30)])
    phone = StringField("手机号", validators=[DataRequired("请填写手机号")])
    password = PasswordField("密码（至少8位）", validators=[DataRequired("请填写密码")])
    hukou_province = SelectField("户籍省份", choices=["重庆市", "甘肃省", "山东省"])
    hukou_county = StringField("户籍区县（如：酉阳、东乡县）", validators=[DataRequired("请填写户籍区县")])
    assistance_status = SelectField("帮扶身份", choices=list(ASSISTANCE_STATUSES))
    desired_jobs = StringField("想做什么工作")


def _safe_next(target: str | None) -> str | None:
    """Only same-site relative paths are followed after login."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    return target


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit("10 per minute", methods=["POST"])
def login():
    if current_user.is_authenticated:
        return redirect(home_for(current_user))
    form = LoginForm()
    if form.validate_on_submit():
        row = users.authenticate(get_db(), form.username.data, form.password.data)
        if row is None:
            flash("手机号/用户名或密码不对。", "error")
        else:
            login_user(SessionUser(row))
            return redirect(_safe_next(request.args.get("next")) or home_for(current_user))
    return render_template("auth/login.html", form=form)


@bp.post("/logout")
@login_required
def logout():
    logout_user()
    flash("已退出登录。", "info")
    return redirect(url_for("auth.login"))


@bp.route("/register", methods=["GET", "POST"])
@limiter.limit("10 per minute", methods=["POST"])
def register():
    if current_user.is_authenticated:
        return redirect(home_for(current_user))
    form = RegisterForm()
    if form.validate_on_submit():
        record = {k: form[k].data for k in ("name", "phone", "hukou_province", "hukou_county",
                                            "assistance_status", "desired_jobs")}
        try:
            user_id, _worker_id = users.register_worker(get_db(), record, form.password.data)
        except users.UserError as exc:
            field = getattr(form, exc.field, None) if exc.field else None
            if field is not None:
                field.errors = [*field.errors, str(exc)]
            else:
                flash(str(exc), "error")
        else:
            login_user(SessionUser(users.get_user(get_db(), user_id)))
            flash("注册成功。请完善资料，推荐会更准。", "success")
            return redirect(url_for("seekers.profile_edit"))
    return render_template("auth/register.html", form=form)


# --- 忘记密码 (no sign-in) ------------------------------------------------------------------------------------

class ForgotForm(FlaskForm):
    who = StringField("登录用的手机号或用户名", render_kw={"autocomplete": "username"})
    note = StringField("方便接电话的时间（可不填）")


@bp.route("/password/forgot", methods=["GET", "POST"])
@limiter.limit("5 per minute", methods=["POST"])
def forgot():
    """忘记密码: the request goes to the responsible staff member, who calls back and resets it. The answer is
    the same whether or not the account exists."""
    form = ForgotForm()
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400)
        try:
            account_actions.request_reset(get_db(), current_user, form.who.data or "", form.note.data)
        except ActionError as exc:
            form.who.errors = [exc.message]
            return render_template("auth/forgot.html", form=form, sent=False), 400
        return render_template("auth/forgot.html", form=form, sent=True)
    return render_template("auth/forgot.html", form=form, sent=False)
