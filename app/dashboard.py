"""Staff pages for results: the dashboard (charts), employer retention, the subsidy list and annual
report downloads, and 数据比对 (assistance-list comparison) upload, review and apply.

Staff/admin only; lists of people are limited to the staff member's scope. Charts use the vendored
Chart.js (``static/vendor/chartjs``), fed by JSON embedded in the page, so everything works offline.
"""
from __future__ import annotations

from datetime import date

from flask import Blueprint, abort, flash, redirect, render_template, request, send_file, url_for

from app.database import get_db
from app.followups import current_staff, staff_only, staff_scope, template_context, user_id
from models import access as permissions
from models.placement.comparison import (
    KINDS,
    LIST_STATUSES,
    ComparisonError,
    apply_batch,
    compare_file,
    get_batch,
    list_batches,
)
from models.placement.reports import annual_report_bytes, dashboard_data, reports_dir, saved_reports
from models.placement.stability import export_subsidy_xlsx, retention_table, subsidy_list
from models.placement.stability_rules import TRANSPORT_SUBSIDY
from models.store.clock import today as clock_today

bp = Blueprint("dashboard", __name__, url_prefix="/staff")
bp.before_request(staff_only)
bp.context_processor(template_context)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@bp.get("/dashboard")
def dashboard():
    """Placements per month, stability by start-month cohort, by county and city, employer retention."""
    from app.scheduler import last_runs

    db = get_db()
    today = clock_today()
    data = dashboard_data(db, today, staff_scope())
    return render_template("placements/dashboard.html", data=data, today=today,
                           retention=retention_table(db, today), runs=last_runs(db, 8))


@bp.get("/reports")
def reports():
    """Transport-subsidy list (in scope) and the annual report."""
    today = clock_today()
    rows = subsidy_list(get_db(), today, staff_scope())
    return render_template("placements/reports.html", rows=rows, rule=TRANSPORT_SUBSIDY, today=today,
                           years=list(range(today.year, today.year - 4, -1)),
                           saved=[p.name for p in saved_reports()])


@bp.get("/reports/subsidy.xlsx")
def subsidy_xlsx():
    today = clock_today()
    rows = subsidy_list(get_db(), today, staff_scope())
    return send_file(export_subsidy_xlsx(rows, today=today), mimetype=XLSX, as_attachment=True,
                     download_name=f"交通补贴名单_{today.isoformat()}.xlsx")


@bp.get("/reports/annual/<int:year>.xlsx")
def annual_xlsx(year: int):
    today = clock_today()
    if not 2000 <= year <= today.year:
        abort(404)
    as_of = min(today, date(year, 12, 31))
    return send_file(annual_report_bytes(get_db(), year, as_of), mimetype=XLSX, as_attachment=True,
                     download_name=f"同帮年度报表_{year}.xlsx")


@bp.get("/reports/saved/<name>")
def saved_report(name: str):
    """A workbook the scheduler saved (names are checked against the folder listing)."""
    if name not in {p.name for p in saved_reports()}:
        abort(404)
    return send_file(reports_dir() / name, mimetype=XLSX, as_attachment=True, download_name=name)


@bp.route("/comparison", methods=["GET", "POST"])
def comparison():
    """Upload a 脱贫/监测 list; shows earlier comparisons."""
    db = get_db()
    error = None
    if request.method == "POST":
        upload = request.files.get("file")
        if not upload or not upload.filename:
            error = "请选择要上传的名单文件（.xlsx 或 .csv）"
        else:
            try:
                summary = compare_file(db, upload.filename, upload.read(),
                                       list_status=request.form.get("list_status", ""), user_id=user_id())
            except ComparisonError as exc:
                error = str(exc)
            else:
                flash("比对完成：请核对结果，确认后再更新帮扶身份", "success")
                return redirect(url_for(".comparison_result", batch_id=summary.batch_id))
    return render_template("placements/comparison.html", batches=list_batches(db), statuses=LIST_STATUSES,
                           kinds=KINDS, error=error), (400 if error else 200)


@bp.get("/comparison/<int:batch_id>")
def comparison_result(batch_id: int):
    db = get_db()
    batch, rows = get_batch(db, batch_id)
    if batch is None:
        abort(404)
    rows = _in_scope(db, rows)
    return render_template("placements/comparison_result.html", batch=batch, rows=rows, kinds=KINDS,
                           kind=request.args.get("kind"))


@bp.post("/comparison/<int:batch_id>/apply")
def comparison_apply(batch_id: int):
    db = get_db()
    batch, rows = get_batch(db, batch_id)
    if batch is None:
        abort(404)
    changed = [r for r in rows if r["kind"] == "changed"]
    if len(_in_scope(db, changed)) < len(changed):
        flash("这批结果包含您负责范围以外的人员，请由管理员确认更新", "error")
        return redirect(url_for(".comparison_result", batch_id=batch_id))
    try:
        result = apply_batch(db, batch_id, user_id())
    except ComparisonError:
        abort(404)
    if result["already"]:
        flash("这批比对结果已经确认过", "error")
    else:
        flash(f"已更新 {result['applied']} 人的帮扶身份" +
              (f"；{result['skipped']} 人上传后已被修改，未更新" if result["skipped"] else ""), "success")
    return redirect(url_for(".comparison_result", batch_id=batch_id))


def _in_scope(db, rows: list[dict]) -> list[dict]:
    """Hide platform workers outside a scoped staff member's counties/cities (uploaded rows stay)."""
    user = current_staff()
    if permissions.staff_scope(user) is None:
        return rows
    ids = {r["worker_id"] for r in rows if r["worker_id"]}
    workers = {}
    if ids:
        cur = db.execute(f"SELECT id, hukou_county, hukou_county_code, desired_cities FROM workers"
                         f" WHERE id IN ({','.join('?' * len(ids))})", tuple(ids))
        workers = {r[0]: dict(zip(("id", "hukou_county", "hukou_county_code", "desired_cities"), r)) for r in cur}
    return [r for r in rows if not r["worker_id"]
            or permissions.staff_covers_worker(user, workers.get(r["worker_id"], {}))]
