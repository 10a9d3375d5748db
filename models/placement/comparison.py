"""数据比对: compare the latest official list of 脱贫享受政策人口 / 防止返贫监测对象 with the platform.

Staff upload a list (XLSX or CSV; columns ID number and name, optionally 帮扶身份). Each row is matched to
a worker by the keyed hash of the ID number (``models.people.pii.id_hash``) — full ID numbers are never stored
or shown, only masked. The comparison is a two-step process so nothing is overwritten silently:

1. ``compare_file`` records a batch and one row per finding, changing nothing:
   - ``matched``: on the list and on the platform, same name and status;
   - ``changed``: same person, but the platform's assistance status differs (a proposed update);
   - ``mismatched``: ID found but the name differs — possibly a typo or a wrong ID; never updated;
   - ``new``: on the list but not registered on the platform;
   - ``dropped``: registered with this status on the platform but no longer on the list (for staff to
     check — the platform does not guess what their status is now);
   - ``bad``: unreadable rows (missing name, invalid ID number, duplicate ID in the file).
2. ``apply_batch`` (a staff member confirms) applies the ``changed`` rows, each audit-logged with old and
   new status; a worker edited since the upload (status no longer the old one) is skipped and reported.

Both steps work within a ``models.access.Scope`` (a required argument): the list is compared with the
workers the scope covers. A row whose ID number belongs to a worker outside the scope is reported as
``bad`` ("不在您的负责范围") without that worker's name or status, and ``dropped`` lists only workers in
scope. Applying updates only workers the applier's scope covers at that moment. Who may run, open and
apply a comparison is ``models.actions.comparisons``.
"""
from __future__ import annotations

import io
import json
from dataclasses import dataclass, field
from pathlib import Path

import sqlite_utils

from models.access import Scope
from models.errors import ActionError
from models.intake import spreadsheets
from models.intake.validation import check_id_number
from models.people.pii import id_hash, mask_id
from models.store.db import audit, transaction, utcnow
from models.vocabulary import ASSISTANCE_STATUSES, LIST_STATUSES

#: Detail of a list row whose ID number belongs to a worker the comparing staff member does not cover.
OUT_OF_SCOPE = "该身份证号对应的求职者不在您的负责范围，未比对"
KINDS = {"changed": "身份变更（待确认）", "mismatched": "姓名不符", "new": "平台未登记", "dropped": "名单中已无",
         "bad": "无法识别", "matched": "一致"}

_ID_HEADERS = ("id_number", "身份证号", "身份证号码", "公民身份号码", "证件号码", "身份证")
_NAME_HEADERS = ("name", "姓名", "名字")
_STATUS_HEADERS = ("assistance_status", "帮扶身份", "人员类别", "身份类别", "监测类型")


class ComparisonError(ActionError):
    """The file cannot be compared at all (wrong type, no header); message in Chinese."""

    def __init__(self, message: str, field: str | None = "file", *, kind: str = "invalid") -> None:
        super().__init__(message, field=field, kind=kind)


@dataclass
class ListRow:
    row_number: int
    id_number: str
    name: str
    status: str | None = None


@dataclass
class Summary:
    batch_id: int
    counts: dict[str, int] = field(default_factory=dict)


# --- reading ------------------------------------------------------------------------------------------------
def read_rows(filename: str, content: bytes) -> list[ListRow]:
    """Rows of an uploaded XLSX or CSV (any common encoding), found by their header names. The file is read
    through ``models.intake.spreadsheets`` (size, rows, columns, cell length and decompressed size checked
    before the work; an over-limit or unreadable file is a ``SpreadsheetError`` with a Chinese message)."""
    try:
        table = spreadsheets.read_table(filename, content)
    except spreadsheets.SpreadsheetError as exc:
        raise ComparisonError(exc.message) from None
    for header_index, (_number, header) in enumerate(table[:10]):
        cols = [str(h or "").strip().lower() for h in header]
        id_col = _find(cols, _ID_HEADERS)
        name_col = _find(cols, _NAME_HEADERS)
        if id_col is not None and name_col is not None:
            status_col = _find(cols, _STATUS_HEADERS)
            break
    else:
        raise ComparisonError("找不到表头：需要“身份证号”和“姓名”两列")
    rows = []
    for number, values in table[header_index + 1:]:
        rows.append(ListRow(number, _get(values, id_col), _get(values, name_col),
                            _get(values, status_col) or None))
    return rows


def _get(values: list, col: int | None) -> str:
    return str(values[col]).strip() if col is not None and col < len(values) and values[col] else ""


def _find(cols: list[str], names: tuple[str, ...]) -> int | None:
    for name in names:
        if name in cols:
            return cols.index(name)
    return None


def _check_id(value: str) -> str:
    """The normalised ID number, or raise ValueError with a Chinese reason (``validation.check_id_number``)."""
    if not value:
        raise ValueError("缺少身份证号")
    return check_id_number(value).number


# --- comparing ----------------------------------------------------------------------------------------------
def compare_file(db: sqlite_utils.Database, filename: str, content: bytes, *, list_status: str,
                 scope: Scope, user_id: int | None = None) -> Summary:
    """Compare an uploaded list with the workers ``scope`` covers; record and return the findings.
    Changes no worker."""
    if list_status not in LIST_STATUSES:
        raise ComparisonError("名单类型应为：" + "、".join(LIST_STATUSES), "list_status")
    rows = read_rows(filename, content)
    if not rows:
        raise ComparisonError("文件中没有数据行")
    covered, covered_params = scope.workers_sql("w")
    workers: dict[str, list[tuple]] = {}
    elsewhere: set[str] = set()
    for w in db.execute("SELECT w.id, w.name, w.id_hash, w.assistance_status, w.id_masked,"
                        f" CASE WHEN {covered} THEN 1 ELSE 0 END FROM workers w WHERE w.id_hash IS NOT NULL",
                        covered_params):
        if w[5]:
            workers.setdefault(w[2], []).append(w[:5])
        else:
            elsewhere.add(w[2])
    findings: list[dict] = []
    seen: dict[str, int] = {}
    statuses_in_file = set()
    for row in rows:
        base = {"row_number": row.row_number, "name": row.name[:30], "id_masked": mask_id(row.id_number)}
        try:
            number = _check_id(row.id_number)
        except ValueError as exc:
            findings.append({**base, "kind": "bad", "detail": str(exc)})
            continue
        if not row.name:
            findings.append({**base, "kind": "bad", "detail": "缺少姓名"})
            continue
        status = row.status or list_status
        if status not in ASSISTANCE_STATUSES:
            findings.append({**base, "kind": "bad", "detail": f"帮扶身份无法识别：{status}"})
            continue
        key = id_hash(number)
        if key in seen:
            findings.append({**base, "kind": "bad", "detail": f"与第 {seen[key]} 行身份证号重复"})
            continue
        seen[key] = row.row_number
        statuses_in_file.add(status)
        matches = workers.get(key, [])
        if not matches and key in elsewhere:
            findings.append({**base, "kind": "bad", "detail": OUT_OF_SCOPE})
            continue
        if not matches:
            findings.append({**base, "kind": "new", "new_status": status, "detail": "名单中有，平台未登记"})
            continue
        for worker_id, name, _, old_status, _ in matches:
            found = {**base, "worker_id": worker_id, "old_status": old_status, "new_status": status}
            if name.strip() != row.name.strip():
                findings.append({**found, "kind": "mismatched",
                                 "detail": f"平台姓名“{name}”与名单姓名“{row.name}”不一致，未更新"})
            elif old_status != status:
                findings.append({**found, "kind": "changed",
                                 "detail": f"帮扶身份 {old_status or '未登记'} → {status}"})
            else:
                findings.append({**found, "kind": "matched"})
    for status in statuses_in_file | {list_status}:
        for key, matches in workers.items():
            if key in seen:
                continue
            for worker_id, name, _, old_status, masked in matches:
                if old_status == status:
                    findings.append({"row_number": None, "name": name, "id_masked": masked or "",
                                     "worker_id": worker_id, "old_status": old_status, "kind": "dropped",
                                     "detail": f"平台登记为{status}，本次名单中没有，请核实"})
    counts = {kind: sum(1 for f in findings if f["kind"] == kind) for kind in KINDS}
    now = utcnow()
    with transaction(db) as conn:
        batch_id = conn.execute(
            "INSERT INTO comparison_batches (filename, list_status, total_rows, matched, changed, new, dropped,"
            " mismatched, bad, user_id, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (Path(filename).name[:200], list_status, len(rows), counts["matched"], counts["changed"],
             counts["new"], counts["dropped"], counts["mismatched"], counts["bad"], user_id, now, now),
        ).lastrowid
        conn.executemany(
            "INSERT INTO comparison_rows (batch_id, row_number, kind, worker_id, name, id_masked, old_status,"
            " new_status, detail, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [(batch_id, f.get("row_number"), f["kind"], f.get("worker_id"), f.get("name"), f.get("id_masked"),
              f.get("old_status"), f.get("new_status"), f.get("detail"), now, now) for f in findings],
        )
    audit(db, "comparison.upload", user_id=user_id, entity="comparison_batch", entity_id=batch_id,
          detail={"filename": Path(filename).name, "list_status": list_status, **counts})
    return Summary(batch_id, counts)


def apply_batch(db: sqlite_utils.Database, batch_id: int, *, scope: Scope, user_id: int | None = None) -> dict:
    """Apply a batch's proposed status changes (``changed`` rows) to the workers ``scope`` covers, each
    audit-logged. Applying twice does nothing. Returns ``{'applied': n, 'skipped': m, 'out_of_scope': k}``
    (skipped: the worker changed since the upload; out of scope: not updated, for an admin to apply)."""
    batch = db.execute("SELECT applied_at FROM comparison_batches WHERE id = ?", (batch_id,)).fetchone()
    if batch is None:
        raise ComparisonError("比对记录不存在", "batch_id", kind="not_found")
    if batch[0]:
        return {"applied": 0, "skipped": 0, "out_of_scope": 0, "already": True}
    applied = skipped = out_of_scope = 0
    now = utcnow()
    covered, covered_params = scope.workers_sql("w")
    with transaction(db) as conn:
        rows = conn.execute(
            "SELECT r.id, r.worker_id, r.old_status, r.new_status,"
            f" CASE WHEN w.id IS NOT NULL AND {covered} THEN 1 ELSE 0 END"
            " FROM comparison_rows r LEFT JOIN workers w ON w.id = r.worker_id"
            " WHERE r.batch_id = ? AND r.kind = 'changed'", [*covered_params, batch_id]).fetchall()
        for row_id, worker_id, old, new, in_scope in rows:
            if not in_scope:
                out_of_scope += 1
                conn.execute("UPDATE comparison_rows SET detail = detail || '（不在确认人的负责范围，未更新）',"
                             " updated_at = ? WHERE id = ?", (now, row_id))
                continue
            changed = conn.execute(
                "UPDATE workers SET assistance_status = ?, updated_at = ? WHERE id = ? AND assistance_status IS NOT DISTINCT FROM ?",
                (new, now, worker_id, old)).rowcount
            if changed:
                applied += 1
                conn.execute(
                    "INSERT INTO audit_log (user_id, action, entity, entity_id, detail, created_at, updated_at)"
                    " VALUES (?, 'worker.assistance_status', 'worker', ?, ?, ?, ?)",
                    (user_id, worker_id, json.dumps({"old": old, "new": new, "comparison_batch": batch_id},
                                                    ensure_ascii=False), now, now))
            else:
                skipped += 1
                conn.execute("UPDATE comparison_rows SET detail = detail || '（上传后已被修改，未更新）',"
                             " updated_at = ? WHERE id = ?", (now, row_id))
        conn.execute("UPDATE comparison_batches SET applied_at = ?, applied_by = ?, updated_at = ? WHERE id = ?",
                     (now, user_id, now, batch_id))
    audit(db, "comparison.apply", user_id=user_id, entity="comparison_batch", entity_id=batch_id,
          detail={"applied": applied, "skipped": skipped, "out_of_scope": out_of_scope})
    return {"applied": applied, "skipped": skipped, "out_of_scope": out_of_scope, "already": False}


RESULT_HEADERS = [("row_number", "名单行号"), ("kind", "比对结果"), ("name", "姓名"), ("id_masked", "身份证号（脱敏）"),
                  ("old_status", "平台帮扶身份"), ("new_status", "名单帮扶身份"), ("detail", "说明")]


def results_workbook(batch: dict, rows: list[dict]) -> io.BytesIO:
    """A comparison's findings as an .xlsx (masked ID numbers only; every text cell through
    ``spreadsheets.append_row``, so a name on the uploaded list cannot become a formula)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    sheet.title = "比对结果"
    spreadsheets.append_row(sheet, [f"数据比对：{batch['filename']}（{batch['list_status']}，{batch['created_at'][:10]}）"])
    spreadsheets.append_row(sheet, [label for _, label in RESULT_HEADERS])
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    for row in rows:
        spreadsheets.append_row(sheet, [KINDS.get(row[key], row[key]) if key == "kind" else row.get(key)
                                        for key, _ in RESULT_HEADERS])
    for column, width in zip("ABCDEFG", (10, 16, 12, 22, 18, 18, 60)):
        sheet.column_dimensions[column].width = width
    out = io.BytesIO()
    book.save(out)
    out.seek(0)
    return out


def list_batches(db: sqlite_utils.Database, *, run_by: int | None, limit: int = 20) -> list[dict]:
    """Recent comparisons, newest first: those run by user ``run_by``, or everyone's when it is None."""
    where, params = ("WHERE user_id = ?", [run_by]) if run_by is not None else ("", [])
    cur = db.execute(f"SELECT * FROM comparison_batches {where} ORDER BY id DESC LIMIT ?", (*params, limit))
    cols = [c[0] for c in cur.description]
    return [dict(zip(cols, r)) for r in cur.fetchall()]


def get_batch(db: sqlite_utils.Database, batch_id: int) -> tuple[dict | None, list[dict]]:
    """A batch and its findings (interesting kinds first); rows carry masked IDs only."""
    cur = db.execute("SELECT * FROM comparison_batches WHERE id = ?", (batch_id,))
    cols = [c[0] for c in cur.description]
    row = cur.fetchone()
    if not row:
        return None, []
    cur = db.execute(
        "SELECT * FROM comparison_rows WHERE batch_id = ? ORDER BY CASE kind WHEN 'changed' THEN 0"
        " WHEN 'mismatched' THEN 1 WHEN 'bad' THEN 2 WHEN 'new' THEN 3 WHEN 'dropped' THEN 4 ELSE 5 END,"
        " row_number, id", (batch_id,))
    rcols = [c[0] for c in cur.description]
    return dict(zip(cols, row)), [dict(zip(rcols, r)) for r in cur.fetchall()]
