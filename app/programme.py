"""Staff pages for the programme around the match: subsidies (due, claimed, paid), 务工证明 (PDF, sign-off,
county workbook), 点对点 transport batches and the exchange with partner provinces.

Staff and admins only (``app.web.role_required``). Each view parses its form, calls one action of
``models.actions.subsidies``, ``certificates``, ``batches`` or ``exchange`` and renders or
redirects; the rules are the actions'. A refused write shows its Chinese message (flash on the page it came
from, status 400 for forms re-shown); a record outside the staff member's scope is a 404 page.
"""
from __future__ import annotations

import io

from flask import Blueprint, abort, flash, redirect, render_template, request, send_file, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice

from app.database import get_db
from app.followups import STAFF
from app.web import role_required, show_error
from models.actions import batches as batch_actions
from models.actions import certificates as certificate_actions
from models.actions import exchange as exchange_actions
from models.actions import subsidies as subsidy_actions
from models.errors import ActionError
from models.people.pii import mask_phone
from models.programme.subsidies import STATE_LABELS, catalogue
from models.store import clock
from models.vocabulary import TRANSPORT_MODES

bp = Blueprint("programme", __name__, url_prefix="/staff")
# The subsidy rules are read and checked when the app is made: a broken data/subsidies.toml stops it at once,
# every problem named (models.programme.subsidies.SubsidyConfigError), instead of failing on a staff page.
bp.record_once(lambda _state: catalogue())

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class ClaimForm(FlaskForm):
    """登记申领 / 登记发放 on one subsidy of one placement."""

    date = StringField("日期")
    amount_yuan = StringField("金额（元）")
    note = StringField("备注")


class SignForm(FlaskForm):
    """签发务工证明."""

    note = StringField("备注")


class BatchForm(FlaskForm):
    """A new 点对点 batch."""

    name = StringField("批次名称")
    departure_county = StringField("出发区县（如 酉阳县、甘肃省东乡县）")
    city = StringField("到达城市（山东）")
    depart_date = StringField("出发日期")
    mode = SelectField("方式", choices=[SelectChoice(k, v) for k, v in TRANSPORT_MODES.items()],
                       validate_choice=False)
    carrier = StringField("承运单位")
    escorts = StringField("带队人员（姓名 电话，多人用、分隔）")
    pickup_note = TextAreaField("接站安排")
    housing_note = TextAreaField("住宿安排")


class PassengerForm(FlaskForm):
    """Add a hired worker to a batch, by 编号."""

    worker_external_id = StringField("求职者编号")


class ArriveForm(FlaskForm):
    """确认到达 (the CSRF token and the date)."""

    date = StringField("到达日期")


@bp.context_processor
def _template_globals() -> dict:
    return {"mask_phone": mask_phone}


def _back(default: str) -> str:
    target = request.form.get("next") or ""
    return target if target.startswith("/staff/") else default


# --- subsidies ----------------------------------------------------------------------------------------------

@bp.get("/subsidies")
@role_required(*STAFF)
def subsidies():
    """Every subsidy due, claimed or paid on the placements in scope; filters by subsidy and state."""
    key, state = request.args.get("key") or None, request.args.get("state") or None
    try:
        rows = subsidy_actions.list_for(get_db(), current_user, key=key, state=state)
        error = None
    except ActionError as exc:
        if exc.kind in ("not_found", "forbidden"):
            raise
        rows, error = [], exc.message
    return render_template("programme/subsidies.html", rows=rows, rules=list(catalogue()), names={s.key: s.name for s in catalogue()}, key=key, state=state,
                           states=STATE_LABELS, error=error, form=ClaimForm(), today=clock.today())


@bp.get("/subsidies.xlsx")
@role_required(*STAFF)
def subsidies_xlsx():
    workbook = subsidy_actions.workbook(get_db(), current_user, key=request.args.get("key") or None,
                                        state=request.args.get("state") or None)
    return send_file(workbook, mimetype=XLSX, as_attachment=True,
                     download_name=f"补贴名单_{clock.today().isoformat()}.xlsx")


@bp.post("/subsidies/<int:placement_id>/<key>/<step>")
@role_required(*STAFF)
def subsidy_step(placement_id: int, key: str, step: str):
    """登记申领 (``claim``) or 登记发放 (``paid``)."""
    if step not in ("claim", "paid"):
        abort(404)
    form = ClaimForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        if step == "claim":
            row = subsidy_actions.mark_claimed(get_db(), current_user, placement_id, key,
                                               claimed_on=form.date.data or None,
                                               amount_yuan=form.amount_yuan.data or None, note=form.note.data)
        else:
            row = subsidy_actions.mark_paid(get_db(), current_user, placement_id, key, paid_on=form.date.data or None,
                                            amount_yuan=form.amount_yuan.data or None)
    except ActionError as exc:
        if exc.kind in ("not_found", "forbidden"):
            raise
        flash(exc.message, "error")
        return redirect(_back(url_for(".subsidies"))), 303
    flash(f"{row['name']}：{row['subsidy_name']}{row['state_label']}", "success")
    return redirect(_back(url_for(".subsidies")))


# --- 务工证明 ------------------------------------------------------------------------------------------------

@bp.get("/certificates/<int:placement_id>.pdf")
@role_required(*STAFF)
def certificate_pdf(placement_id: int):
    content = certificate_actions.pdf(get_db(), current_user, placement_id)
    return send_file(io.BytesIO(content), mimetype="application/pdf", as_attachment=False,
                     download_name=f"务工证明_{placement_id}.pdf")


@bp.post("/certificates/<int:placement_id>/sign")
@role_required(*STAFF)
def certificate_sign(placement_id: int):
    form = SignForm()
    if not form.validate_on_submit():
        abort(400)
    data = certificate_actions.sign(get_db(), current_user, placement_id, note=form.note.data)
    flash(f"务工证明已签发：{data['certificate_no']}", "success")
    return redirect(url_for("followups.detail", placement_id=placement_id) + "#certificate")


@bp.get("/certificates/county.xlsx")
@role_required(*STAFF)
def certificates_county():
    """One county's certificates as a workbook (``?county=酉阳县``)."""
    county = request.args.get("county") or ""
    try:
        workbook = certificate_actions.county_workbook(get_db(), current_user, county)
    except ActionError as exc:
        if exc.kind in ("not_found", "forbidden"):
            raise
        flash(exc.message, "error")
        return redirect(url_for(".subsidies")), 303
    return send_file(workbook, mimetype=XLSX, as_attachment=True,
                     download_name=f"务工证明_{county}_{clock.today().isoformat()}.xlsx")


# --- 点对点输送 ---------------------------------------------------------------------------------------------

@bp.route("/batches", methods=["GET", "POST"])
@role_required(*STAFF)
def batches():
    """The batches in scope, newest first, and the form for a new one."""
    db = get_db()
    form = BatchForm(data=None if request.method == "POST" else {"depart_date": clock.today().isoformat()})
    status = 200
    if form.is_submitted():
        if not form.validate_on_submit():
            abort(400)
        try:
            batch = batch_actions.create(db, current_user, name=form.name.data, departure_county=form.departure_county.data,
                                         city=form.city.data, depart_date=form.depart_date.data, mode=form.mode.data,
                                         carrier=form.carrier.data, escorts=form.escorts.data,
                                         pickup_note=form.pickup_note.data, housing_note=form.housing_note.data)
        except ActionError as exc:
            show_error(form, exc)
            status = 400
        else:
            flash("批次已建立，请添加乘车人员", "success")
            return redirect(url_for(".batch_detail", batch_id=batch["id"]))
    return render_template("programme/batches.html", rows=batch_actions.list_for(db, current_user), form=form,
                           summary=batch_actions.summary(db, current_user), modes=TRANSPORT_MODES), status


@bp.get("/batches/<int:batch_id>")
@role_required(*STAFF)
def batch_detail(batch_id: int):
    db = get_db()
    batch = batch_actions.get(db, current_user, batch_id)
    return render_template("programme/batch.html", batch=batch, modes=TRANSPORT_MODES, form=PassengerForm(),
                           arrive_form=ArriveForm(data={"date": clock.today().isoformat()}),
                           candidates=batch_actions.candidates(db, current_user, batch_id))


@bp.post("/batches/<int:batch_id>/passengers")
@role_required(*STAFF)
def batch_add(batch_id: int):
    form = PassengerForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        batch_actions.add_passenger(get_db(), current_user, batch_id, worker_external_id=form.worker_external_id.data)
    except ActionError as exc:
        if exc.kind in ("not_found", "forbidden") and exc.field != "worker_external_id":
            raise
        flash(exc.message, "error")
        return redirect(url_for(".batch_detail", batch_id=batch_id)), 303
    flash("已加入乘车名单", "success")
    return redirect(url_for(".batch_detail", batch_id=batch_id))


@bp.post("/batches/<int:batch_id>/passengers/<worker_external_id>/arrive")
@role_required(*STAFF)
def batch_arrive(batch_id: int, worker_external_id: str):
    form = ArriveForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        batch_actions.confirm_arrival(get_db(), current_user, batch_id, worker_external_id=worker_external_id,
                                      arrived_on=form.date.data or None)
    except ActionError as exc:
        if exc.kind in ("not_found", "forbidden"):
            raise
        flash(exc.message, "error")
        return redirect(url_for(".batch_detail", batch_id=batch_id)), 303
    flash("已确认到达", "success")
    return redirect(url_for(".batch_detail", batch_id=batch_id))


@bp.get("/batches/<int:batch_id>/passengers.xlsx")
@role_required(*STAFF)
def batch_passengers_xlsx(batch_id: int):
    """The passenger list: masked (for the carrier), or ``?full=1`` in full for staff (audited)."""
    full = request.args.get("full") == "1"
    workbook = batch_actions.passenger_workbook(get_db(), current_user, batch_id, full=full)
    label = "完整" if full else "承运"
    return send_file(workbook, mimetype=XLSX, as_attachment=True,
                     download_name=f"乘车名单_{batch_id}_{label}.xlsx")


# --- 协作地区数据交换 -----------------------------------------------------------------------------------------

@bp.get("/exchange")
@role_required(*STAFF)
def exchange():
    """The partner counties the staff member may export, each with its download."""
    return render_template("programme/exchange.html", counties=exchange_actions.counties_for(get_db(), current_user))


@bp.get("/exchange.xlsx")
@role_required(*STAFF)
def exchange_xlsx():
    """One county's workers, placed and not yet placed, in the ledger layout (``?county=酉阳县``)."""
    try:
        name, workbook = exchange_actions.county_workbook(get_db(), current_user, request.args.get("county") or "",
                                                          reveal_ids=request.args.get("reveal") == "id_number")
    except ActionError as exc:
        if exc.kind in ("not_found", "forbidden"):
            raise
        flash(exc.message, "error")
        return redirect(url_for(".exchange")), 303
    return send_file(workbook, mimetype=XLSX, as_attachment=True, download_name=f"交换数据_{name}")
