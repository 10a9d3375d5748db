"""The worker's own pages beyond jobs (issue 12): 我的消息, and the self-service that goes with them.

Each view parses its form, calls one action of ``models.actions`` with the session user, and renders; the
rules (whose message, who may do what) are the actions'. A refused action shows its Chinese message (as a
flash on the page it came from); a record the user may not know about is the 404 page.
"""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import StringField

from app.database import get_db
from app.web import role_required, show_error
from models.actions import contacts as contact_actions
from models.actions import messages as message_actions
from models.actions import placements as placement_actions
from models.actions import skills as skill_actions
from models.errors import ActionError
from models.store import clock
from models.vocabulary import PLACEMENT_CLAIM_LABELS

bp = Blueprint("me", __name__)

#: Messages per page on 我的消息 (newest first; 更多 loads the next page).
MESSAGES_PER_PAGE = 20


class TokenForm(FlaskForm):
    """A button that posts nothing but the CSRF token."""


def _page() -> int:
    try:
        return max(1, int(request.args.get("page", 1)))
    except (TypeError, ValueError):
        return 1


@bp.app_context_processor
def _contact_globals() -> dict:
    """``my_contact()`` for templates: the signed-in worker's responsible staff member (None for other roles),
    computed only when a page shows it."""
    def my_contact():
        if getattr(current_user, "role", None) != "worker" or current_user.worker_id is None:
            return None
        try:
            return contact_actions.contact_for(get_db(), current_user)
        except ActionError:
            return None
    return {"my_contact": my_contact, "job_answers": job_answers}


#: What a job page says when the posting does not say it, read off its benefits (包吃住 → 包吃, 包住).
BENEFIT_HINTS = {"meals": (("包吃住", "包吃，具体问单位"), ("包吃", "包吃，具体问单位"), ("餐补", "有餐补")),
                 "housing": (("包吃住", "包住，具体问单位"), ("夫妻房", "有夫妻房"), ("包住", "包住，具体问单位")),
                 "shifts": (("长白班", "长白班（不上夜班）"), ("两班倒", "两班倒"))}


def job_answers(job: dict) -> dict:
    from models.programme.batches import batches_for_job
    from models.programme.subsidies import eligible_for

    """What a migrant worker asks about a job beyond pay: where exactly, how far from home (for a signed-in
    worker), food, housing, shifts and pay day — the posting's own words, else what its benefits say."""
    benefits = job.get("benefits") or []
    answers = {"work_address": job.get("work_address"), "pay_day": job.get("pay_day")}
    for key, hints in BENEFIT_HINTS.items():
        answers[key] = job.get(key) or next((text for word, text in hints if word in benefits), None)
    answers["distance"] = None
    answers["subsidies"] = []
    # 点对点 batches going to the posting's city (who escorts, when, where to board)
    answers["batches"] = batches_for_job(get_db(), job) if job.get("status") == "open" else []
    if getattr(current_user, "role", None) == "worker" and current_user.worker_id is not None:
        from models.intake.seats import job_distance
        from models.people.workers import get_worker

        worker = get_worker(get_db(), current_user.worker_id)
        answers["distance"] = job_distance(worker, job) if worker else None
        # the subsidies this worker would receive for working there, and from when (data/subsidies.toml)
        answers["subsidies"] = eligible_for(get_db(), current_user.worker_id, job) if worker else []
    return answers


# --- 联系工作人员 -------------------------------------------------------------------------------------------

@bp.get("/me/contact")
@role_required("worker")
def contact():
    """联系工作人员: who is responsible for the worker, their work phone (tap to call) and office."""
    return render_template("me/contact.html", contact=contact_actions.contact_for(get_db(), current_user))


# --- 我的消息 ----------------------------------------------------------------------------------------------

@bp.get("/me/messages")
@role_required("worker")
def messages():
    """The worker's messages, newest first, unread ones marked; 全部标为已读 and 更多."""
    db = get_db()
    page = _page()
    rows, total = message_actions.list_for(db, current_user, limit=page * MESSAGES_PER_PAGE)
    return render_template("me/messages.html", rows=rows, total=total, form=TokenForm(),
                           more=url_for(".messages", page=page + 1) if total > len(rows) else None)


@bp.post("/me/messages/<int:message_id>/read")
@role_required("worker")
def message_read(message_id: int):
    """Mark one message read, then open its link (or go back to the list)."""
    if not TokenForm().validate_on_submit():
        abort(400)
    message_actions.mark_read(get_db(), current_user, message_id)
    target = request.form.get("go")
    if target and target.startswith("/") and not target.startswith("//"):
        return redirect(target)
    return redirect(url_for(".messages"))


@bp.post("/me/messages/read")
@role_required("worker")
def messages_read_all():
    """全部标为已读."""
    if not TokenForm().validate_on_submit():
        abort(400)
    changed = message_actions.mark_read(get_db(), current_user)
    flash(f"已将 {changed} 条消息标为已读。" if changed else "没有未读消息。", "success")
    return redirect(url_for(".messages"))


# --- 我已找到工作 ----------------------------------------------------------------------------------------------

class FoundJobForm(FlaskForm):
    employer_name = StringField("在哪个单位上班")
    title = StringField("做什么工作")
    city = StringField("在哪个城市")
    start_date = StringField("哪天开始上班", render_kw={"type": "date"})


@bp.route("/me/found-job", methods=["GET", "POST"])
@role_required("worker")
def found_job():
    """我已找到工作: the worker reports the job; staff confirm it into a placement."""
    db = get_db()
    form = FoundJobForm(data={"start_date": clock.today().isoformat()}) if request.method == "GET" else FoundJobForm()
    status = 200
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400)
        try:
            placement_actions.report_found_job(
                db, current_user, employer_name=form.employer_name.data or "", title=form.title.data or "",
                city=form.city.data, start_date=form.start_date.data or None)
        except ActionError as exc:
            show_error(form, exc)
            status = 400
        else:
            flash("已登记，工作人员核实后会确认。恭喜您找到工作！", "success")
            return redirect(url_for(".found_job"))
    return render_template("me/found_job.html", form=form, claims=placement_actions.list_found_jobs(db, current_user),
                           labels=PLACEMENT_CLAIM_LABELS), status


# --- 我的投递: the employer's contact once they responded ------------------------------------------------------

#: Statuses after which the employer has responded: the worker sees the employer's contact.
RESPONDED = ("已联系", "面试", "录用")


def employer_contact(application: dict) -> dict | None:
    """The employer's contact person and phone for an application the employer has responded to (已联系, 面试,
    录用), else None: before that the worker waits for the employer's call, as the employer decides."""
    if application.get("status") not in RESPONDED or not application.get("employer_id"):
        return None
    from models.people.employers import get_employer

    employer = get_employer(get_db(), application["employer_id"])
    if not employer or not (employer.get("contact_phone") or employer.get("contact_name")):
        return None
    return {"name": employer.get("contact_name"), "phone": employer.get("contact_phone")}


@bp.app_context_processor
def _application_globals() -> dict:
    """``employer_contact(application)`` for 我的投递 (the answers themselves are ``seekers.answer``)."""
    return {"employer_contact": employer_contact}


# --- 学个证 (skill gaps) ------------------------------------------------------------------------------------------

@bp.get("/me/skills")
@role_required("worker")
def skills():
    """The certificates that would open the most postings to the worker, each linked to its courses."""
    return render_template("me/skills.html", gaps=skill_actions.gaps(get_db(), current_user))
