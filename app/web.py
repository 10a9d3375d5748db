"""Cross-cutting web setup: login manager, CSRF, rate limits, security headers, error pages, blueprints.

- Sessions: Flask-Login; the session user is a :class:`SessionUser` wrapping the ``users`` row (its
  attributes are what ``models.access`` reads: role, worker_id, employer_id, scope_*).
- CSRF: Flask-WTF's ``CSRFProtect`` on every form POST; the token-authenticated JSON API is exempt
  (no cookies there, so no CSRF).
- Rate limits: Flask-Limiter (memory storage: one process; Redis when ``TONGBANG_REDIS_URL`` is set); the login form
  allows 10 attempts a minute per address.
- Security headers on every response: a strict CSP (scripts and styles from this site only), no
  framing, no sniffing, no referrer leaks.
- Roles: :func:`role_required` for pages; the rules themselves are ``models.access``.
"""
from __future__ import annotations

import importlib
import logging
import os
from functools import wraps

from flask import Flask, abort, redirect, render_template, request, url_for
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager, UserMixin, current_user
from flask_wtf.csrf import CSRFError, CSRFProtect

from app.database import get_db
from models.errors import ActionError
from models.people import users as users_model
from models.people.users import ROLE_LABELS
from models.store.config import redis_url

log = logging.getLogger(__name__)

csrf = CSRFProtect()
#: Storage: Redis when ``TONGBANG_REDIS_URL`` is set (every process and node counts together), else this process's
#: memory (``init_app`` sets ``RATELIMIT_STORAGE_URI``).
limiter = Limiter(key_func=get_remote_address, default_limits=[])
login_manager = LoginManager()
login_manager.login_view = "auth.login"
login_manager.login_message = "请先登录。"
login_manager.login_message_category = "info"
login_manager.session_protection = "basic"

#: Blueprints, in registration order. Each module exposes ``bp``.
BLUEPRINTS = ("app.auth", "app.seekers", "app.employers", "app.staff", "app.followups", "app.dashboard",
              "app.programme", "app.api")

CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
       "connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'")


class SessionUser(UserMixin):
    """The signed-in account, as Flask-Login and ``models.access`` see it."""

    def __init__(self, row: dict) -> None:
        self.row = row
        self.id = row["id"]
        self.username = row["username"]
        self.role = row["role"]
        self.display_name = row.get("display_name") or row["username"]
        self.worker_id = row.get("worker_id")
        self.employer_id = row.get("employer_id")
        self.scope_counties = row.get("scope_counties") or []
        self.scope_cities = row.get("scope_cities") or []

    @property
    def is_active(self) -> bool:
        return bool(self.row.get("active", 1))

    @property
    def role_label(self) -> str:
        return ROLE_LABELS.get(self.role, self.role)

    def get(self, key: str, default=None):
        """Dict-style access, so code written for ``users`` rows works with the session user too."""
        return getattr(self, key, default)


@login_manager.user_loader
def _load_user(user_id: str) -> SessionUser | None:
    try:
        row = users_model.get_user(get_db(), int(user_id))
    except (TypeError, ValueError):
        return None
    return SessionUser(row) if row and row["active"] else None


def role_required(*roles: str):
    """Page decorator: anonymous → login page; signed in with another role → 403."""
    def decorator(view):
        @wraps(view)
        def wrapper(*args, **kwargs):
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)
        return wrapper
    return decorator


def home_for(user) -> str:
    """Where each role lands after signing in."""
    if not getattr(user, "is_authenticated", False):
        return url_for("auth.login")
    endpoint = {"worker": "seekers.matches", "employer": "employers.postings", "staff": "staff.home",
                "admin": "staff.home"}.get(user.role, "auth.login")
    return url_for(endpoint)


def _security_headers(response):
    headers = response.headers
    headers.setdefault("Content-Security-Policy", CSP)
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("Referrer-Policy", "same-origin")
    headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
    if request.path.startswith(("/staff", "/employer", "/me", "/api")):
        headers.setdefault("Cache-Control", "no-store")
    return response


def _error_page(status: int, title: str, message: str):
    if request.path.startswith("/api/"):
        return {"error": {"code": title, "message": message, "field": None}}, status
    return render_template("error.html", status=status, title=title, message=message), status


#: What a person reads for each error: (status, title, message). CSRFError is a 400 of its own.
ERROR_PAGES = {
    CSRFError: (400, "表单已过期", "页面停留太久或表单已失效，请返回上一页刷新后再提交。"),
    400: (400, "请求有误", "提交的内容不完整或格式不对，请返回检查。"),
    403: (403, "没有权限", "您的账号不能查看或修改这个页面。"),
    404: (404, "找不到页面", "页面不存在，或者您没有权限查看。"),
    413: (413, "文件太大", "上传的文件超过 50 MB，请拆分后再上传。"),
    429: (429, "操作太频繁", "尝试次数太多，请一分钟后再试。"),
    500: (500, "服务器出错了", "服务器内部错误，请稍后再试；问题已记录。"),
}


#: Titles of the page shown when an action refuses and the view did not show the message itself.
ACTION_TITLES = {"not_found": "找不到页面", "forbidden": "没有权限", "conflict": "无法完成", "invalid": "无法完成"}


def _action_error_page(exc: ActionError):
    """A refused action the view did not handle: its Chinese message on the error page (or the API's
    error format), with the status of its kind. Out-of-scope records are 404 like records that do not exist."""
    if exc.kind == "not_found":
        return _error_page(*ERROR_PAGES[404])
    return _error_page(exc.status, ACTION_TITLES[exc.kind], exc.message)


def show_error(form, exc: ActionError, *, fallback: str | None = None,
               aliases: dict[str, str | None] | None = None) -> list[str]:
    """Put each (field, message) of a refused action next to its form field (``aliases`` maps an action's
    field name to the form's; ``fallback`` takes those of no field of the form); returns the messages left
    over (also in ``form.form_errors``), which the page shows on top. A refusal the form cannot explain —
    ``not_found``, or ``forbidden`` on no field of the form — is re-raised, so the page becomes the error
    page of its kind (404, 403), as the API answers it."""
    if exc.kind == "not_found":
        raise exc
    aliases = aliases or {}
    general: list[str] = []
    for name, message in exc.errors:
        key = aliases.get(name or "", name or "")
        target = (form._fields.get(key) if key else None) or form._fields.get(fallback or "")
        if target is None:
            general.append(message)
        else:
            target.errors = [*target.errors, message]
    if general and exc.kind == "forbidden":
        raise exc
    form.form_errors.extend(general)
    return general


def _register_error_handlers(app: Flask) -> None:
    for key, page in ERROR_PAGES.items():
        app.register_error_handler(key, lambda _e, page=page: _error_page(*page))
    app.register_error_handler(ActionError, _action_error_page)


def init_app(app: Flask) -> None:
    app.config.setdefault("WTF_CSRF_TIME_LIMIT", None)  # forms stay valid as long as the session
    csrf.init_app(app)
    login_manager.init_app(app)
    # TONGBANG_RATELIMIT=0 turns the login limit off (the web benchmark signs in 40 accounts at once).
    app.config.setdefault("RATELIMIT_ENABLED", os.environ.get("TONGBANG_RATELIMIT", "1") != "0")
    app.config.setdefault("RATELIMIT_STORAGE_URI", redis_url() or "memory://")
    # Keys in a shared Redis start with this (two deployments, or two test runs, on one Redis never mix counts).
    app.config.setdefault("RATELIMIT_KEY_PREFIX", os.environ.get("TONGBANG_RATELIMIT_PREFIX", "tongbang"))
    limiter.init_app(app)
    app.after_request(_security_headers)
    _register_error_handlers(app)

    @app.get("/healthz")
    def healthz() -> dict:
        return {"ok": True}

    @app.get("/")
    def index():
        return redirect(home_for(current_user))

    @app.context_processor
    def _globals():
        return {"role_labels": ROLE_LABELS, "nav_items": nav_items()}

    for name in BLUEPRINTS:
        module = importlib.import_module(name)
        app.register_blueprint(module.bp)
    # The JSON API authenticates by token (no cookies), so it needs no CSRF token: the one exemption.
    csrf.exempt(app.blueprints["api"])


#: The navigation bar per role: (endpoint, label).
NAV = {
    "worker": (("seekers.matches", "推荐岗位"), ("seekers.search", "找工作"),
               ("seekers.applications", "我的投递"), ("seekers.profile", "我的资料")),
    "employer": (("employers.postings", "我的岗位"), ("employers.applications", "投递管理"),
                 ("employers.profile", "单位信息")),
    "staff": (("staff.home", "工作台"), ("staff.workers", "求职者"), ("staff.jobs", "岗位"),
              ("staff.imports", "台账导入"), ("followups.queue", "今日回访"), ("dashboard.dashboard", "统计")),
}
NAV["admin"] = NAV["staff"]


def nav_items() -> list[tuple[str, str, bool]]:
    """(url, label, is_current) for the signed-in user's navigation bar; the current item is the one whose
    URL is the longest prefix of the page's path."""
    if not current_user.is_authenticated:
        return []
    items = [(url_for(endpoint), label) for endpoint, label in NAV.get(current_user.role, ())]
    matching = [url for url, _ in items if request.path == url or request.path.startswith(url.rstrip("/") + "/")]
    current = max(matching, key=len, default=None)
    return [(url, label, url == current) for url, label in items]
