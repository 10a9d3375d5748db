"""Job seeker pages (求职者): recommended jobs, search, job detail, one-tap apply, my applications, my profile.

Every ``/me/*`` page is for the signed-in worker only (``role_required("worker")``) and reads the worker id
from the session user, never from the URL. ``/jobs`` and ``/jobs/<id>`` are open to every signed-in role:
workers get results ranked by fit (``matching.service.jobs_for_worker``) with reasons; other roles get a
plain list of open postings (``models.hiring.jobs.list_jobs``). Who may see a posting is
``models.access.can_view_job``.

Hard requirements (certificates, age, education, open posting) are ``models.hiring.eligibility.check_hard``: the
job page says which one is not met, and ``apply`` refuses such an application server side (the button is
not merely hidden). Profile edits go through ``models.intake.records.clean_worker`` with the stored record as the
base; the stored ID number is written back unchanged and only ever shown masked.
"""
from __future__ import annotations

import math
from urllib.parse import urlencode, urlsplit

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import Form, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.widgets import CheckboxInput, ListWidget

from app.database import get_db
from app.web import role_required, show_error
from models.actions import applications as actions_applications
from models.actions import postings as actions_postings
from models.actions import workers as actions_workers
from models.errors import ActionError
from models.hiring import applications as applications_model
from models.hiring.jobs import get_job, list_jobs
from models.intake.records import WORKER_FIELDS
from models.intake.validation import SHANDONG_CITIES, ValidationError, parse_salary
from models.people import workers as workers_model
from models.placement.placements import left_job_ids
from models.vocabulary import EDUCATION_LEVELS, SOURCE_LABELS

bp = Blueprint("seekers", __name__)

MATCHES_K = 20
#: Ranked search results shown to a worker (best first; a sensible cap instead of paging a ranking).
SEARCH_K = 50
#: Plain list (other roles): postings per page, and how many of the newest open ones are filtered.
PER_PAGE = 20
SCAN = 2000
#: Benefit checkboxes of the search form (the needs matching understands).
BENEFITS = ("包吃住", "包住", "包吃", "夫妻房", "五险一金", "长白班", "交通补贴")


# --- helpers -----------------------------------------------------------------------------------------------

def _safe_next(target: str | None) -> str | None:
    """A same-site relative path, or None."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return None
    return target


def _own_worker(db) -> dict:
    """The signed-in worker's own record (404 when the account is not linked to one)."""
    worker_id = getattr(current_user, "worker_id", None)
    worker = workers_model.get_worker(db, worker_id) if worker_id is not None else None
    if worker is None:
        abort(404)
    return worker


def _is_worker() -> bool:
    return getattr(current_user, "role", None) == "worker" and getattr(current_user, "worker_id", None) is not None


def thin_profile(worker: dict) -> list[str]:
    """What is missing from a profile for matching to work well (empty when nothing important is)."""
    missing = []
    if not (worker.get("desired_jobs") or "").strip():
        missing.append("想做什么工作（求职意向）")
    if not worker.get("skills") and not (worker.get("experience") or "").strip():
        missing.append("会什么手艺（技能或工作经历）")
    return missing


def fit_for_job(db, worker_id: int, job: dict) -> dict:
    """How a posting fits the worker: ``{"ok", "failures", "reasons", "warnings"}``.

    ``failures`` are the hard requirements not met (``models.hiring.eligibility.check_hard``, the one place these
    rules live); when none fail, ``reasons`` are the same plain-Chinese reasons the ranked lists show.
    """
    from matching.features import soft_signals
    from matching.ranker import Scored, explain
    from matching.service import load_jobs, load_workers, prepared_worker
    from models.hiring.eligibility import check_hard

    worker = load_workers(db, [worker_id]).get(int(worker_id))
    record = load_jobs(db, [job["id"]]).get(int(job["id"]))
    if worker is None or record is None:
        return {"ok": False, "failures": ["找不到求职者或岗位"], "reasons": [], "warnings": []}
    worker = prepared_worker(worker)
    hard = check_hard(worker, record)
    if not hard.ok:
        return {"ok": False, "failures": hard.failures, "reasons": [], "warnings": []}
    scored = explain(worker, record, Scored(record, 0.0, soft_signals(worker, record, hard)))
    return {"ok": True, "failures": [], "reasons": scored.reasons, "warnings": scored.warnings}


# --- 推荐岗位 ----------------------------------------------------------------------------------------------

@bp.get("/me/matches")
@role_required("worker")
def matches():
    from matching.service import jobs_for_worker

    db = get_db()
    worker = _own_worker(db)
    found = jobs_for_worker(db, worker["id"], k=MATCHES_K, exclude_job_ids=left_job_ids(db, worker["id"]))
    jobs = {j["id"]: j for j in (get_job(db, m.job_id) for m in found) if j}
    return render_template("seekers/matches.html", worker=worker, matches=found, jobs=jobs,
                           applied=applications_model.applied_job_ids(db, worker["id"], active_only=True),
                           missing=thin_profile(worker))


# --- 找工作 ------------------------------------------------------------------------------------------------

class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class SearchForm(Form):
    """The search filters, read from the query string (a GET form: no CSRF token needed)."""

    keywords = StringField("关键词", render_kw={"placeholder": "如：电焊、缝纫、普工"})
    city = SelectField("城市", choices=[SelectChoice("", "山东全省"), *(SelectChoice(c, c) for c in SHANDONG_CITIES)],
                       validate_choice=False)
    salary_floor = StringField("月薪至少", render_kw={"placeholder": "如：6000 或 6千", "inputmode": "numeric"})
    benefits = MultiCheckboxField("福利", choices=[SelectChoice(b, b) for b in BENEFITS], validate_choice=False)


def _search_filters(form: SearchForm) -> dict:
    """The form as ``jobs_for_worker`` filters; a bad salary becomes an error on its field."""
    floor = None
    text = (form.salary_floor.data or "").strip()
    if text:
        try:
            floor = parse_salary(text, "月薪", "salary_floor")
        except ValidationError as exc:
            form.salary_floor.errors = [exc.message]
    city = form.city.data if form.city.data in SHANDONG_CITIES else ""
    return {"city": city or None, "salary_floor": floor,
            "benefits": [b for b in (form.benefits.data or []) if b in BENEFITS],
            "keywords": (form.keywords.data or "").split()}


def _page_number() -> int:
    try:
        return max(1, int(request.args.get("page", 1)))
    except (TypeError, ValueError):
        return 1


@bp.get("/jobs")
@role_required("worker", "employer", "staff", "admin")
def search():
    from matching.service import SearchFilters, jobs_for_worker

    db = get_db()
    form = SearchForm(request.args)
    filters = _search_filters(form)
    searched = any(filters.values())
    if _is_worker():
        worker = _own_worker(db)
        found = jobs_for_worker(db, worker["id"], k=SEARCH_K, filters=filters,
                                exclude_job_ids=left_job_ids(db, worker["id"]))
        jobs = {j["id"]: j for j in (get_job(db, m.job_id) for m in found) if j}
        return render_template("seekers/search.html", form=form, searched=searched, ranked=True, matches=found,
                               jobs=jobs, applied=applications_model.applied_job_ids(db, worker["id"], active_only=True),
                               cap=SEARCH_K, pager=None)
    # Other roles: open postings, newest first, filtered by the same rules as the ranked search.
    page = _page_number()
    wanted = SearchFilters.of(filters)
    keywords = filters["keywords"]
    rows, total = list_jobs(db, status="open", city=filters["city"],
                            q=keywords[0] if len(keywords) == 1 else None, limit=SCAN)
    rows = [r for r in rows if wanted.admits(r)]
    pages = max(1, math.ceil(len(rows) / PER_PAGE))
    pager = {"page": page, "pages": pages, "total": len(rows),
             "prev": _page_url(page - 1) if page > 1 else None,
             "next": _page_url(page + 1) if page < pages else None}
    return render_template("seekers/search.html", form=form, searched=searched, ranked=False,
                           rows=rows[(page - 1) * PER_PAGE: page * PER_PAGE], pager=pager,
                           truncated=total > SCAN, scan=SCAN)


def _page_url(page: int) -> str:
    pairs = [(k, v) for k in request.args for v in request.args.getlist(k) if k != "page"]
    return url_for("seekers.search") + "?" + urlencode([*pairs, ("page", page)])


# --- 岗位详情 ----------------------------------------------------------------------------------------------

@bp.get("/jobs/<int:job_id>")
@role_required("worker", "employer", "staff", "admin")
def job_detail(job_id: int):
    db = get_db()
    job = actions_postings.get(db, current_user, job_id)
    fit, applied = None, False
    if _is_worker():
        worker = _own_worker(db)
        fit = fit_for_job(db, worker["id"], job)
        applied = job_id in applications_model.applied_job_ids(db, worker["id"], active_only=True)
    return render_template("seekers/job_detail.html", job=job, fit=fit, applied=applied,
                           back=_safe_next(request.args.get("next")))


# --- 投递 --------------------------------------------------------------------------------------------------

@bp.post("/jobs/<int:job_id>/apply")
@role_required("worker")
def apply(job_id: int):
    """Apply (or accept the recommendation of this posting): ``actions.applications.apply`` checks the
    posting is open, the hard requirements and a second application."""
    db = get_db()
    back = _safe_next(request.form.get("next")) or url_for("seekers.job_detail", job_id=job_id)
    if not FlaskForm().validate_on_submit():
        abort(400)
    try:
        application_id = actions_applications.apply(db, current_user, job_id)
    except ActionError as exc:
        if exc.kind == "not_found":
            raise
        flash(exc.message, "error")
        return redirect(back)
    row = actions_applications.get(db, current_user, application_id)
    flash(f"已投递“{row['job_title']}”（{row['employer_name']}）。单位看到后会联系您，请保持手机畅通。", "success")
    return redirect(back)


# --- 我的投递 ----------------------------------------------------------------------------------------------

class AnswerForm(FlaskForm):
    """Accept or decline a recommendation, withdraw an application (the button says which)."""


#: The worker's answers on 我的投递: button → (action, message after it).
ANSWERS = {
    "accept": (actions_applications.accept, "已接受推荐，投递已发给单位。单位看到后会联系您。"),
    "decline": (actions_applications.decline, "已告诉工作人员您不接受这个推荐。"),
    "withdraw": (actions_applications.withdraw, "已撤回投递，单位会看到您已撤回。"),
}


@bp.get("/me/applications")
@role_required("worker")
def applications():
    db = get_db()
    rows, _total = actions_applications.list_for(db, current_user, pipeline_order=True)
    return render_template("seekers/applications.html", rows=rows, labels=applications_model.WORKER_LABELS,
                           sources=SOURCE_LABELS, form=AnswerForm(), withdrawable=actions_applications.WITHDRAWABLE)


@bp.post("/me/applications/<int:application_id>/<any(accept, decline, withdraw):answer>")
@role_required("worker")
def answer(application_id: int, answer: str):
    """The worker accepts or declines a recommendation, or withdraws an application."""
    if not AnswerForm().validate_on_submit():
        abort(400)
    action, done = ANSWERS[answer]
    try:
        row = action(get_db(), current_user, application_id)
    except ActionError as exc:
        if exc.kind == "not_found":
            raise
        flash(exc.message, "error")
    else:
        flash(f"“{row['job_title']}”：{done}", "success")
    return redirect(url_for("seekers.applications", _anchor=f"application-{application_id}"))


# --- 我的资料 ----------------------------------------------------------------------------------------------

def _label(name: str) -> str:
    return WORKER_FIELDS[name].label


class ProfileForm(FlaskForm):
    """What a worker may change about themself; ``clean_worker`` validates it with the stored record."""

    name = StringField(_label("name"))
    phone = StringField(_label("phone"))
    hukou_province = StringField(_label("hukou_province"))
    hukou_county = StringField(_label("hukou_county"))
    education = SelectField(_label("education"), choices=[SelectChoice("", "（请选择）"), *(SelectChoice(e, e) for e in EDUCATION_LEVELS)],
                            validate_choice=False)
    skills = StringField("会什么手艺（技能）")
    certificates = StringField("有什么证书")
    experience = TextAreaField("以前干过什么活（工作经历）")
    desired_jobs = StringField("想做什么工作（求职意向）")
    desired_cities = StringField("想去山东哪个城市（意向城市）")
    expected_salary = StringField("每月最少想挣多少（期望月薪）")
    needs = StringField("其他要求（需求）")
    training_wanted = StringField("想学什么（培训意愿）")


EDITABLE = ("name", "phone", "hukou_province", "hukou_county", "education", "skills", "certificates",
            "experience", "desired_jobs", "desired_cities", "expected_salary", "needs", "training_wanted")
#: Stored fields the worker does not edit but the record keeps.
KEPT = ("external_id", "gender", "birth_year", "assistance_status")
#: Where an error on a field the form does not show is reported.
ERROR_FIELD = {"hukou_county_code": "hukou_county", "hukou_address": "hukou_county"}


def _form_data(worker: dict) -> dict:
    data = {}
    for name in EDITABLE:
        value = worker.get(name)
        if isinstance(value, list):
            value = "、".join(value)
        data[name] = "" if value is None else str(value)
    return data


def _save_profile(db, form: ProfileForm, worker: dict) -> tuple[bool, list[str]]:
    """Save through ``actions.workers.edit_worker`` (the worker's own fields); returns (saved, errors not tied
    to a form field). Field errors are attached to ``form`` next to their field."""
    changes = {name: (getattr(form, name).data or "").strip() for name in EDITABLE}
    try:
        actions_workers.edit_worker(db, current_user, worker["id"], changes)
    except ActionError as exc:
        general = show_error(form, exc, aliases=ERROR_FIELD)
        return False, [f"{m}（这一项请联系工作人员修改）" for m in general]
    return True, []


@bp.get("/me/profile")
@role_required("worker")
def profile():
    db = get_db()
    worker = _own_worker(db)
    return render_template("seekers/profile.html", worker=worker, missing=thin_profile(worker))


@bp.route("/me/profile/edit", methods=["GET", "POST"])
@role_required("worker")
def profile_edit():
    db = get_db()
    worker = _own_worker(db)
    form = ProfileForm(data=_form_data(worker)) if request.method == "GET" else ProfileForm()
    general: list[str] = []
    if form.validate_on_submit():
        saved, general = _save_profile(db, form, worker)
        if saved:
            flash("资料已保存。推荐岗位已按新资料更新。", "success")
            return redirect(url_for("seekers.profile"))
    return render_template("seekers/profile_edit.html", form=form, worker=worker, general=general)
