"""Staff pages (就业帮扶直通车 工作人员): the workbench, the worker registry (search, register, edit, the
audited ID reveal, worker accounts, phone consent to a recommendation), matches and recommendations, the job
registry with ranked candidates, and ledger import from the browser.

Every view is for staff and admins (``role_required``), parses its form (a ``FlaskForm``; the list filters
are forms over the query string), calls one action of ``models.actions`` and renders. The rules — which
workers and postings a staff member covers, what of a worker they see, who may register, edit, reveal or
recommend — are the actions'; an action's refusal is shown on the form's field, or as the error page of
its kind (a worker or posting the staff member may not see is a 404, like one that does not exist).

Full ID numbers appear on exactly one page: the response to 查看完整身份证号 (a POST; the action audits it).
"""
from __future__ import annotations

import math
from io import BytesIO

from flask import Blueprint, flash, redirect, render_template, request, send_file, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from openpyxl import Workbook
from wtforms import (
    BooleanField,
    HiddenField,
    IntegerField,
    PasswordField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, Optional

from app.database import get_db
from app.web import role_required
from app.web import show_error as web_show_error
from matching.service import candidates_for_job, jobs_for_worker
from models import access
from models.actions import applications as application_actions
from models.actions import imports as import_actions
from models.actions import matches as match_actions
from models.actions import placements as placement_actions
from models.actions import postings as posting_actions
from models.actions import subsidies as subsidy_actions
from models.actions import workers as worker_actions
from models.errors import ActionError
from models.hiring.applications import applied_job_ids
from models.intake.records import WORKER_FIELDS
from models.placement.placements import left_job_ids
from models.vocabulary import (
    ASSISTANCE_STATUSES,
    EDUCATION_LEVELS,
    JOB_STATUS_LABELS,
    JOB_STATUSES,
    SOURCE_LABELS,
)
from models.vocabulary import LEDGER_KINDS as KIND_LABELS

bp = Blueprint("staff", __name__, url_prefix="/staff")

PER_PAGE = 20
staff_only = role_required("staff", "admin")


@bp.context_processor
def _template_globals() -> dict:
    return {"job_status_labels": JOB_STATUS_LABELS, "kind_labels": KIND_LABELS, "source_labels": SOURCE_LABELS,
            "FULL": access.FULL, "MASKED": access.MASKED}


# --- forms -------------------------------------------------------------------------------------------------

def _choices(*items) -> list[SelectChoice]:
    """Select options from plain values or (value, label) pairs."""
    return [SelectChoice(*item) if isinstance(item, tuple) else SelectChoice(item, item) for item in items]


def _label(name: str) -> str:
    return WORKER_FIELDS[name].label


class QueryForm(FlaskForm):
    """A list's filters, read from the query string (no CSRF: it changes nothing)."""

    class Meta:
        csrf = False

    page = IntegerField(validators=[Optional()], default=1)

    def page_number(self) -> int:
        return max(1, self.page.data or 1) if not self.page.errors else 1


class WorkerFilterForm(QueryForm):
    q = StringField("姓名、编号、手机号或身份证号")
    county = StringField("户籍区县")
    status = SelectField("帮扶身份", choices=_choices(("", "全部"), *ASSISTANCE_STATUSES), validate_choice=False)
    seeking = SelectField("就业状态", choices=_choices(("", "全部"), ("1", "正在找工作"), ("0", "已就业/暂不找")),
                          validate_choice=False)


class JobFilterForm(QueryForm):
    q = StringField("岗位、单位或编号")
    city = StringField("城市")
    status = SelectField("状态", choices=_choices(("", "全部"), *((s, JOB_STATUS_LABELS[s]) for s in JOB_STATUSES)),
                         default="open", validate_choice=False)


class WorkerForm(FlaskForm):
    """The SCHEMA worker fields, as text the staff member types; the action validates them."""

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

    def record(self) -> dict:
        """The typed record fields (``seeking`` apart)."""
        return {name: field.data for name, field in self._fields.items() if name in RECORD_FIELDS}


#: Form fields that are record fields (everything but ``seeking`` and the CSRF token).
RECORD_FIELDS = ("external_id", *worker_actions.STAFF_EDITABLE)
#: Where an error on an input-only column is shown.
ERROR_FIELD = {"age": "birth_year", "hukou_address": "hukou_county", "hukou_county_code": "hukou_county"}


class AccountForm(FlaskForm):
    username = StringField("登录名（手机号）")
    password = PasswordField("初始密码（至少8位）")


class ButtonForm(FlaskForm):
    """A button that changes something: nothing but the CSRF token."""


class RecommendForm(FlaskForm):
    job_id = IntegerField(validators=[InputRequired("请选择要推荐的岗位。")])
    note = StringField("备注（可不填）", validators=[Optional(), Length(max=500, message="备注最多500字。")])
    back = HiddenField()


class ConsentForm(FlaskForm):
    note = StringField("电话确认记录", validators=[Length(max=500, message="记录最多500字。")])


class ImportForm(FlaskForm):
    kind = SelectField("台账类型", choices=_choices(("workers", "求职者台账"), ("jobs", "岗位台账")))
    file = FileField("台账文件（.xlsx、.csv 或 .jsonl）", validators=[FileRequired("请选择要导入的台账文件。")])


def show_error(form: FlaskForm, exc: ActionError, fallback: str | None = None) -> list[str]:
    """``app.web.show_error`` with this area's field names."""
    return web_show_error(form, exc, fallback=fallback, aliases=ERROR_FIELD)


# --- helpers -----------------------------------------------------------------------------------------------

def _pager(page: int, total: int) -> dict:
    pages = max(1, math.ceil(total / PER_PAGE))
    args = {k: v for k, v in request.args.items() if k != "page"}
    return {"page": page, "pages": pages, "total": total,
            "prev": url_for(request.endpoint, page=page - 1, **args) if page > 1 else None,
            "next": url_for(request.endpoint, page=page + 1, **args) if page < pages else None}


def _query(form_class: type[QueryForm]) -> tuple[QueryForm, int, int]:
    """A list's filters from the query string: (the form, the page number, the offset of its first row)."""
    form = form_class(request.args)
    form.validate()
    page = form.page_number()
    return form, page, (page - 1) * PER_PAGE


def _listed(form: QueryForm, action, **filters) -> tuple[list[dict], int]:
    """One page of a list action's rows; a filter the action refuses is shown next to its field (no rows)."""
    try:
        return action(get_db(), current_user, limit=PER_PAGE, **filters)
    except ActionError as exc:
        show_error(form, exc)
        return [], 0


# --- 工作台 ------------------------------------------------------------------------------------------------

@bp.get("/")
@staff_only
def home():
    db = get_db()
    _rows, seeking = worker_actions.list_for(db, current_user, seeking=True, limit=0)
    _rows, open_jobs = posting_actions.list_for(db, current_user, status="open", limit=0)
    pending, pending_count = application_actions.list_for(db, current_user, status="待处理", limit=10)
    waiting, waiting_count = application_actions.list_for(db, current_user, status="推荐待确认", limit=10)
    due = sum(1 for item in placement_actions.queue(db, current_user, with_risk=False)
              if item.bucket in ("overdue", "today"))
    return render_template("staff/home.html", seeking=seeking, open_jobs=open_jobs, pending=pending,
                           pending_count=pending_count, waiting=waiting, waiting_count=waiting_count, due=due,
                           batches=import_actions.list_batches(db, current_user, limit=5),
                           counties=worker_actions.counties_text(current_user))


# --- worker registry ---------------------------------------------------------------------------------------

@bp.get("/workers")
@staff_only
def workers():
    form, page, offset = _query(WorkerFilterForm)
    rows, total = _listed(form, worker_actions.list_for, q=form.q.data, county=form.county.data,
                          status=form.status.data, seeking={"1": True, "0": False}.get(form.seeking.data),
                          offset=offset)
    return render_template("staff/workers.html", rows=rows, pager=_pager(page, total), form=form,
                           counties=worker_actions.counties_text(current_user))


@bp.route("/workers/new", methods=["GET", "POST"])
@staff_only
def worker_new():
    form = WorkerForm(data={"seeking": True})
    general: list[str] = []
    if form.validate_on_submit():
        try:
            saved = worker_actions.create_worker(get_db(), current_user, form.record())
        except ActionError as exc:
            general = show_error(form, exc)
        else:
            flash(f"已登记 {saved['name']}（编号 {saved['external_id']}）。", "success")
            return redirect(url_for("staff.worker_detail", worker_id=saved["id"]))
    return render_template("staff/worker_form.html", form=form, worker=None, general=general)


def _form_data(worker: dict) -> dict:
    data = {}
    for name in RECORD_FIELDS:
        value = worker.get(name)
        if isinstance(value, list):
            value = "、".join(value)
        data[name] = "" if value is None or name == "id_number" else str(value)
    data["seeking"] = bool(worker.get("seeking", True))
    return data


@bp.route("/workers/<int:worker_id>/edit", methods=["GET", "POST"])
@staff_only
def worker_edit(worker_id: int):
    db = get_db()
    worker = worker_actions.for_edit(db, current_user, worker_id)
    form = WorkerForm(data=_form_data(worker)) if request.method == "GET" else WorkerForm()
    general: list[str] = []
    if form.validate_on_submit():
        changes = {k: v for k, v in form.record().items() if k != "external_id"}
        try:
            worker_actions.edit_worker(db, current_user, worker_id, {**changes, "seeking": form.seeking.data})
        except ActionError as exc:
            general = show_error(form, exc)
        else:
            flash("已保存。", "success")
            return redirect(url_for("staff.worker_detail", worker_id=worker_id))
    return render_template("staff/worker_form.html", form=form, worker=worker, general=general)


def _render_detail(db, worker_id: int, *, revealed: str | None = None, account_form: AccountForm | None = None,
                   new_account: dict | None = None, consent_form: ConsentForm | None = None,
                   consent_for: int | None = None, general: list[str] | None = None):
    file = worker_actions.dossier(db, current_user, worker_id)
    worker = file["worker"]
    applications, _total = application_actions.list_for(db, current_user, worker_id=worker_id)
    placements, _total = placement_actions.list_for(db, current_user, worker_id=worker_id)
    if account_form is None:
        account_form = AccountForm(data={"username": worker.get("phone") or ""}, formdata=None)
    consentable = {a["id"] for a in applications
                   if a["status"] == "推荐待确认" and access.can_record_consent(current_user, a)}
    return render_template("staff/worker_detail.html", worker=worker, applications=applications,
                           placements=placements, account=file["account"], account_form=account_form,
                           revealed=revealed, new_account=new_account, button=ButtonForm(formdata=None),
                           consentable=consentable, consent_form=consent_form or ConsentForm(formdata=None),
                           consent_for=consent_for, general=general or [],
                           subsidies=subsidy_actions.for_worker(db, current_user, worker_id)
                           if access.staff_covers_worker(current_user, worker) else [])


@bp.get("/workers/<int:worker_id>")
@staff_only
def worker_detail(worker_id: int):
    return _render_detail(get_db(), worker_id)


@bp.post("/workers/<int:worker_id>/reveal")
@staff_only
def worker_reveal_id(worker_id: int):
    form = ButtonForm()
    db = get_db()
    if not form.validate_on_submit():
        return redirect(url_for("staff.worker_detail", worker_id=worker_id))
    number = worker_actions.reveal_id(db, current_user, worker_id, via="web")
    if number is None:
        flash("该求职者没有登记身份证号。", "info")
        return redirect(url_for("staff.worker_detail", worker_id=worker_id))
    return _render_detail(db, worker_id, revealed=number)


@bp.post("/workers/<int:worker_id>/account")
@staff_only
def worker_account(worker_id: int):
    db = get_db()
    form = AccountForm()
    general: list[str] = []
    if form.validate_on_submit():
        password = form.password.data or ""
        try:
            made = worker_actions.create_worker_account(db, current_user, worker_id, username=form.username.data,
                                                        password=password)
        except ActionError as exc:
            general = show_error(form, exc)
        else:
            return _render_detail(db, worker_id, new_account={"username": made["username"], "password": password})
    return _render_detail(db, worker_id, account_form=form, general=general)


@bp.post("/applications/<int:application_id>/consent")
@staff_only
def record_consent(application_id: int):
    """记录电话确认: the worker agreed to a recommendation on the phone (the note says when and who)."""
    db = get_db()
    form = ConsentForm()
    application = application_actions.get(db, current_user, application_id)
    general: list[str] = []
    if form.validate_on_submit():
        try:
            application_actions.record_consent(db, current_user, application_id, form.note.data or "")
        except ActionError as exc:
            general = show_error(form, exc)
        else:
            flash(f"已记录电话确认：“{application['job_title']}”的推荐已转为投递，单位可以处理了。", "success")
            return redirect(url_for("staff.worker_detail", worker_id=application["worker_id"]))
    return _render_detail(db, application["worker_id"], consent_form=form, consent_for=application_id,
                          general=general)


# --- matches and recommendations ---------------------------------------------------------------------------

@bp.get("/workers/<int:worker_id>/matches")
@staff_only
def worker_matches(worker_id: int):
    db = get_db()
    worker = match_actions.worker(db, current_user, worker_id)
    matches = jobs_for_worker(db, worker_id, k=20, exclude_job_ids=left_job_ids(db, worker_id))
    return render_template("staff/worker_matches.html", worker=worker, matches=matches,
                           done=applied_job_ids(db, worker_id), form=RecommendForm(formdata=None))


@bp.post("/workers/<int:worker_id>/recommend")
@staff_only
def recommend(worker_id: int):
    form = RecommendForm()
    if not form.validate_on_submit():
        for message in [m for errors in form.errors.values() for m in errors]:
            flash(f"没有推荐成功：{message}", "error")
        return redirect(url_for("staff.worker_matches", worker_id=worker_id))
    db = get_db()
    try:
        application_actions.recommend(db, current_user, worker_id, form.job_id.data, note=form.note.data)
    except ActionError as exc:
        if exc.kind == "not_found":
            raise
        flash(f"没有推荐成功：{exc.message}", "error")
    else:
        flash("已推荐。求职者确认（或您记录电话确认）后，单位就能处理这份投递。", "success")
    if form.back.data == "candidates":
        return redirect(url_for("staff.job_candidates", job_id=form.job_id.data))
    if form.back.data == "detail":
        return redirect(url_for("staff.worker_detail", worker_id=worker_id))
    return redirect(url_for("staff.worker_matches", worker_id=worker_id))


# --- job registry ------------------------------------------------------------------------------------------

@bp.get("/jobs")
@staff_only
def jobs():
    form, page, offset = _query(JobFilterForm)
    rows, total = _listed(form, posting_actions.list_for, q=form.q.data, city=form.city.data,
                          status=form.status.data or None, offset=offset)
    return render_template("staff/jobs.html", rows=rows, pager=_pager(page, total), form=form)


@bp.get("/jobs/<int:job_id>/candidates")
@staff_only
def job_candidates(job_id: int):
    db = get_db()
    job = match_actions.job(db, current_user, job_id)
    found = candidates_for_job(db, job_id, k=20) if job["status"] == "open" else []
    scores = {m.worker_id: m for m in found}
    rows = worker_actions.candidates(db, current_user, job, [m.worker_id for m in found])
    return render_template("staff/job_candidates.html", job=job, rows=rows, scores=scores,
                           form=RecommendForm(formdata=None))


# --- ledger import -----------------------------------------------------------------------------------------

@bp.route("/imports", methods=["GET", "POST"])
@staff_only
def imports():
    db = get_db()
    form = ImportForm()
    if form.validate_on_submit():
        upload = form.file.data
        try:
            result = import_actions.import_upload(db, current_user, form.kind.data, upload.filename, upload.read())
        except ActionError as exc:
            show_error(form, exc, fallback="file")
        else:
            flash(f"导入完成：新增 {result.added}，更新 {result.updated}，未变 {result.unchanged}，"
                  f"有问题 {result.rejected} 行。", "success" if not result.rejected else "info")
            return redirect(url_for("staff.import_report", batch_id=result.batch_id))
    return render_template("staff/imports.html", form=form,
                           batches=import_actions.list_batches(db, current_user, limit=50))


@bp.get("/imports/<int:batch_id>")
@staff_only
def import_report(batch_id: int):
    return render_template("staff/import_report.html",
                           batch=import_actions.get_batch(get_db(), current_user, batch_id))


@bp.get("/imports/<int:batch_id>/rejections.xlsx")
@staff_only
def import_rejections_xlsx(batch_id: int):
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
