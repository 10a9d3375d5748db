"""Staff pages for 劳务品牌: the list with each brand's figures and a form to create one
(``/staff/brands``), and one brand (``/staff/brands/<id>``) with its courses, partner employers and the workers
the staff member covers, with forms to add a worker (by 编号) and an employer (by name).

Staff and admins only; each form calls one action of ``models.actions.brands`` (the API's too)."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import StringField, TextAreaField

from app.database import get_db
from app.followups import show_error
from app.web import role_required
from models.actions import brands as actions
from models.errors import ActionError

bp = Blueprint("brands", __name__, url_prefix="/staff/brands")
STAFF = ("staff", "admin")


class BrandForm(FlaskForm):
    name = StringField("品牌名称")
    county = StringField("所属区县")
    trade = StringField("工种")
    description = TextAreaField("品牌介绍")


class LinkWorkerForm(FlaskForm):
    worker_external_id = StringField("求职者编号")


class LinkEmployerForm(FlaskForm):
    employer_name = StringField("用人单位名称")


def _as_invalid(exc: ActionError) -> ActionError:
    if exc.kind in ("not_found", "conflict") and exc.field:
        return ActionError(exc.message, field=exc.field, kind="invalid", errors=exc.errors)
    return exc


@bp.route("/", methods=["GET", "POST"])
@role_required(*STAFF)
def brands():
    db = get_db()
    form = BrandForm()
    status = 200
    if form.is_submitted():
        if not form.validate_on_submit():
            abort(400)
        try:
            brand = actions.create_brand(db, current_user, {k: getattr(form, k).data
                                                            for k in ("name", "county", "trade", "description")})
        except ActionError as exc:
            show_error(form, _as_invalid(exc))
            status = 400
        else:
            flash("劳务品牌已创建", "success")
            return redirect(url_for(".brand", brand_id=brand["id"]))
    return render_template("brands/list.html", brands=actions.list_brands(db, current_user), form=form), status


def _render(brand_id: int, worker_form=None, employer_form=None, status: int = 200):
    return render_template("brands/detail.html", brand=actions.get_brand(get_db(), current_user, brand_id),
                           worker_form=worker_form or LinkWorkerForm(),
                           employer_form=employer_form or LinkEmployerForm()), status


@bp.get("/<int:brand_id>")
@role_required(*STAFF)
def brand(brand_id: int):
    return _render(brand_id)


@bp.post("/<int:brand_id>/workers")
@role_required(*STAFF)
def link_worker(brand_id: int):
    form = LinkWorkerForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        actions.link_worker(get_db(), current_user, brand_id, worker_external_id=form.worker_external_id.data)
    except ActionError as exc:
        if exc.field is None:
            raise
        show_error(form, _as_invalid(exc))
        return _render(brand_id, worker_form=form, status=400)
    flash("已加入品牌", "success")
    return redirect(url_for(".brand", brand_id=brand_id))


@bp.post("/<int:brand_id>/employers")
@role_required(*STAFF)
def link_employer(brand_id: int):
    form = LinkEmployerForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        actions.link_employer(get_db(), current_user, brand_id, employer_name=form.employer_name.data)
    except ActionError as exc:
        if exc.field is None or exc.kind == "forbidden":
            raise
        show_error(form, _as_invalid(exc))
        return _render(brand_id, employer_form=form, status=400)
    flash("已添加合作单位", "success")
    return redirect(url_for(".brand", brand_id=brand_id))
