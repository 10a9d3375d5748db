"""Staff pages (就业帮扶直通车 工作人员): the workbench, the worker registry (search, create, edit, the
audited ID reveal, worker accounts), matches and recommendations, the job registry with ranked
candidates, and ledger import from the browser.

Staff/admin only (``role_required``). A staff member with a scope (``scope_counties`` /
``scope_cities``) sees and edits only the workers and postings it covers
(``models.access.staff_covers_worker`` / ``staff_covers_job``); anything else is a 404, so the
page does not even confirm that the record exists.

Views stay thin: validation is ``models.intake.records.clean_worker``, storage ``models.people.workers`` /
``models.intake.ledger`` / ``models.hiring.applications``, ranking ``matching.service``. Full ID numbers appear on
exactly one page: the response to 查看完整身份证号 (a POST, audit-logged by ``reveal_id_number``).
"""
from __future__ import annotations

import math
import re
from io import BytesIO

from flask import Blueprint, abort, flash, redirect, render_template, request, send_file, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, PasswordField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice

from app.database import get_db
from app.web import role_required
from models import access as permissions
from models.actions import imports as import_actions
from models.errors import ActionError
from models.hiring import applications as applications_model
from models.hiring.jobs import get_job, list_jobs
from models.intake.records import WORKER_FIELDS, clean_worker
from models.people import users as users_model
from models.people import workers as workers_model
from models.placement.placements import left_job_ids, placements_for_worker
from models.store.clock import today as clock_today
from models.vocabulary import ASSISTANCE_STATUSES, EDUCATION_LEVELS, JOB_STATUS_LABELS, JOB_STATUSES
from models.vocabulary import LEDGER_KINDS as KIND_LABELS

bp = Blueprint("staff", __name__, url_prefix="/staff")

PER_PAGE = 20
#: Upper bound of rows read when a scoped staff member's list is filtered in Python.
SCOPED_SCAN = 100_000


@bp.before_request
@role_required("staff", "admin")
def _staff_only() -> None:
    """Every page here: staff/admin (anonymous → login, other roles → 403)."""
    return


@bp.context_processor
def _template_globals() -> dict:
    return {"job_status_labels": JOB_STATUS_LABELS, "kind_labels": KIND_LABELS, "job_url": job_url,
            "followup_url": followup_url}


# --- helpers -----------------------------------------------------------------------------------------------

def _user_id() -> int | None:
    return getattr(current_user, "id", None)


def job_url(job_id: int) -> str:
    """The public job page (``seekers.job_detail``, another engineer's blueprint) or its literal path."""
    try:
        return url_for("seekers.job_detail", job_id=job_id)
    except Exception:  # noqa: BLE001 - blueprint not registered (yet)
        return f"/jobs/{job_id}"


def followup_url(endpoint: str, **values) -> str | None:
    """A link into the follow-up pages, or None when that endpoint does not exist."""
    try:
        return url_for(endpoint, **values)
    except Exception:  # noqa: BLE001
        return None


def _page_number() -> int:
    try:
        return max(1, int(request.args.get("page", 1)))
    except (TypeError, ValueError):
        return 1


def _scoped_page(fetch, covers, page: int) -> tuple[list[dict], int]:
    """One page of ``fetch(limit=, offset=)`` rows: straight from SQL for unscoped staff, else the rows
    the staff member's scope ``covers`` (filtered here, then paged)."""
    if permissions.staff_scope(current_user) is None:
        return fetch(limit=PER_PAGE, offset=(page - 1) * PER_PAGE)
    rows, _total = fetch(limit=SCOPED_SCAN, offset=0)
    rows = [r for r in rows if covers(current_user, r)]
    return rows[(page - 1) * PER_PAGE: page * PER_PAGE], len(rows)


def _pager(page: int, total: int) -> dict:
    pages = max(1, math.ceil(total / PER_PAGE))
    args = {k: v for k, v in request.args.items() if k != "page"}
    return {"page": page, "pages": pages, "total": total,
            "prev": url_for(request.endpoint, page=page - 1, **args) if page > 1 else None,
            "next": url_for(request.endpoint, page=page + 1, **args) if page < pages else None}


def _worker_or_404(db, worker_id: int) -> dict:
    worker = workers_model.get_worker(db, worker_id)
    if worker is None or not permissions.staff_covers_worker(current_user, worker):
        abort(404)
    return worker


def _job_or_404(db, job_id: int) -> dict:
    job = get_job(db, job_id)
    if job is None or not permissions.staff_covers_job(current_user, job):
        abort(404)
    return job


# --- 工作台 ------------------------------------------------------------------------------------------------

def _pending_applications(db) -> list[dict]:
    """Applications waiting for someone (待处理), newest first, within the staff member's scope."""
    cur = db.execute(
        "SELECT a.id, a.worker_id, a.job_id, a.source, a.created_at, w.name AS worker_name,"
        " w.hukou_county, w.hukou_county_code, w.desired_cities, j.title, j.city, e.name AS employer_name"
        " FROM applications a JOIN workers w ON w.id = a.worker_id JOIN jobs j ON j.id = a.job_id"
        " JOIN employers e ON e.id = j.employer_id WHERE a.status = '待处理' ORDER BY a.id DESC")
    names = [c[0] for c in cur.description]
    rows = [dict(zip(names, r)) for r in cur.fetchall()]
    if permissions.staff_scope(current_user) is None:
        return rows
    return [r for r in rows if permissions.staff_covers_worker(current_user, r)
            or permissions.staff_covers_job(current_user, {"city": r["city"]})]


def _due_follow_ups(db) -> int | None:
    try:
        from models.access import Scope
        from models.placement.follow_ups import due_queue

        items = due_queue(db, clock_today(), Scope.of(current_user), with_risk=False)
    except Exception:  # noqa: BLE001 - the workbench still shows when the follow-up side fails
        return None
    return sum(1 for i in items if i.bucket in ("overdue", "today"))


@bp.get("/")
def home():
    db = get_db()
    _rows, seeking = _scoped_page(
        lambda **kw: workers_model.list_workers(db, seeking=True, **kw), permissions.staff_covers_worker, 1)
    _rows, open_jobs = _scoped_page(
        lambda **kw: list_jobs(db, status="open", **kw), permissions.staff_covers_job, 1)
    pending = _pending_applications(db)
    return render_template("staff/home.html", seeking=seeking, open_jobs=open_jobs, pending=pending[:10],
                           pending_count=len(pending), due=_due_follow_ups(db),
                           batches=import_actions.list_batches(db, current_user, limit=5))


# --- worker registry ---------------------------------------------------------------------------------------

@bp.get("/workers")
def workers():
    db = get_db()
    q = (request.args.get("q") or "").strip()
    county = (request.args.get("county") or "").strip()
    status = request.args.get("status") or ""
    status = status if status in ASSISTANCE_STATUSES else ""
    seeking_arg = request.args.get("seeking") or ""
    seeking = {"1": True, "0": False}.get(seeking_arg)
    page = _page_number()
    rows, total = _scoped_page(
        lambda **kw: workers_model.list_workers(db, q=q or None, county=county or None, status=status or None,
                                                seeking=seeking, **kw),
        permissions.staff_covers_worker, page)
    return render_template("staff/workers.html", rows=rows, pager=_pager(page, total), q=q, county=county,
                           status=status, seeking=seeking_arg, statuses=ASSISTANCE_STATUSES)


def _label(name: str) -> str:
    return WORKER_FIELDS[name].label


def _choices(*items) -> list[SelectChoice]:
    """Select options from plain values or (value, label) pairs."""
    return [SelectChoice(*item) if isinstance(item, tuple) else SelectChoice(item, item) for item in items]


class WorkerForm(FlaskForm):
    """The SCHEMA worker fields, as text the staff member types; ``clean_worker`` validates them."""

    external_id = StringField(_label("external_id"))
    name = StringField(_label("name"))
    id_number = StringField(_label("id_number"))
    phone = StringField(_label("phone"))
    gender = SelectField(_label("gender"), choices=_choices(("", "（按身份证号）"), "男", "女"),
                         validate_choice=False)
    birth_year = StringField(_label("birth_year"))
    hukou_province = StringField(_label("hukou_province"))
    hukou_county = StringField(_label("hukou_county"))
    assistance_status = SelectField(_label("assistance_status"),
                                    choices=_choices(("", "（请选择）"), *ASSISTANCE_STATUSES),
                                    validate_choice=False)
    education = SelectField(_label("education"), choices=_choices(("", "（请选择）"), *EDUCATION_LEVELS),
                            validate_choice=False)
    skills = StringField(_label("skills"))
    certificates = StringField(_label("certificates"))
    experience = TextAreaField(_label("experience"))
    desired_jobs = StringField(_label("desired_jobs"))
    desired_cities = StringField(_label("desired_cities"))
    expected_salary = StringField(_label("expected_salary"))
    needs = StringField(_label("needs"))
    training_wanted = StringField(_label("training_wanted"))
    seeking = BooleanField("正在找工作")


#: Form fields that are record fields (everything but ``seeking``).
RECORD_FIELDS = ("external_id", "name", "id_number", "phone", "gender", "birth_year", "hukou_province",
                 "hukou_county", "assistance_status", "education", "skills", "certificates", "experience",
                 "desired_jobs", "desired_cities", "expected_salary", "needs", "training_wanted")
#: Where an error on an input-only column is shown.
ERROR_FIELD = {"age": "birth_year", "hukou_address": "hukou_county", "hukou_county_code": "hukou_county"}


def _add_error(form: FlaskForm, field: str | None, message: str) -> list[str]:
    """Attach ``message`` to the form field; returns it in a list when no field fits (shown on top)."""
    target = getattr(form, ERROR_FIELD.get(field or "", field or ""), None)
    if target is None or field is None:
        return [message]
    target.errors = [*target.errors, message]
    return []


def _form_from_worker(worker: dict) -> dict:
    data = {}
    for name in RECORD_FIELDS:
        value = worker.get(name)
        if isinstance(value, list):
            value = "、".join(value)
        data[name] = "" if value is None else str(value)
    data["id_number"] = ""
    data["seeking"] = bool(worker.get("seeking", True))
    return data


def _next_external_id(db) -> str:
    """``S{yyyymmdd}-{n}``: the next free number of the day."""
    prefix = f"S{clock_today():%Y%m%d}-"
    numbers = [int(m.group(1)) for (ext,) in db.execute(
        "SELECT external_id FROM workers WHERE external_id LIKE ?", (prefix + "%",)).fetchall()
        if (m := re.fullmatch(re.escape(prefix) + r"(\d+)", ext))]
    n = max(numbers, default=0) + 1
    while workers_model.get_worker_by_external_id(db, f"{prefix}{n}") is not None:
        n += 1
    return f"{prefix}{n}"


def _save_worker(db, form: WorkerForm, worker: dict | None) -> tuple[int | None, list[str]]:
    """Validate and store the form; returns (worker id, errors not tied to a field)."""
    raw = {name: getattr(form, name).data for name in RECORD_FIELDS}
    raw = {k: (v.strip() if isinstance(v, str) else v) for k, v in raw.items()}
    general: list[str] = []
    if worker is None:
        if not raw["external_id"]:
            raw["external_id"] = _next_external_id(db)
        elif workers_model.get_worker_by_external_id(db, raw["external_id"]) is not None:
            form.external_id.errors = [*form.external_id.errors,
                                       f"编号 {raw['external_id']} 已被使用，请换一个，或留空自动生成。"]
            return None, general
    else:
        raw["external_id"] = worker["external_id"]
        if not raw["id_number"]:
            raw["id_number"] = workers_model.stored_id_number(db, worker["id"]) or ""
    record, errors = clean_worker(raw)
    for error in errors:
        general += _add_error(form, error.field, error.message)
    if record is None:
        return None, general
    try:
        workers_model.upsert_worker(db, record)
    except workers_model.DuplicateWorkerError as exc:
        form.id_number.errors = [*form.id_number.errors, exc.message]
        return None, general
    saved = workers_model.get_worker_by_external_id(db, record["external_id"])
    if worker is not None and bool(form.seeking.data) != bool(worker.get("seeking")):
        workers_model.set_worker_seeking(db, saved["id"], bool(form.seeking.data))
    return saved["id"], general


@bp.route("/workers/new", methods=["GET", "POST"])
def worker_new():
    db = get_db()
    form = WorkerForm(data={"seeking": True})
    general: list[str] = []
    if form.validate_on_submit():
        worker_id, general = _save_worker(db, form, None)
        if worker_id is not None:
            saved = workers_model.get_worker(db, worker_id)
            if not permissions.staff_covers_worker(current_user, saved):
                flash(f"已登记 {saved['name']}（编号 {saved['external_id']}），该求职者不在您负责的区域。", "success")
                return redirect(url_for("staff.workers"))
            flash(f"已登记 {saved['name']}（编号 {saved['external_id']}）。", "success")
            return redirect(url_for("staff.worker_detail", worker_id=worker_id))
    return render_template("staff/worker_form.html", form=form, worker=None, general=general)


@bp.route("/workers/<int:worker_id>/edit", methods=["GET", "POST"])
def worker_edit(worker_id: int):
    db = get_db()
    worker = _worker_or_404(db, worker_id)
    form = WorkerForm(data=_form_from_worker(worker)) if request.method == "GET" else WorkerForm()
    general: list[str] = []
    if form.validate_on_submit():
        saved_id, general = _save_worker(db, form, worker)
        if saved_id is not None:
            flash("已保存。", "success")
            return redirect(url_for("staff.worker_detail", worker_id=saved_id))
    return render_template("staff/worker_form.html", form=form, worker=worker, general=general)


class AccountForm(FlaskForm):
    username = StringField("登录名（手机号）")
    password = PasswordField("初始密码（至少8位）")


def _render_detail(db, worker: dict, *, revealed: str | None = None, account_form: AccountForm | None = None,
                   new_account: dict | None = None, status: int = 200):
    account = users_model.user_for_worker(db, worker["id"])
    if account_form is None:
        account_form = AccountForm(data={"username": worker.get("phone") or ""})
    placements = placements_for_worker(db, worker["id"])
    return render_template("staff/worker_detail.html", worker=worker,
                           applications=applications_model.for_worker(db, worker["id"]),
                           placements=placements, account=account, account_form=account_form,
                           revealed=revealed, new_account=new_account), status


@bp.get("/workers/<int:worker_id>")
def worker_detail(worker_id: int):
    db = get_db()
    return _render_detail(db, _worker_or_404(db, worker_id))


@bp.post("/workers/<int:worker_id>/reveal")
def worker_reveal_id(worker_id: int):
    db = get_db()
    worker = _worker_or_404(db, worker_id)
    if not permissions.can_reveal_id(current_user, worker):
        abort(404)
    number = workers_model.reveal_id_number(db, worker_id, _user_id(), via="web")
    if number is None:
        flash("该求职者没有登记身份证号。", "info")
        return redirect(url_for("staff.worker_detail", worker_id=worker_id))
    return _render_detail(db, worker, revealed=number)


@bp.post("/workers/<int:worker_id>/account")
def worker_account(worker_id: int):
    db = get_db()
    worker = _worker_or_404(db, worker_id)
    form = AccountForm()
    if users_model.user_for_worker(db, worker_id) is not None:
        flash("该求职者已经有账号。", "error")
        return redirect(url_for("staff.worker_detail", worker_id=worker_id))
    if form.validate_on_submit():
        username = (form.username.data or "").strip() or (worker.get("phone") or "")
        password = form.password.data or ""
        try:
            users_model.create_user(db, username, password, "worker", display_name=worker["name"],
                                    phone=worker.get("phone"), worker_id=worker_id, created_by=_user_id())
        except users_model.UserError as exc:
            target = form.password if exc.field == "password" else form.username
            if exc.field not in ("password", "username"):
                flash(str(exc), "error")
            else:
                target.errors = [*target.errors, str(exc)]
            return _render_detail(db, worker, account_form=form)
        return _render_detail(db, worker, new_account={"username": username, "password": password})
    return _render_detail(db, worker, account_form=form)


# --- matches and recommendations ---------------------------------------------------------------------------

@bp.get("/workers/<int:worker_id>/matches")
def worker_matches(worker_id: int):
    from matching.service import jobs_for_worker

    db = get_db()
    worker = _worker_or_404(db, worker_id)
    if not permissions.can_view_matches_for_worker(current_user, worker):
        abort(404)
    matches = jobs_for_worker(db, worker_id, k=20, exclude_job_ids=left_job_ids(db, worker_id))
    return render_template("staff/worker_matches.html", worker=worker, matches=matches,
                           done=applications_model.applied_job_ids(db, worker_id))


@bp.post("/workers/<int:worker_id>/recommend")
def recommend(worker_id: int):
    db = get_db()
    worker = _worker_or_404(db, worker_id)
    back = request.form.get("back")
    try:
        job_id = int(request.form.get("job_id", ""))
    except ValueError:
        abort(400)
    job = get_job(db, job_id)
    if job is None or not permissions.can_recommend(current_user, worker) \
            or not permissions.can_view_job(current_user, job):
        abort(404)
    note = (request.form.get("note") or "").strip()[:500]
    try:
        applications_model.recommend(db, worker_id, job_id, _user_id(), note=note or None)
    except applications_model.ApplicationError as exc:
        flash(f"没有推荐成功：{exc}", "error")
    else:
        flash(f"已把“{job['title']}”（{job['employer_name']}）推荐给 {worker['name']}，对方和单位都能看到。",
              "success")
    if back == "candidates" and permissions.staff_covers_job(current_user, job):
        return redirect(url_for("staff.job_candidates", job_id=job_id))
    if back == "detail":
        return redirect(url_for("staff.worker_detail", worker_id=worker_id))
    return redirect(url_for("staff.worker_matches", worker_id=worker_id))


# --- job registry ------------------------------------------------------------------------------------------

@bp.get("/jobs")
def jobs():
    db = get_db()
    q = (request.args.get("q") or "").strip()
    city = (request.args.get("city") or "").strip()
    status = request.args.get("status", "open")
    status = status if status in JOB_STATUSES else ""
    page = _page_number()
    rows, total = _scoped_page(
        lambda **kw: list_jobs(db, q=q or None, city=city or None, status=status or None, **kw),
        permissions.staff_covers_job, page)
    return render_template("staff/jobs.html", rows=rows, pager=_pager(page, total), q=q, city=city,
                           status=status, statuses=JOB_STATUSES)


@bp.get("/jobs/<int:job_id>/candidates")
def job_candidates(job_id: int):
    from matching.service import candidates_for_job

    db = get_db()
    job = _job_or_404(db, job_id)
    if not permissions.can_view_candidates(current_user, job):
        abort(404)
    scoped = permissions.staff_scope(current_user) is not None
    found = candidates_for_job(db, job_id, k=60 if scoped else 20)
    rows = []
    done_by_worker = {a["worker_id"] for a in applications_model.for_job(db, job_id)}
    for match in found:
        worker = workers_model.get_worker(db, match.worker_id)
        if worker is None or not permissions.staff_covers_worker(current_user, worker):
            continue
        rows.append({"match": match, "worker": worker, "done": worker["id"] in done_by_worker})
        if len(rows) == 20:
            break
    return render_template("staff/job_candidates.html", job=job, rows=rows)


# --- ledger import -----------------------------------------------------------------------------------------

class ImportForm(FlaskForm):
    kind = SelectField("台账类型", choices=_choices(("workers", "求职者台账"), ("jobs", "岗位台账")))
    file = FileField("台账文件（.xlsx、.csv 或 .jsonl）")


@bp.route("/imports", methods=["GET", "POST"])
def imports():
    db = get_db()
    form = ImportForm()
    if form.validate_on_submit():
        storage = form.file.data
        try:
            result = import_actions.import_upload(db, current_user, form.kind.data,
                                                  getattr(storage, "filename", None), storage.read() if storage else b"")
        except ActionError as exc:
            target = form.kind if exc.field == "kind" else form.file
            target.errors = [*target.errors, exc.message]
        else:
            flash(f"导入完成：新增 {result.added}，更新 {result.updated}，未变 {result.unchanged}，"
                  f"有问题 {result.rejected} 行。", "success" if not result.rejected else "info")
            return redirect(url_for("staff.import_report", batch_id=result.batch_id))
    return render_template("staff/imports.html", form=form,
                           batches=import_actions.list_batches(db, current_user, limit=50))


@bp.get("/imports/<int:batch_id>")
def import_report(batch_id: int):
    return render_template("staff/import_report.html",
                           batch=import_actions.get_batch(get_db(), current_user, batch_id))


@bp.get("/imports/<int:batch_id>/rejections.xlsx")
def import_rejections_xlsx(batch_id: int):
    from openpyxl import Workbook

    batch = import_actions.get_batch(get_db(), current_user, batch_id)
    book = Workbook()
    sheet = book.active
    sheet.title = "有问题的行"
    sheet.append(["行号", "编号", "字段", "原因"])
    for r in batch["rejections"]:
        sheet.append([r["row_number"], r["external_id"] or "", r["label"], r["reason"]])
    for column, width in zip("ABCD", (8, 16, 14, 80)):
        sheet.column_dimensions[column].width = width
    out = BytesIO()
    book.save(out)
    out.seek(0)
    return send_file(out, as_attachment=True, download_name=f"import-{batch_id}-rejections.xlsx",
                     mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
