"""Signing in and out, changing one's password, and a worker's own registration with phone + password.

- Sign-in: failures are counted per account and per address in a store every process shares
  (``app.login_limits``); too many → 429 for that address, while the right password from elsewhere works.
- Sign-out and a password change end every session of the account (``models.actions.accounts``).
- Registration: no SMS can be sent from here, so it does not pretend to verify the phone: the account is
  created at once, staff see self-registered workers (编号 ``SELF-YYYYMMDD-NNNN``) in the registry; a phone
  already on a worker's record is refused with a message sending the person to staff.
"""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required, login_user, logout_user
from flask_wtf import FlaskForm
from wtforms import PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, Length

from app import login_limits
from app.database import get_db
from app.web import SessionUser, error_page, home_for
from models.actions import accounts
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
    password = PasswordField("密码（至少8位，不要用生日、手机号或 12345678 这类常见密码）",
                             validators=[DataRequired("请填写密码")])
    hukou_province = SelectField("户籍省份", choices=["重庆市", "甘肃省", "山东省"])
    hukou_county = StringField("户籍区县（如：酉阳、东乡县）", validators=[DataRequired("请填写户籍区县")])
    assistance_status = SelectField("帮扶身份", choices=list(ASSISTANCE_STATUSES))
    desired_jobs = StringField("想做什么工作")


class PasswordForm(FlaskForm):
    current_password = PasswordField("当前密码", validators=[DataRequired("请填写当前密码")])
    new_password = PasswordField("新密码", validators=[DataRequired("请填写新密码")])
    confirm = PasswordField("再输一次新密码", validators=[DataRequired("请再输一次新密码")])


def _safe_next(target: str | None) -> str | None:
    """Only same-site relative paths are followed after login."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    return target


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(home_for(current_user))
    form = LoginForm()
    if form.validate_on_submit():
        username = form.username.data.strip()
        if login_limits.login_blocked(username):
            minutes = login_limits.WINDOW // 60
            return error_page(429, "操作太频繁", f"从您这里登录失败的次数太多，请{minutes}分钟后再试；"
                                                 "忘记密码请联系工作人员。")
        row = users.authenticate(get_db(), username, form.password.data)
        if row is None:
            login_limits.login_failed(username)
            flash("手机号/用户名或密码不对。", "error")
        else:
            login_limits.login_succeeded(username)
            login_user(SessionUser(row))
            return redirect(_safe_next(request.args.get("next")) or home_for(current_user))
    return render_template("auth/login.html", form=form)


@bp.post("/logout")
@login_required
def logout():
    """Sign out here and everywhere else this account is signed in."""
    accounts.end_sessions(get_db(), current_user)
    logout_user()
    session.clear()
    flash("已退出登录（在其他设备上的登录也已失效）。", "info")
    return redirect(url_for("auth.login"))


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password():
    """Every role changes its own password here; afterwards every session of the account has ended."""
    form = PasswordForm()
    if form.validate_on_submit():
        if form.new_password.data != form.confirm.data:
            form.confirm.errors = [*form.confirm.errors, "两次输入的新密码不一样。"]
        else:
            try:
                accounts.change_password(get_db(), current_user, form.current_password.data,
                                         form.new_password.data)
            except ActionError as exc:
                field = getattr(form, exc.field or "", None)
                if field is None:
                    raise
                field.errors = [*field.errors, exc.message]
            else:
                logout_user()
                session.clear()
                flash("密码已修改，所有设备上的登录都已失效，请用新密码重新登录。", "success")
                return redirect(url_for("auth.login"))
    return render_template("auth/password.html", form=form)


@bp.route("/register", methods=["GET", "POST"])
def register():
    if current_user.is_authenticated:
        return redirect(home_for(current_user))
    form = RegisterForm()
    if form.validate_on_submit():
        if login_limits.registration_blocked():
            return error_page(429, "操作太频繁", "从您这里提交的注册太多，请一小时后再试；需要帮助请联系工作人员。")
        login_limits.registration_tried()
        record = {k: form[k].data for k in ("name", "phone", "hukou_province", "hukou_county",
                                            "assistance_status", "desired_jobs")}
        try:
            made = accounts.register_worker(get_db(), current_user, record, form.password.data)
        except ActionError as exc:
            field = getattr(form, exc.field, None) if exc.field else None
            if field is not None:
                field.errors = [*field.errors, str(exc)]
            else:
                flash(str(exc), "error")
        else:
            login_user(SessionUser(users.get_user(get_db(), made["user_id"])))
            flash("注册成功。请完善资料，推荐会更准。", "success")
            return redirect(url_for("seekers.profile_edit"))
    return render_template("auth/register.html", form=form)
