"""Actions on the exchange with partner provinces: one county's workbook of its workers placed and not yet
placed (on demand), the list of counties a staff member may export, and the quarterly export of every county
(the scheduler).

The rules, each in one place:

- **A county's workbook** (:func:`county_workbook`): staff covering the county, and admins. ID numbers are
  masked unless the caller asks to reveal them (``reveal_ids``: the home county matching its own records),
  each reveal audited as ``worker.reveal_id`` with ``via = exchange``. A county outside the caller's scope is
  ``forbidden``; a name that is no county is ``invalid`` with the reason.
- **Quarterly export** (:func:`export_quarter`): admins and ``SYSTEM`` (the scheduler), every county with
  workers, written into ``TONGBANG_DATA_DIR/exchange/<year>Q<n>/`` with masked ID numbers (files at rest hold
  no full number; the 编号 of the county's own ledger is the key to match on).
"""
from __future__ import annotations

import io
from datetime import date
from pathlib import Path
from typing import Any

from models import access
from models.errors import forbidden, invalid
from models.intake.validation import ValidationError, resolve_county_anywhere
from models.people.workers import reveal_id_number
from models.programme import exchange as store
from models.store import clock
from models.store.db import audit, transaction


def counties_for(db, actor: Any) -> list[dict]:
    """The partner counties with workers that the actor may export: province, county, code."""
    if not access.is_staff(actor):
        raise forbidden("只有工作人员可以导出交换数据。")
    scope = access.Scope.of(actor)
    return [{"province": p, "county": c, "code": code} for p, c, code in store.counties(db)
            if scope.covers_county(c, code)]


def _workbook(db, actor: Any, province: str, county: str, code: str, today: date, *,
              reveal_ids: bool = False) -> io.BytesIO:
    placed, waiting = store.county_rows(db, code)
    ids = {}
    with transaction(db):
        if reveal_ids:
            for r in placed + waiting:
                ids[r["id"]] = reveal_id_number(db, r["id"], access.user_id(actor), via="exchange")
        audit(db, "exchange.exported", user_id=access.user_id(actor), entity="county", entity_id=None,
              detail={"county": f"{province}{county}", "placed": len(placed), "not_placed": len(waiting),
                      "ids_revealed": sum(1 for v in ids.values() if v)})
    return store.workbook(province, county, placed, waiting, id_numbers=ids, today=today)


def county_workbook(db, actor: Any, county: str, *, reveal_ids: bool = False) -> tuple[str, io.BytesIO]:
    """(file name, workbook) of one partner county's workers, placed and not yet placed (``reveal_ids``: full
    ID numbers, audited)."""
    if not access.is_staff(actor):
        raise forbidden("只有工作人员可以导出交换数据。")
    try:
        found = resolve_county_anywhere(county, "county")
    except ValidationError as exc:
        raise invalid(str(exc), "county") from None
    if not access.Scope.of(actor).covers_county(found.name, found.code):
        raise forbidden(f"{found.name}不在您的负责范围，不能导出该县的人员。", "county")
    today = clock.today()
    return (f"{found.province}{found.name}_{today.isoformat()}.xlsx",
            _workbook(db, actor, found.province, found.name, found.code, today, reveal_ids=reveal_ids))


def export_quarter(db, actor: Any, *, today: date | None = None) -> dict:
    """Every county's workbook into ``exchange/<quarter>/``; returns the folder and the counts."""
    if not access.is_admin(actor):
        raise forbidden("只有管理员可以导出全部区县的交换数据。")
    today = today or clock.today()
    folder: Path = store.exchange_dir(store.quarter_of(today))
    written = [store.save(folder, p, c, _workbook(db, actor, p, c, code, today)).name
               for p, c, code in store.counties(db)]
    return {"folder": str(folder), "files": len(written)}
