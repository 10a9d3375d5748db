"""Exchange with partner provinces: per partner county, its workers placed and not yet placed, in the column
layout of the worker ledgers Tongbang imports (SCHEMA.md: 编号, 姓名, 身份证号, … with the Chinese labels
of ``models.intake.records.WORKER_FIELDS``), so the home county can update its own records (and a file
imported back into Tongbang updates nothing it should not: the extra 就业 columns are ignored by the import).

Sheets: 已就业 (workers with a placement 在岗 now), 未就业 (everyone else of the county: never placed, or
left), 说明. Each row adds 就业状态, 用人单位, 工作城市, 岗位, 入职日期, 离职日期 after the ledger columns.
ID numbers are masked unless the caller supplies full ones (``id_numbers``): the action reveals them on
request, audited, only to staff covering the county.

``write_quarterly(db, quarter, ...)`` writes every county's workbook into
``TONGBANG_DATA_DIR/exchange/<quarter>/`` for the scheduler.
"""
from __future__ import annotations

import io
import json
import os
from datetime import date
from pathlib import Path

import sqlite_utils

from models.intake.records import WORKER_FIELDS
from models.store.config import data_dir

#: The ledger's columns, as Tongbang imports them (stored fields only), then the placement's.
LEDGER_FIELDS = [name for name, spec in WORKER_FIELDS.items() if spec.stored]
PLACEMENT_COLUMNS = [("placement_status", "就业状态"), ("employer_name", "用人单位"), ("city", "工作城市"),
                     ("title", "岗位"), ("start_date", "入职日期"), ("end_date", "离职日期")]
_LIST_FIELDS = ("skills", "certificates", "desired_cities", "needs")


def counties(db: sqlite_utils.Database) -> list[tuple[str, str, str]]:
    """Every partner county with workers on the platform: (province, county, code), by code."""
    rows = db.execute("SELECT DISTINCT hukou_province, hukou_county, hukou_county_code FROM workers"
                      " WHERE hukou_county_code IS NOT NULL ORDER BY hukou_county_code").fetchall()
    return [(r[0] or "", r[1] or "", r[2]) for r in rows]


def county_rows(db: sqlite_utils.Database, code: str) -> tuple[list[dict], list[dict]]:
    """(placed, not placed) workers of the county with this code, each with its latest placement's columns."""
    cur = db.execute(
        "SELECT w.*, p.status AS placement_status_raw, p.employer_name, p.city, p.title, p.start_date, p.end_date"
        " FROM workers w LEFT JOIN placements p ON p.id = (SELECT p2.id FROM placements p2 WHERE p2.worker_id = w.id"
        " ORDER BY p2.status = '在岗' DESC, p2.start_date DESC, p2.id DESC LIMIT 1)"
        " WHERE w.hukou_county_code = ? ORDER BY w.external_id", (code,))
    names = [c[0] for c in cur.description]
    placed, waiting = [], []
    for row in cur.fetchall():
        r = dict(zip(names, row))
        for f in _LIST_FIELDS:
            r[f] = "、".join(json.loads(r[f] or "[]"))
        status = r.pop("placement_status_raw")
        r["placement_status"] = {"在岗": "在岗", "离职": "已离职"}.get(status, "未就业")
        (placed if status == "在岗" else waiting).append(r)
    return placed, waiting


def workbook(province: str, county: str, placed: list[dict], waiting: list[dict], *,
             id_numbers: dict[int, str | None], today: date) -> io.BytesIO:
    """The county's exchange workbook; ``id_numbers`` by worker id (missing: the masked number)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    headers = [WORKER_FIELDS[f].label for f in LEDGER_FIELDS] + [label for _, label in PLACEMENT_COLUMNS]
    wb = Workbook()
    for index, (title, rows) in enumerate((("已就业", placed), ("未就业", waiting))):
        ws = wb.active if index == 0 else wb.create_sheet()
        ws.title = title
        ws.append(headers)
        for c in ws[1]:
            c.font = Font(bold=True)
        for r in rows:
            values = [id_numbers.get(r["id"]) or r.get("id_masked") if f == "id_number" else r.get(f)
                      for f in LEDGER_FIELDS]
            ws.append(values + [r.get(k) for k, _ in PLACEMENT_COLUMNS])
        ws.freeze_panes = "C2"
    notes = wb.create_sheet("说明")
    for line in ((f"{province}{county}：在同帮平台登记的求职者 {len(placed) + len(waiting)} 人，其中在岗 {len(placed)} 人"
                 f"（截至 {today.isoformat()}）。"),
                 ("列与同帮导入的求职者台账相同（编号、姓名、身份证号……），可直接用于更新本县台账；"
                 "就业状态及其后各列为平台的就业记录（导入同帮时忽略）。"),
                 "“已就业”为目前在岗的人员；“未就业”包括从未就业和已离职的人员（已离职者列出最近一次就业）。",
                 ("本表含完整身份证号，仅供户籍地工作人员使用，请勿外传。" if id_numbers else
                  "身份证号已脱敏；请按编号（即本县台账的编号）核对。")):
        notes.append([line])
    notes.column_dimensions["A"].width = 100
    buffer = io.BytesIO()
    wb.save(buffer)
    buffer.seek(0)
    return buffer


def exchange_dir(quarter: str) -> Path:
    folder = data_dir() / "exchange" / quarter
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def save(folder: Path, province: str, county: str, content: io.BytesIO) -> Path:
    """Write one county's workbook atomically; return its path."""
    path = folder / f"{province}{county}.xlsx"
    tmp = path.with_suffix(f".tmp{os.getpid()}")
    tmp.write_bytes(content.getvalue())
    os.replace(tmp, path)
    return path


def quarter_of(day: date) -> str:
    return f"{day.year}Q{(day.month - 1) // 3 + 1}"
