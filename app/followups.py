"""Staff pages for the follow-up cycle: 今日回访, one placement's history, recording follow-ups and
placements found elsewhere, the risk list, and reminders from the notifier outbox.

Staff/admin only (a worker or employer gets 403), limited to the staff member's counties/cities.
Views are thin: rules live in ``models.placement.placements``, ``models.placement.follow_ups``, ``models.placement.stability``.
"""
from __future__ import annotations

from functools import wraps

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)

from app.database import get_db
from matching.rematch import rematch
from models import access as permissions
from models.access import Scope
from models.notifier import inbox, mark_done
from models.people.pii import mask_phone
from models.placement.follow_ups import CHANNELS, due_queue, recently_left, record_follow_up
from models.placement.placements import (
    PlacementError,
    create_placement,
    follow_ups_for,
    get_placement,
    placement_state,
    placements_for_worker,
)
from models.store.clock import today as clock_today

bp = Blueprint("followups", __name__, url_prefix="/staff/followups")


# --- shared by the PLACEMENTS blueprints -------------------------------------------------------------------
def current_staff():
    """The logged-in user (Flask-Login ``current_user``)."""
    from flask_login import current_user

    return current_user


def staff_only() -> None:
    """``before_request`` guard: anonymous → login page (or 401), not staff/admin → 403.

    Also checks the CSRF token on every POST when the app has no global CSRFProtect (WEB normally adds it),
    so these forms are never unprotected.
    """
    if not hasattr(current_app, "login_manager"):
        abort(403)
    user = current_staff()
    if not user.is_authenticated:
        login_view = getattr(current_app.login_manager, "login_view", None)
        if login_view:
            return redirect(url_for(login_view, next=request.full_path))
        abort(401)
    if not permissions.is_staff(user):
        abort(403)
    if request.method == "POST" and "csrf" not in current_app.extensions \
            and current_app.config.get("WTF_CSRF_ENABLED", True):
        from flask_wtf.csrf import CSRFError, validate_csrf

        try:
            validate_csrf(request.form.get("csrf_token"))
        except Exception as exc:
            raise CSRFError(str(exc)) from exc
    return None


def base_template() -> str:
    """WEB's ``base.html`` when present, else a minimal fallback layout of our own."""
    try:
        current_app.jinja_env.get_template("base.html")
        return "base.html"
    except Exception:  # noqa: BLE001 - TemplateNotFound or a broken base must not hide our pages
        return "placements/_fallback_base.html"


def template_context() -> dict:
    from flask_wtf.csrf import generate_csrf

    return {"base_template": base_template(), "csrf_token": generate_csrf, "mask_phone": mask_phone,
            "channels": CHANNELS}


def staff_scope() -> Scope:
    return Scope.of(current_staff())


def user_id() -> int | None:
    try:
        return int(current_staff().get_id())
    except (TypeError, ValueError):
        return None


def can_see(placement: dict) -> bool:
    """Staff whose scope covers this placement: the worker's county or the placement's city.

    Stricter than ``models.access.can_view_placement``, which lets a county-only scope see every
    placement (its ``staff_covers_job`` treats county-only scopes as covering all cities).
    """
    return permissions.is_staff(current_staff()) and staff_scope().covers_placement(placement)


def with_db(view):
    @wraps(view)
    def wrapper(*args, **kwargs):
        return view(get_db(), *args, **kwargs)
    return wrapper


bp.before_request(staff_only)
bp.context_processor(template_context)


# --- pages ------------------------------------------------------------------------------------------------
@bp.get("/")
@with_db
def queue(db):
    """今日回访: due today and overdue first, then the next few days; reminders from the outbox."""
    today = clock_today()
    items = due_queue(db, today, staff_scope())
    return render_template(
        "placements/queue.html", today=today, items=items,
        overdue=sum(1 for i in items if i.bucket == "overdue"),
        due_today=sum(1 for i in items if i.bucket == "today"),
        messages=inbox(db, user_id()),
        left=recently_left(db, today, staff_scope()),
    )


@bp.post("/<int:placement_id>/quick")
@with_db
def quick(db, placement_id: int):
    """One tap from the queue: 在岗 or 已离职 today, by the chosen channel."""
    placement = _placement_or_404(db, placement_id)
    employed = request.form.get("still_employed") == "1"
    try:
        record_follow_up(db, placement_id, date=clock_today(), channel=request.form.get("channel", "电话"),
                         still_employed=employed, leave_reason=request.form.get("leave_reason"),
                         satisfaction=request.form.get("satisfaction") or None,
                         might_leave=request.form.get("might_leave") == "1",
                         staff_user_id=user_id(), today=clock_today())
    except PlacementError as exc:
        flash(exc.message, "error")
        return redirect(url_for(".queue"))
    if employed:
        flash(f"已记录：{placement['worker_name']} 在岗", "success")
        return redirect(url_for(".queue"))
    flash(f"已记录：{placement['worker_name']} 已离职，已重新进入求职队列", "success")
    return redirect(url_for(".detail", placement_id=placement_id))


@bp.get("/<int:placement_id>")
@with_db
def detail(db, placement_id: int):
    """One placement: milestones, follow-up history, risk, the full form; fresh matches after leaving."""
    return _render_detail(db, _placement_or_404(db, placement_id), {})


@bp.post("/<int:placement_id>")
@with_db
def record(db, placement_id: int):
    """Record a follow-up from the full form (errors re-show the form with what was typed, status 400)."""
    placement = _placement_or_404(db, placement_id)
    form = request.form
    try:
        record_follow_up(db, placement_id, date=form.get("date") or clock_today(), channel=form.get("channel", ""),
                         still_employed=form.get("still_employed") == "1", leave_reason=form.get("leave_reason"),
                         satisfaction=form.get("satisfaction") or None, might_leave=form.get("might_leave") == "1",
                         note=form.get("note"), staff_user_id=user_id(), today=clock_today())
    except PlacementError as exc:
        return _render_detail(db, placement, form, exc.message), 400
    flash("回访已记录", "success")
    return redirect(url_for(".detail", placement_id=placement_id))


def _render_detail(db, placement: dict, form, error: str | None = None) -> str:
    from models.placement.stability import RiskContext, risk_for

    today = clock_today()
    follow_ups = follow_ups_for(db, placement["id"])
    state = placement_state(placement, follow_ups, today)
    risk = risk_for(placement, state, RiskContext.build(db, today))
    worker = {"id": placement["worker_id"], "hukou_county": placement["hukou_county"],
              "hukou_county_code": placement["hukou_county_code"], "desired_cities": placement["desired_cities"]}
    level = permissions.worker_visibility(current_staff(), worker)
    phone = placement["worker_phone"] if level in (permissions.CONTACT, permissions.FULL) \
        else mask_phone(placement["worker_phone"])
    matches = rematch(db, placement["worker_id"]) if state.status == "离职" and placement["worker_seeking"] else None
    history = [p for p in placements_for_worker(db, placement["worker_id"]) if p["id"] != placement["id"]]
    return render_template("placements/detail.html", p=placement, state=state, follow_ups=follow_ups,
                           risk=risk, phone=phone, matches=matches, history=history, today=today,
                           form=form, error=error)


@bp.route("/new", methods=["GET", "POST"])
@with_db
def new_placement(db):
    """Record a placement found outside the platform (or by a platform job's 编号)."""
    form = request.form if request.method == "POST" else request.args
    error = None
    if request.method == "POST":
        worker = db.execute("SELECT id, hukou_county, hukou_county_code, desired_cities FROM workers"
                            " WHERE external_id = ?", ((form.get("worker_external_id") or "").strip(),)).fetchone()
        job = None
        if (form.get("job_external_id") or "").strip():
            job = db.execute("SELECT id FROM jobs WHERE external_id = ?", (form["job_external_id"].strip(),)).fetchone()
        if not worker:
            error = "找不到该编号的求职者"
        elif form.get("job_external_id", "").strip() and not job:
            error = "找不到该编号的岗位"
        elif not permissions.staff_covers_worker(current_staff(), dict(zip(
                ("id", "hukou_county", "hukou_county_code", "desired_cities"), worker))) \
                and not permissions.staff_covers_job(current_staff(), {"city": form.get("city")}):
            error = "该求职者不在您的负责范围内"
        else:
            try:
                pid = create_placement(db, worker[0], job_id=job[0] if job else None,
                                       employer_name=form.get("employer_name"), city=form.get("city"),
                                       title=form.get("title"), start_date=form.get("start_date"),
                                       created_by=user_id())
            except PlacementError as exc:
                error = exc.message
            else:
                flash("就业记录已保存", "success")
                return redirect(url_for(".detail", placement_id=pid))
    return render_template("placements/new.html", form=form, error=error), (400 if error else 200)


@bp.get("/risk")
@with_db
def risk_list(db):
    """Everyone in work in scope, by risk of leaving, with the reasons."""
    from models.placement.stability import risks

    rows = [(p, s, r) for p, s, r in risks(db, clock_today(), staff_scope()) if r.score > 0]
    return render_template("placements/risk.html", rows=rows)


@bp.post("/outbox/<int:message_id>/done")
@with_db
def message_done(db, message_id: int):
    if not mark_done(db, message_id, user_id()):
        abort(404)
    return redirect(url_for(".queue"))


def _placement_or_404(db, placement_id: int) -> dict:
    placement = get_placement(db, placement_id)
    if placement is None:
        abort(404)
    if not can_see(placement):
        abort(404)  # out of the staff member's scope: do not even confirm it exists
    return placement
