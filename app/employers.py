"""Employer pages (用人单位): my postings, the posting form, close/reopen, ranked candidates, the
applications pipeline, and the company profile.

Every page is for a signed-in employer account (``role_required("employer")``) and works only on that
account's own employer: the employer id comes from the session user, never from the URL.

Views stay thin: every write and scoped read is a domain action, the same one the API calls — postings
(``models.actions.postings``: create, edit, close, reopen; validated as a ledger row is, so a posting may never
require a gender), candidates (``models.actions.matches.job`` then ``matching.service.candidates_for_job``, each
candidate shown as ``models.actions.workers.candidates`` allows: masked name and phone until the worker applied or
accepted a recommendation; never an ID number on these pages), the pipeline
(``models.actions.applications``: 录用 creates the placement; a recommendation the worker has not accepted cannot
be moved). A posting of another employer is refused as the action says (403 when the employer may see it, 404
otherwise).
"""
from __future__ import annotations

from collections import Counter
from urllib.parse import urlencode

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.widgets import CheckboxInput, ListWidget

from app.database import get_db
from app.web import role_required, show_error
from models.actions import applications as actions_applications
from models.actions import matches as actions_matches
from models.actions import postings as actions_postings
from models.actions import workers as actions_workers
from models.errors import ActionError
from models.hiring import applications as applications_model
from models.intake.records import JOB_FIELDS
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
from models.vocabulary import (
    EDUCATION_LEVELS,
    EMPLOYER_STATUS_LABELS,
    JOB_STATUS_LABELS,
    PIPELINE_STATUSES,
    SOURCE_LABELS,
)

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
            "pipeline_statuses": PIPELINE, "employer_labels": EMPLOYER_STATUS_LABELS}


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
    """One of this employer's postings (``actions.postings.for_edit``: 404 when invisible, 403 when not theirs)."""
    return actions_postings.for_edit(db, current_user, job_id)


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
    rows, _total = actions_postings.list_for(db, current_user, employer_id=employer["id"], limit=MAX_POSTINGS)
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


def _save_posting(db, form: JobForm, job: dict | None) -> int | None:
    """Post (``job`` None) or change a posting through ``actions.postings``; returns its id, or None with the
    action's errors shown next to their fields (``form.form_errors`` for the rest)."""
    try:
        if job is None:
            return actions_postings.create(db, current_user, _raw_from_form(form))["id"]
        return actions_postings.edit(db, current_user, job["id"], _raw_from_form(form))["id"]
    except ActionError as exc:
        show_error(form, exc, aliases=ERROR_FIELD)
        return None


@bp.route("/postings/new", methods=["GET", "POST"])
@role_required("employer")
def posting_new():
    db = get_db()
    employer = _own_employer(db)
    form = JobForm(data={"city": employer.get("city") or "", "headcount": "1"}) if request.method == "GET" \
        else JobForm()
    if form.validate_on_submit():
        job_id = _save_posting(db, form, None)
        if job_id is not None:
            flash("岗位已发布，求职者现在就能看到。", "success")
            return redirect(url_for("employers.postings", _anchor=f"job-{job_id}"))
    return render_template("employers/posting_form.html", form=form, employer=employer, job=None,
                           general=form.form_errors, benefit_choices=BENEFITS)


@bp.route("/postings/<int:job_id>/edit", methods=["GET", "POST"])
@role_required("employer")
def posting_edit(job_id: int):
    db = get_db()
    job = _own_job(db, job_id)
    employer = _own_employer(db)
    form = JobForm(data=_form_from_job(job)) if request.method == "GET" else JobForm()
    if form.validate_on_submit():
        saved_id = _save_posting(db, form, job)
        if saved_id is not None:
            flash("岗位已保存。", "success")
            return redirect(url_for("employers.postings", _anchor=f"job-{saved_id}"))
    return render_template("employers/posting_form.html", form=form, employer=employer, job=job,
                           general=form.form_errors, benefit_choices=BENEFITS)


class StatusForm(FlaskForm):
    """Close a posting: 停止招聘 (closed) or 已招满 (filled)."""

    status = SelectField("原因", choices=_choices(("closed", "停止招聘"), ("filled", "已招满")), default="closed")


@bp.post("/postings/<int:job_id>/close")
@role_required("employer")
def posting_close(job_id: int):
    form = StatusForm()
    if not form.validate_on_submit():
        _own_job(get_db(), job_id)
        flash("请选择停招原因：停止招聘或已招满。", "error")
        return redirect(url_for("employers.postings"))
    job = actions_postings.close(get_db(), current_user, job_id, form.status.data)
    flash(f"“{job['title']}”已{'招满' if job['status'] == 'filled' else '停止招聘'}，不再推荐给求职者。", "success")
    return redirect(url_for("employers.postings", _anchor=f"job-{job['id']}"))


@bp.post("/postings/<int:job_id>/reopen")
@role_required("employer")
def posting_reopen(job_id: int):
    if not FlaskForm().validate_on_submit():
        abort(400)
    job = actions_postings.reopen(get_db(), current_user, job_id)
    flash(f"“{job['title']}”已重新开始招聘。", "success")
    return redirect(url_for("employers.postings", _anchor=f"job-{job['id']}"))


# --- 合适人选 ----------------------------------------------------------------------------------------------

@bp.get("/postings/<int:job_id>/candidates")
@role_required("employer")
def candidates(job_id: int):
    from matching.service import candidates_for_job

    db = get_db()
    job = actions_matches.job(db, current_user, job_id)
    found = candidates_for_job(db, job["id"], k=CANDIDATES_K) if job["status"] == "open" else []
    shown = {w["id"]: w for w in actions_workers.candidates(db, current_user, job, [m.worker_id for m in found])}
    applied = {a["worker_id"]: a for a in actions_applications.list_for(db, current_user, job_id=job["id"])[0]}
    rows = [{"match": m, "worker": shown[m.worker_id], "application": applied.get(m.worker_id)}
            for m in found if m.worker_id in shown]
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
    if status not in applications_model.APPLICATION_STATUSES:
        status = ""
    rows, _total = actions_applications.list_for(db, current_user, job_id=job["id"] if job else None,
                                                 pipeline_order=True)
    counts = Counter(r["status"] for r in rows)
    if status:
        rows = [r for r in rows if r["status"] == status]
    items = []
    for app_row in rows:
        worker = workers_model.get_worker(db, app_row["worker_id"])
        shown = actions_workers.present(db, current_user, worker) if worker is not None else None
        if shown is not None:
            items.append({"application": app_row, "worker": shown})
    order = [*PIPELINE, *(s for s in applications_model.APPLICATION_STATUSES if s not in PIPELINE)]
    groups = [(s, [i for i in items if i["application"]["status"] == s]) for s in order]
    groups = [(s, g) for s, g in groups if g]
    postings_list, _ = actions_postings.list_for(db, current_user, employer_id=employer["id"], limit=MAX_POSTINGS)
    return render_template("employers/applications.html", employer=employer, job=job, status=status, groups=groups,
                           counts=counts, total=sum(counts.values()), postings=postings_list,
                           status_url=lambda s: _applications_url(job["id"] if job else None, s))


@bp.post("/applications/<int:application_id>")
@role_required("employer")
def application_update(application_id: int):
    db = get_db()
    application = actions_applications.get(db, current_user, application_id)
    form = ApplicationForm()
    back = _applications_url(form.back_job.data if (form.back_job.data or "").isdigit() else None,
                             form.back_status.data)
    if not form.validate_on_submit():
        flash("请选择进展：" + "、".join(PIPELINE) + "。", "error")
        return redirect(back)
    try:
        note = clean_text(form.note.data, "备注", max_length=500, field="note")
        placement_id = actions_applications.change_status(db, current_user, application_id, form.status.data, note)
    except ValidationError as exc:
        flash(f"{application['worker_name']}：{exc}", "error")
        return redirect(back)
    except ActionError as exc:
        if exc.kind in ("not_found", "forbidden"):
            raise
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
