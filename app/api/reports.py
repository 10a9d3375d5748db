"""``/api/v1/reports``: the workbooks staff download, within the caller's scope (``models.actions.reports``,
the same actions as the staff report pages).

- ``GET /reports/annual/<year>.xlsx``: the annual report workbook (SCHEMA.md), 404 for a year without one;
- ``GET /reports/subsidy.xlsx``: the transport-subsidy list.

Staff and admins; other roles get 403.
"""
from __future__ import annotations

from flask import send_file

from app.api import bp
from app.api.auth import current_user, roles_required
from app.api.openapi import doc
from app.database import get_db
from models.actions import reports as actions
from models.store import clock

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@bp.get("/reports/annual/<int:year>.xlsx")
@roles_required("staff", "admin")
@doc("年度报表（Excel，按调用者负责范围）", tags=("reports",), errors=(403, 404))
def reports_annual(year: int):
    """The annual workbook for ``year``: by county of origin, by Shandong city, the subsidy list, notes."""
    workbook = actions.annual_workbook(get_db(), current_user(), year)
    return send_file(workbook, mimetype=XLSX, as_attachment=True, download_name=f"tongbang_annual_{year}.xlsx")


@bp.get("/reports/subsidy.xlsx")
@roles_required("staff", "admin")
@doc("交通补贴符合条件名单（Excel，按调用者负责范围）", tags=("reports",), errors=(403,))
def reports_subsidy():
    """Placements that qualify for the transport subsidy, with masked ID numbers."""
    workbook = actions.subsidy_workbook(get_db(), current_user())
    return send_file(workbook, mimetype=XLSX, as_attachment=True,
                     download_name=f"tongbang_subsidy_{clock.today().isoformat()}.xlsx")
