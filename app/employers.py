"""Employer pages (用人单位): my postings, the posting form, close/reopen, ranked candidates, the
applications pipeline, and the company profile.

Every page is for a signed-in employer account (``role_required("employer")``) and works only on that
account's own employer: the employer id comes from the session user, never from the URL. A posting or an
application of another employer is a 404 (the page does not confirm it exists); the rule is
``models.access.owns_job`` / ``can_edit_job`` / ``can_view_candidates`` / ``can_update_application``.

Views stay thin: a posting is validated by ``models.intake.records.clean_job`` (the same rules as a ledger import,
so a posting may never require a gender) and saved by ``models.hiring.jobs.save_job``; ranking is
``matching.service.candidates_for_job``; how much of a worker an employer sees is
``models.access.worker_visibility`` / ``present_worker`` (masked name and phone unless the worker
applied to or was recommended for this employer; never an ID number on these pages); the pipeline is
``models.hiring.applications`` (录用 creates the placement).
"""
from __future__ import annotations

import re
from collections import Counter
from urllib.parse import urlencode

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.widgets import CheckboxInput, ListWidget

from app.database import get_db
from app.web import role_required
from models import access as permissions
from models.hiring import applications as applications_model
from models.hiring.jobs import get_job, get_job_by_external_id, list_jobs, save_job, set_job_status
from models.intake.records import JOB_FIELDS, clean_job
from models.intake.validation import (
    SHANDONG_CITIES,
    ValidationError,
    check_credit_code,
    check_phone,
    clean_text,
    normalise_city,
    split_list,
)
from models.people import employers as employers_model
from models.people import workers as workers_model
from models.vocabulary import EDUCATION_LEVELS, JOB_STATUS_LABELS, PIPELINE_STATUSES, SOURCE_LABELS

bp = Blueprint("employers", __name__, url_prefix="/employer")

CANDIDATES_K = 20
#: Upper bound of an employer's postings listed on one page (employers have a handful, not thousands).
MAX_POSTINGS = 1000
#: Benefit checkboxes of the posting form (what matching understands as needs); anything else is free text.
BENEFITS = ("包吃住", "包住", "包吃", "五险一金", "夫妻房", "长白班", "交通补贴", "加班费")
#: Statuses an employer may move an application to (the pipeline; 待处理 is where it starts).
PIPELINE = PIPELINE_STATUSES


@bp.context_processor
def _template_globals() -> dict:
    return {"job_status_labels": JOB_STATUS_LABELS, "source_labels": SOURCE_LABELS,
            "pipeline_statuses": PIPELINE}


# --- helpers -----------------------------------------------------------------------------------------------

def _employer_id() -> int:
    """The signed-in account's employer (404 when the account is not linked to one)."""
    employer_id = getattr(current_user, "employer_id", None)
    if employer_id is None:
        abort(404)
    return employer_id


def _own_employer(db) -> dict:
    employer = employers_model.get_employer(db, _employer_id())
    if employer is None:
        abort(404)
    return employer


def _own_job(db, job_id: int) -> dict:
    """One of this employer's postings, or 404 (another employer's posting looks like none at all)."""
    job = get_job(db, job_id)
    if job is None or not permissions.owns_job(current_user, job):
        abort(404)
    return job


def _choices(*items) -> list[SelectChoice]:
    return [SelectChoice(*item) if isinstance(item, tuple) else SelectChoice(item, item) for item in items]


def _label(name: str) -> str:
    return JOB_FIELDS[name].label


# --- 我的岗位 ----------------------------------------------------------------------------------------------

def _application_counts(db, employer_id: int) -> dict[int, Counter]:
    """Applications per posting and status for this employer's postings."""
    counts: dict[int, Counter] = {}
    for job_id, status, n in db.execute(
            "SELECT a.job_id, a.status, COUNT(*) FROM applications a JOIN jobs j ON j.id = a.job_id"
            " WHERE j.employer_id = ? GROUP BY a.job_id, a.status", (employer_id,)).fetchall():
        counts.setdefault(job_id, Counter())[status] = n
    return counts


@bp.get("/")
@role_required("employer")
def postings():
    db = get_db()
    employer = _own_employer(db)
    rows, _total = list_jobs(db, employer_id=employer["id"], limit=MAX_POSTINGS)
    order = {"open": 0, "filled": 1, "closed": 2}
    rows.sort(key=lambda j: (order.get(j["status"], 3), -j["id"]))
    return render_template("employers/postings.html", employer=employer, rows=rows,
                           counts=_application_counts(db, employer["id"]))


# --- 发布 / 修改岗位 ---------------------------------------------------------------------------------------

class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class JobForm(FlaskForm):
    """The SCHEMA job fields as the employer types them; ``clean_job`` validates them. No gender field:
    a posting may not require a gender."""

    title = StringField(_label("title"), render_kw={"placeholder": "如：电焊工、缝纫工、普工", "maxlength": 60})
    description = TextAreaField(_label("description"), render_kw={"maxlength": 5000})
    city = SelectField(_label("city"), choices=_choices(("", "（请选择）"), *SHANDONG_CITIES), validate_choice=False)
    district = StringField(_label("district"), render_kw={"placeholder": "如：黄岛区、胶州市", "maxlength": 60})
    salary_min = StringField(_label("salary_min"), render_kw={"placeholder": "如：6000 或 6千", "inputmode": "numeric"})
    salary_max = StringField(_label("salary_max"), render_kw={"placeholder": "如：8000 或 8千", "inputmode": "numeric"})
    headcount = StringField(_label("headcount"), render_kw={"inputmode": "numeric"})
    age_min = StringField(_label("age_min"), render_kw={"inputmode": "numeric"})
    age_max = StringField(_label("age_max"), render_kw={"inputmode": "numeric"})
    education_min = SelectField(_label("education_min"), choices=_choices(("", "不限"), *EDUCATION_LEVELS),
                                validate_choice=False)
    required_certificates = StringField(_label("required_certificates"),
                                        render_kw={"placeholder": "如：焊工证、叉车证；不要求就留空"})
    skills = StringField(_label("skills"), render_kw={"placeholder": "如：二保焊、氩弧焊"})
    benefits = MultiCheckboxField(_label("benefits"), choices=_choices(*BENEFITS), validate_choice=False)
    benefits_other = StringField("其他福利", render_kw={"placeholder": "如：年底双薪、免费班车"})


#: Form fields that are job record fields, in form order.
JOB_FORM_FIELDS = ("title", "description", "city", "district", "salary_min", "salary_max", "headcount", "age_min",
                   "age_max", "education_min", "required_certificates", "skills")
#: Where an error on an input-only or derived column is shown.
ERROR_FIELD = {"salary_range": "salary_min", "age_range": "age_min", "employer_name": None,
               "employer_credit_code": None, "external_id": None, "status": None, "gender_requirement": None}


def _form_from_job(job: dict) -> dict:
    data = {}
    for name in JOB_FORM_FIELDS:
        value = job.get(name)
        if isinstance(value, list):
            value = "、".join(value)
        data[name] = "" if value is None else str(value)
    benefits = list(job.get("benefits") or [])
    data["benefits"] = [b for b in benefits if b in BENEFITS]
    data["benefits_other"] = "、".join(b for b in benefits if b not in BENEFITS)
    return data


def _raw_from_form(form: JobForm) -> dict:
    raw = {name: getattr(form, name).data for name in JOB_FORM_FIELDS}
    raw = {k: (v.strip() if isinstance(v, str) else v) for k, v in raw.items()}
    benefits = [b for b in (form.benefits.data or []) if b in BENEFITS]
    for extra in split_list(form.benefits_other.data or ""):
        if extra not in benefits:
            benefits.append(extra)
    raw["benefits"] = benefits
    return raw


def _next_external_id(db, employer_id: int) -> str:
    """``E{employer_id}-{n}``: the next free posting number of this employer."""
    prefix = f"E{employer_id}-"
    numbers = [int(m.group(1)) for (ext,) in db.execute(
        "SELECT external_id FROM jobs WHERE external_id LIKE ?", (prefix + "%",)).fetchall()
        if (m := re.fullmatch(re.escape(prefix) + r"(\d+)", ext))]
    n = max(numbers, default=0) + 1
    while get_job_by_external_id(db, f"{prefix}{n}") is not None:
        n += 1
    return f"{prefix}{n}"


def _save_posting(db, form: JobForm, employer: dict, job: dict | None) -> tuple[int | None, list[str]]:
    """Validate and store the form; returns (job id or None, errors not tied to a field)."""
    raw = _raw_from_form(form)
    raw["employer_name"] = employer["name"]
    raw["external_id"] = job["external_id"] if job else _next_external_id(db, employer["id"])
    raw["status"] = job["status"] if job else "open"
    record, errors = clean_job(raw)
    general: list[str] = []
    for error in errors:
        target_name = ERROR_FIELD.get(error.field or "", error.field)
        target = getattr(form, target_name, None) if target_name else None
        if target is None:
            general.append(error.message)
        else:
            target.errors = [*target.errors, error.message]
    if record is None:
        return None, general
    job_id = save_job(db, record, job["id"] if job else None)
    saved = get_job(db, job_id)
    if saved is None or saved["employer_id"] != employer["id"]:  # never happens: the name is the employer's own
        abort(500)
    return job_id, general


@bp.route("/postings/new", methods=["GET", "POST"])
@role_required("employer")
def posting_new():
    db = get_db()
    employer = _own_employer(db)
    if not permissions.can_create_job(current_user):
        abort(403)
    form = JobForm(data={"city": employer.get("city") or "", "headcount": "1"}) if request.method == "GET" \
        else JobForm()
    general: list[str] = []
    if form.validate_on_submit():
        job_id, general = _save_posting(db, form, employer, None)
        if job_id is not None:
            flash("岗位已发布，求职者现在就能看到。", "success")
            return redirect(url_for("employers.postings", _anchor=f"job-{job_id}"))
    return render_template("employers/posting_form.html", form=form, employer=employer, job=None, general=general,
                           benefit_choices=BENEFITS)


@bp.route("/postings/<int:job_id>/edit", methods=["GET", "POST"])
@role_required("employer")
def posting_edit(job_id: int):
    db = get_db()
    job = _own_job(db, job_id)
    if not permissions.can_edit_job(current_user, job):
        abort(404)
    employer = _own_employer(db)
    form = JobForm(data=_form_from_job(job)) if request.method == "GET" else JobForm()
    general: list[str] = []
    if form.validate_on_submit():
        saved_id, general = _save_posting(db, form, employer, job)
        if saved_id is not None:
            flash("岗位已保存。", "success")
            return redirect(url_for("employers.postings", _anchor=f"job-{saved_id}"))
    return render_template("employers/posting_form.html", form=form, employer=employer, job=job, general=general,
                           benefit_choices=BENEFITS)


class StatusForm(FlaskForm):
    """Close a posting: 停止招聘 (closed) or 已招满 (filled)."""

    status = SelectField("原因", choices=_choices(("closed", "停止招聘"), ("filled", "已招满")), default="closed")


@bp.post("/postings/<int:job_id>/close")
@role_required("employer")
def posting_close(job_id: int):
    db = get_db()
    job = _own_job(db, job_id)
    if not permissions.can_edit_job(current_user, job):
        abort(404)
    form = StatusForm()
    if not form.validate_on_submit():
        flash("请选择停招原因：停止招聘或已招满。", "error")
        return redirect(url_for("employers.postings"))
    set_job_status(db, job["id"], form.status.data)
    flash(f"“{job['title']}”已{'招满' if form.status.data == 'filled' else '停止招聘'}，不再推荐给求职者。", "success")
    return redirect(url_for("employers.postings", _anchor=f"job-{job['id']}"))


@bp.post("/postings/<int:job_id>/reopen")
@role_required("employer")
def posting_reopen(job_id: int):
    db = get_db()
    job = _own_job(db, job_id)
    if not permissions.can_edit_job(current_user, job):
        abort(404)
    set_job_status(db, job["id"], "open")
    flash(f"“{job['title']}”已重新开始招聘。", "success")
    return redirect(url_for("employers.postings", _anchor=f"job-{job['id']}"))


# --- 合适人选 ----------------------------------------------------------------------------------------------

def _shown_worker(db, worker: dict, employer_id: int) -> tuple[dict | None, bool]:
    """The worker as this employer may see them (None when hidden) and whether they are related."""
    related = applications_model.related_to_employer(db, employer_id, worker["id"])
    level = permissions.worker_visibility(current_user, worker, related_to_employer=related)
    shown = permissions.present_worker(worker, level)
    if shown is not None:
        # These pages never show an ID number, not even masked.
        for key in ("id_masked", "id_number", "id_number_enc", "id_hash", "phone_masked"):
            shown.pop(key, None)
    return shown, level == permissions.CONTACT


@bp.get("/postings/<int:job_id>/candidates")
@role_required("employer")
def candidates(job_id: int):
    from matching.service import candidates_for_job

    db = get_db()
    job = _own_job(db, job_id)
    if not permissions.can_view_candidates(current_user, job):
        abort(404)
    employer_id = _employer_id()
    found = candidates_for_job(db, job["id"], k=CANDIDATES_K) if job["status"] == "open" else []
    applied = {a["worker_id"]: a for a in applications_model.for_job(db, job["id"])}
    rows = []
    for match in found:
        worker = workers_model.get_worker(db, match.worker_id)
        if worker is None:
            continue
        shown, contact = _shown_worker(db, worker, employer_id)
        if shown is None:
            continue
        rows.append({"match": match, "worker": shown, "contact": contact, "application": applied.get(worker["id"])})
    return render_template("employers/candidates.html", job=job, rows=rows)


# --- 投递管理 ----------------------------------------------------------------------------------------------

class ApplicationForm(FlaskForm):
    status = SelectField("进展", choices=_choices(*PIPELINE))
    note = StringField("备注", render_kw={"maxlength": 500, "placeholder": "如：约周三上午面试"})
    back_job = StringField()
    back_status = StringField()


def _applications_url(job_id: object = None, status: object = None) -> str:
    args = {}
    if job_id not in (None, ""):
        args["job_id"] = job_id
    if status in PIPELINE:
        args["status"] = status
    return url_for("employers.applications") + ("?" + urlencode(args) if args else "")


@bp.get("/applications")
@role_required("employer")
def applications():
    db = get_db()
    employer = _own_employer(db)
    job = None
    job_arg = request.args.get("job_id", "").strip()
    if job_arg:
        if not job_arg.isdigit():
            abort(404)
        job = _own_job(db, int(job_arg))
    status = request.args.get("status", "").strip()
    if status not in PIPELINE:
        status = ""
    rows = applications_model.for_job(db, job["id"]) if job else applications_model.for_employer(db, employer["id"])
    counts = Counter(r["status"] for r in rows)
    if status:
        rows = [r for r in rows if r["status"] == status]
    items = []
    for app_row in rows:
        worker = workers_model.get_worker(db, app_row["worker_id"])
        if worker is None:
            continue
        shown, _contact = _shown_worker(db, worker, employer["id"])
        if shown is None:
            continue
        items.append({"application": app_row, "worker": shown})
    groups = [(s, [i for i in items if i["application"]["status"] == s]) for s in PIPELINE]
    groups = [(s, g) for s, g in groups if g]
    postings_list, _ = list_jobs(db, employer_id=employer["id"], limit=MAX_POSTINGS)
    return render_template("employers/applications.html", employer=employer, job=job, status=status, groups=groups,
                           counts=counts, total=sum(counts.values()), postings=postings_list,
                           status_url=lambda s: _applications_url(job["id"] if job else None, s))


@bp.post("/applications/<int:application_id>")
@role_required("employer")
def application_update(application_id: int):
    db = get_db()
    application = applications_model.get_application(db, application_id)
    if application is None:
        abort(404)
    job = get_job(db, application["job_id"])
    worker = workers_model.get_worker(db, application["worker_id"])
    if job is None or worker is None or not permissions.owns_job(current_user, job) \
            or not permissions.can_update_application(current_user, application, job, worker):
        abort(404)
    form = ApplicationForm()
    back = _applications_url(form.back_job.data if (form.back_job.data or "").isdigit() else None,
                             form.back_status.data)
    if not form.validate_on_submit():
        flash("请选择进展：" + "、".join(PIPELINE) + "。", "error")
        return redirect(back)
    try:
        note = clean_text(form.note.data, "备注", max_length=500, field="note")
        placement_id = applications_model.set_status(db, application["id"], form.status.data, note,
                                                     user_id=getattr(current_user, "id", None))
    except (applications_model.ApplicationError, ValidationError) as exc:
        flash(f"{application['worker_name']}：{exc}", "error")
        return redirect(back)
    if placement_id is not None:
        flash("已录用，就业记录已生成", "success")
    else:
        flash(f"{application['worker_name']}（{application['job_title']}）已改为“{form.status.data}”。", "success")
    return redirect(back)


# --- 单位信息 ----------------------------------------------------------------------------------------------

class ProfileForm(FlaskForm):
    credit_code = StringField("统一社会信用代码", render_kw={"maxlength": 30, "autocomplete": "off"})
    city = SelectField("所在城市", choices=_choices(("", "（请选择）"), *SHANDONG_CITIES), validate_choice=False)
    district = StringField("区县", render_kw={"maxlength": 60, "placeholder": "如：黄岛区"})
    contact_name = StringField("联系人", render_kw={"maxlength": 30})
    contact_phone = StringField("联系电话", render_kw={"maxlength": 20, "inputmode": "tel"})
    description = TextAreaField("单位简介", render_kw={"maxlength": 2000})


def _clean_profile(form: ProfileForm) -> dict | None:
    """The editable employer fields from the form, or None with errors on the fields."""
    values: dict = {}
    checks = (
        ("credit_code", check_credit_code),
        ("city", normalise_city),
        ("contact_phone", check_phone),
        ("district", lambda v: clean_text(v, "区县", max_length=60, field="district")),
        ("contact_name", lambda v: clean_text(v, "联系人", max_length=30, field="contact_name")),
        ("description", lambda v: clean_text(v, "单位简介", max_length=2000, field="description")),
    )
    ok = True
    for name, check in checks:
        field = getattr(form, name)
        text = (field.data or "").strip()
        if not text:
            values[name] = None
            continue
        try:
            values[name] = check(text)
        except ValidationError as exc:
            field.errors = [*field.errors, exc.message]
            ok = False
    return values if ok else None


@bp.route("/profile", methods=["GET", "POST"])
@role_required("employer")
def profile():
    db = get_db()
    employer = _own_employer(db)
    if request.method == "GET":
        form = ProfileForm(data={k: employer.get(k) or "" for k in employers_model.EDITABLE})
    else:
        form = ProfileForm()
    if form.validate_on_submit():
        values = _clean_profile(form)
        if values is not None:
            employers_model.update_employer(db, employer["id"], **values)
            flash("单位信息已保存。", "success")
            return redirect(url_for("employers.profile"))
    return render_template("employers/profile.html", form=form, employer=employer)
