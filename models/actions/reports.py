"""Actions on lists and reports: the transport-subsidy list and its workbook, the annual report workbook, the
dashboard's figures, and the province-wide workbooks the scheduler saves.

The rules, each in one place:

- Everything a staff member downloads or sees is counted within their ``models.access.Scope`` (the subsidy
  list names people: only the placements their scope covers; the annual workbook's every sheet likewise).
  Staff, admins and ``SYSTEM`` only.
- The annual workbook exists for the years 2000 to this year; another year is ``not_found``.
- The saved workbooks (``save_annual``, written by the scheduler on 1 December) are province-wide: only
  admins list and open them, and only admins and ``SYSTEM`` write them.
"""
from __future__ import annotations

import io
from datetime import date
from pathlib import Path
from typing import Any

from models import access
from models.errors import forbidden, not_found
from models.placement import reports as store
from models.placement import stability
from models.store import clock

FIRST_YEAR = 2000


def _scope(actor: Any) -> access.Scope:
    if not access.is_staff(actor):
        raise forbidden("只有工作人员可以查看统计和报表。")
    return access.Scope.of(actor)


def subsidy_list(db, actor: Any) -> list[dict]:
    """Placements the actor covers that qualify for the transport subsidy (masked IDs only)."""
    return stability.subsidy_list(db, clock.today(), _scope(actor))


def subsidy_workbook(db, actor: Any) -> io.BytesIO:
    """:func:`subsidy_list` as an .xlsx workbook."""
    rows = subsidy_list(db, actor)
    return stability.export_subsidy_xlsx(rows, today=clock.today())


def annual_workbook(db, actor: Any, year: int) -> io.BytesIO:
    """The annual report workbook for ``year`` as of today, within the actor's scope. A past year is counted
    as of today too: its cohort's 3- and 6-month confirmations keep arriving after 31 December."""
    scope = _scope(actor)
    today = clock.today()
    if not FIRST_YEAR <= year <= today.year:
        raise not_found(f"没有 {year} 年的年度报表（可选 {FIRST_YEAR}–{today.year} 年）。", "year")
    return store.annual_report_bytes(db, year, today, scope)


def dashboard(db, actor: Any) -> dict:
    """The dashboard's chart data and the employer retention table, within the actor's scope."""
    scope = _scope(actor)
    today = clock.today()
    return {"today": today, "data": store.dashboard_data(db, today, scope),
            "retention": stability.retention_table(db, today, scope)}


def saved_reports(actor: Any) -> list[str]:
    """Names of the province-wide workbooks the scheduler saved, newest first: for admins (nobody else)."""
    _scope(actor)
    return [p.name for p in store.saved_reports()] if access.is_admin(actor) else []


def saved_report(actor: Any, name: str) -> Path:
    """One saved province-wide workbook (admins); the name must be one the folder lists."""
    if name not in saved_reports(actor):
        raise not_found("找不到该报表。", "name")
    return store.reports_dir() / name


def save_annual(db, actor: Any, year: int, *, today: date | None = None) -> Path:
    """Write the province-wide annual workbook for ``year`` as of ``today`` (the scheduler, as ``SYSTEM``,
    passes its own; or an admin)."""
    if not access.is_admin(actor):
        raise forbidden("只有管理员可以生成全省年度报表。")
    return store.save_annual_report(db, year, today or clock.today())
