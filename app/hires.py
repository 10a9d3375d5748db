"""录用 taken back the same day, from the employer's 投递管理 (and by staff covering the application).

``hire_undoable(application)`` tells a template whether to offer 撤销录用 (hired today, no follow-up yet); the
rule itself is ``models.actions.hires.undo_hire``, which the POST calls.
"""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm

from app.database import get_db
from app.web import role_required
from models.actions import hires
from models.errors import ActionError
from models.store import clock

bp = Blueprint("hires", __name__)


@bp.app_context_processor
def _globals() -> dict:
    def hire_undoable(application: dict) -> bool:
        if application.get("status") != "录用":
            return False
        row = get_db().execute("SELECT p.created_at, (SELECT COUNT(*) FROM follow_ups f WHERE f.placement_id = p.id)"
                               " FROM placements p WHERE p.application_id = ? ORDER BY p.id DESC LIMIT 1",
                               (application["id"],)).fetchone()
        return bool(row) and not row[1] and hires._local_day(row[0]) == clock.today()
    return {"hire_undoable": hire_undoable}


@bp.post("/employer/applications/<int:application_id>/undo-hire")
@role_required("employer", "staff", "admin")
def undo_hire(application_id: int):
    """撤销录用 (today only)."""
    if not FlaskForm().validate_on_submit():
        abort(400)
    try:
        row = hires.undo_hire(get_db(), current_user, application_id)
    except ActionError as exc:
        if exc.kind in ("not_found", "forbidden"):
            raise
        flash(exc.message, "error")
    else:
        flash(f"已撤销录用：{row['worker_name']}，投递回到“{row['status']}”。", "success")
    back = request.form.get("next")
    if back and back.startswith("/") and not back.startswith("//"):
        return redirect(back)
    return redirect(url_for("employers.applications"))
