"""The 疑似重复 page for staff: worker records that may be one person (same ID number; same name, birth and
county; same phone), each pair side by side with what it holds, and for each: merge into the left record,
merge into the right one, or mark as two people.

Thin wiring over ``models.actions.duplicates`` (the rules: who sees which pairs, which pairs may be merged,
what a merge keeps); staff and admins only.
"""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import HiddenField, IntegerField
from wtforms.validators import InputRequired

from app.database import get_db
from app.web import role_required
from models.actions import duplicates as actions
from models.errors import ActionError

bp = Blueprint("duplicates", __name__, url_prefix="/staff/duplicates")
staff_only = role_required("staff", "admin")


class PairForm(FlaskForm):
    """One decision on a pair: keep ``keep_id``, fold ``merge_id`` into it (or mark them as two people)."""

    keep_id = IntegerField(validators=[InputRequired()])
    merge_id = IntegerField(validators=[InputRequired()])
    decision = HiddenField()


@bp.get("/")
@staff_only
def queue():
    pairs = actions.queue(get_db(), current_user)
    return render_template("duplicates/queue.html", pairs=pairs, form=PairForm(formdata=None))


@bp.post("/merge")
@staff_only
def merge():
    form = PairForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        worker = actions.merge(get_db(), current_user, form.keep_id.data, form.merge_id.data)
    except ActionError as exc:
        if exc.kind in ("not_found", "forbidden"):
            raise
        flash(exc.message, "error")
        return redirect(url_for(".queue"))
    moved = worker["merged"]["moved"]
    flash(f"已合并：编号 {worker['merged']['merged']} 并入 {worker['external_id']}（投递 {moved.get('applications', 0)}、"
          f"就业记录 {moved.get('placements', 0)} 条随之保留）。", "success")
    return redirect(url_for(".queue"))


@bp.post("/dismiss")
@staff_only
def dismiss():
    form = PairForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        actions.dismiss(get_db(), current_user, form.keep_id.data, form.merge_id.data)
    except ActionError as exc:
        if exc.kind in ("not_found", "forbidden"):
            raise
        flash(exc.message, "error")
    else:
        flash("已标记为不同的人，不再提示。", "success")
    return redirect(url_for(".queue"))
