"""Staff pages for results: the dashboard (charts), employer retention, the subsidy list and annual report
downloads, and 数据比对 (assistance-list comparison) upload, review and apply.

Staff and admins only (``app.web.role_required``). Every figure and list is the caller's scope's, through
``models.actions.reports`` and ``models.actions.comparisons``; a comparison is seen by the staff member who
ran it and admins, and the province-wide workbooks the scheduler saves by admins. Charts use the vendored
Chart.js (``static/vendor/chartjs``), fed by JSON embedded in the page, so everything works offline.
"""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, send_file, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import SelectField
from wtforms.fields.choices import SelectChoice

from app.database import get_db
from app.followups import STAFF
from app.scheduler import last_runs
from app.web import role_required, show_error
from models.actions import batches as batch_actions
from models.actions import comparisons
from models.actions import reports as report_actions
from models.errors import ActionError
from models.placement.comparison import KINDS
from models.programme.subsidies import transport
from models.store import clock
from models.vocabulary import LIST_STATUSES

bp = Blueprint("dashboard", __name__, url_prefix="/staff")

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class ComparisonForm(FlaskForm):
    """An official 脱贫/监测 list to compare with the platform."""

    list_status = SelectField("名单类型", choices=[SelectChoice(s, s) for s in LIST_STATUSES], validate_choice=False)
    file = FileField("名单文件（.xlsx 或 .csv）")


class ApplyForm(FlaskForm):
    """确认更新 on a comparison (the CSRF token only)."""


@bp.get("/dashboard")
@role_required(*STAFF)
def dashboard():
    """Placements per month, stability by start-month cohort, by county and city, employer retention."""
    db = get_db()
    figures = report_actions.dashboard(db, current_user)
    return render_template("placements/dashboard.html", data=figures["data"], today=figures["today"],
                           retention=figures["retention"], runs=last_runs(db, 8),
                           moved=batch_actions.summary(db, current_user))


@bp.get("/reports")
@role_required(*STAFF)
def reports():
    """Transport-subsidy list (in scope) and the annual report downloads."""
    today = clock.today()
    return render_template("placements/reports.html", rows=report_actions.subsidy_list(get_db(), current_user),
                           rule=transport(), today=today, years=list(range(today.year, today.year - 4, -1)),
                           saved=report_actions.saved_reports(current_user))


@bp.get("/reports/subsidy.xlsx")
@role_required(*STAFF)
def subsidy_xlsx():
    workbook = report_actions.subsidy_workbook(get_db(), current_user)
    return send_file(workbook, mimetype=XLSX, as_attachment=True,
                     download_name=f"交通补贴名单_{clock.today().isoformat()}.xlsx")


@bp.get("/reports/annual/<int:year>.xlsx")
@role_required(*STAFF)
def annual_xlsx(year: int):
    workbook = report_actions.annual_workbook(get_db(), current_user, year)
    return send_file(workbook, mimetype=XLSX, as_attachment=True, download_name=f"同帮年度报表_{year}.xlsx")


@bp.get("/reports/saved/<name>")
@role_required(*STAFF)
def saved_report(name: str):
    """A province-wide workbook the scheduler saved (admins)."""
    return send_file(report_actions.saved_report(current_user, name), mimetype=XLSX, as_attachment=True,
                     download_name=name)


@bp.route("/comparison", methods=["GET", "POST"])
@role_required(*STAFF)
def comparison():
    """Upload a 脱贫/监测 list; shows the staff member's earlier comparisons."""
    db = get_db()
    form = ComparisonForm()
    status = 200
    if form.is_submitted():
        if not form.validate_on_submit():
            abort(400)
        upload = form.file.data
        try:
            summary = comparisons.run(db, current_user, getattr(upload, "filename", "") or "",
                                      upload.read() if upload else b"", form.list_status.data)
        except ActionError as exc:
            show_error(form, exc)
            status = 400
        else:
            flash("比对完成：请核对结果，确认后再更新帮扶身份", "success")
            return redirect(url_for(".comparison_result", batch_id=summary.batch_id))
    return render_template("placements/comparison.html", form=form, kinds=KINDS,
                           batches=comparisons.list_batches(db, current_user)), status


@bp.get("/comparison/<int:batch_id>")
@role_required(*STAFF)
def comparison_result(batch_id: int):
    batch, rows = comparisons.get(get_db(), current_user, batch_id)
    return render_template("placements/comparison_result.html", batch=batch, rows=rows, kinds=KINDS,
                           kind=request.args.get("kind"), apply_form=ApplyForm())


@bp.post("/comparison/<int:batch_id>/apply")
@role_required(*STAFF)
def comparison_apply(batch_id: int):
    if not ApplyForm().validate_on_submit():
        abort(400)
    try:
        result = comparisons.apply(get_db(), current_user, batch_id)
    except ActionError as exc:
        if exc.kind in ("not_found", "forbidden"):
            raise
        flash(exc.message, "error")
    else:
        flash(f"已更新 {result['applied']} 人的帮扶身份"
              + (f"；{result['skipped']} 人上传后已被修改，未更新" if result["skipped"] else "")
              + (f"；{result['out_of_scope']} 人不在您的负责范围，未更新" if result["out_of_scope"] else ""),
              "success")
    return redirect(url_for(".comparison_result", batch_id=batch_id))
