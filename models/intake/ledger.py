"""Ledger import: staff's worker and job ledgers (.jsonl, .csv, .xlsx) into the store.

``import_file(db, 'workers'|'jobs', path)`` reads every row, validates it with ``models.intake.records``
(``clean_worker`` / ``clean_job``), and upserts the good ones keyed on ``external_id``. It returns an
``ImportResult`` and keeps the same report in ``import_batches`` / ``import_rejections``.

- Row numbers are what staff see: in CSV and Excel the header is row 1 and the first data row is row 2;
  in JSONL the line number.
- CSV encoding: UTF-8 (with or without BOM), else GB18030 (a superset of GBK, what Chinese Excel
  writes), else whatever ``charset_normalizer`` finds.
- Headers: the English field names or the Chinese labels and aliases (``models.intake.records.header_map``).
  Unknown columns are ignored and reported once; a missing required column stops the import before
  anything is written (``LedgerError``).
- A bad row never stops the import. Each problem is one rejection (row number, 编号, field, reason); a
  reason never carries a full ID or phone number (digit runs are masked before storing).
- A 编号 that appears twice in one file: the later rows are rejected. A worker whose ID number is already
  registered under another 编号 (in the store or earlier in the file) is rejected on ``id_number``.
- Idempotent: the stored ``content_hash`` of each record is loaded up front, so an unchanged row costs
  no SELECT and no write, and re-importing the same file changes nothing (0 added, 0 updated).
- Scope: every row is checked against the importer's ``models.access.Scope`` (a required argument). A
  worker row must be covered as written (its 户籍区县) and, when it updates a stored worker, as stored; a
  job row's 工作城市 likewise, for new and existing postings. A row outside the scope is rejected with
  its reason like any other bad row: never written, never skipped silently. ``EVERYTHING`` (the server's
  own command line) covers every row. Who may import at all is ``models.actions.imports``.
- Writes go in chunks, each in one transaction; a progress bar (tqdm, on stderr) shows for large files.
"""
from __future__ import annotations

import csv
import hashlib
import io
import json
import logging
import re
import secrets
import shutil
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path

import sqlite_utils

from models.access import Scope
from models.errors import ActionError
from models.hiring import jobs as jobs_store
from models.intake import records
from models.people import workers as workers_store
from models.people.employers import get_or_create_employer
from models.people.pii import mask_id
from models.store.config import data_dir
from models.store.db import IntegrityError, audit, transaction, utcnow

log = logging.getLogger(__name__)

KINDS = ("workers", "jobs")
EXTENSIONS = (".jsonl", ".csv", ".xlsx")
REQUIRED_COLUMNS = {"workers": ("external_id", "name"), "jobs": ("external_id", "employer_name", "title")}
CHUNK_ROWS = 2000
PROGRESS_MIN_ROWS = 2000


class LedgerError(ActionError):
    """The file as a whole cannot be imported (missing, unknown type, unreadable, missing columns).
    ``str(e)`` is a Chinese message for staff."""

    def __init__(self, message: str, field: str | None = "file") -> None:
        super().__init__(message, field=field)


@dataclass
class ImportResult:
    """What one import did. ``rejections`` holds (row_number, field, reason), one per problem."""

    batch_id: int
    kind: str
    filename: str
    total_rows: int = 0
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0
    rejections: list[tuple[int, str | None, str]] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)


# --- reading files -------------------------------------------------------------------------------

def detect_encoding(data: bytes) -> str:
    """The text encoding of a CSV/JSONL file: UTF-8 (BOM or not), then GB18030, then a best guess."""
    if data.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf-16"
    try:
        data.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        data.decode("gb18030")
        return "gb18030"
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None:
        raise LedgerError("无法识别文件的文字编码，请在 Excel 中另存为“CSV UTF-8”后重新导入。")
    return best.encoding


def _decode(data: bytes) -> str:
    encoding = detect_encoding(data)
    try:
        return data.decode(encoding)
    except (UnicodeDecodeError, LookupError) as exc:
        raise LedgerError("无法识别文件的文字编码，请在 Excel 中另存为“CSV UTF-8”后重新导入。") from exc


#: Excel keeps 15 significant digits: a longer number typed into a numeric cell has lost its tail.
_EXCEL_LOST_DIGITS = 1e15
EXCEL_NUMBER_HINT = "（Excel 把该格存成了数字，超过 15 位的数字末尾已丢失：请把该列设为“文本”格式后重新填写）"


def _cell(value: object) -> str:
    """An Excel cell as the text staff typed (numbers without a trailing .0, dates as YYYY-MM-DD)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time(0) else value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    return str(value).strip()


def _blank(values: Iterable[object]) -> bool:
    return all(v is None or (isinstance(v, str) and not v.strip()) for v in values)


def _read_csv(data: bytes) -> tuple[list[str], list[tuple[int, list[str], frozenset[int]]]]:
    text = _decode(data)
    sample = text[:4096]
    try:
        dialect = csv.Sniffer().sniff(sample.splitlines()[0] if sample else ",", delimiters=",\t;")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text, newline=""), dialect)
    headers: list[str] | None = None
    rows: list[tuple[int, list[str], frozenset[int]]] = []
    try:
        for number, cells in enumerate(reader, start=1):
            if _blank(cells):
                continue
            if headers is None:
                headers = [c.strip() for c in cells]
                continue
            rows.append((number, [c.strip() for c in cells], frozenset()))
    except csv.Error as exc:
        raise LedgerError(f"CSV 文件格式有误（{exc}），无法读取。") from exc
    return headers or [], rows


def _read_xlsx(path: Path) -> tuple[list[str], list[tuple[int, list[str], frozenset[int]]]]:
    from zipfile import BadZipFile

    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except (BadZipFile, InvalidFileException, KeyError, OSError, ValueError) as exc:
        raise LedgerError("无法读取该 Excel 文件：文件已损坏，或不是 .xlsx 格式（.xls 请先另存为 .xlsx）。") from exc
    try:
        if not workbook.worksheets:
            return [], []
        sheet = workbook.worksheets[0]
        headers: list[str] | None = None
        rows: list[tuple[int, list[str], frozenset[int]]] = []
        for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            if _blank(values):
                continue
            cells = [_cell(v) for v in values]
            if headers is None:
                headers = cells
                continue
            lossy = frozenset(i for i, v in enumerate(values)
                              if isinstance(v, float) and abs(v) >= _EXCEL_LOST_DIGITS)
            rows.append((number, cells, lossy))
    finally:
        workbook.close()
    return headers or [], rows


def _read_jsonl(data: bytes) -> list[tuple[int, dict | str]]:
    """(line number, object) per non-blank line; a line that is not a JSON object gives an error text."""
    out: list[tuple[int, dict | str]] = []
    for number, line in enumerate(_decode(data).splitlines(), start=1):
        if not line.strip():
            continue
        try:
            value = json.loads(line)
        except json.JSONDecodeError:
            out.append((number, "该行不是有效的 JSON，无法读取。"))
            continue
        if not isinstance(value, dict):
            out.append((number, "该行不是 JSON 对象（应为 {\"字段\": 值, ...}）。"))
            continue
        out.append((number, value))
    return out


# --- headers -------------------------------------------------------------------------------------

def _field_table(kind: str) -> dict[str, records.FieldSpec]:
    return records.WORKER_FIELDS if kind == "workers" else records.JOB_FIELDS


def field_label(kind: str, name: str | None) -> str:
    """The Chinese label of a field for messages (``id_number`` → ``身份证号``); the name when unknown."""
    if not name:
        return "整行"
    spec = _field_table(kind).get(name)
    return spec.label if spec is not None else name


def map_headers(kind: str, headers: list[str]) -> tuple[list[str | None], list[str]]:
    """Field name per column (None for an unknown one) and the unknown headers, via ``records.header_map``."""
    mapped = records.header_map(headers, kind)
    columns = [mapped.get(h) for h in headers]
    known = set(_field_table(kind))
    columns = [c if c in known else None for c in columns]
    unknown = [h for h, c in zip(headers, columns) if c is None and h]
    return columns, unknown


# --- uploads -------------------------------------------------------------------------------------

_UNSAFE = re.compile(r"[^\w.()（）\-]+")


def safe_name(filename: str) -> str:
    """An uploaded file's own name, reduced to letters (any script), digits and . _ - ( ), for display."""
    name = Path((filename or "").replace("\\", "/")).name
    suffix = Path(name).suffix.lower()
    stem = _UNSAFE.sub("_", name[: -len(suffix) or None]).strip("._") or "ledger"
    return stem[:80] + suffix


def store_upload(filename: str, data: bytes) -> Path:
    """Keep an uploaded ledger as ``<data dir>/imports/<generated folder>/<safe original name>``."""
    folder = data_dir() / "imports" / f"{datetime.now():%Y%m%d-%H%M%S}-{secrets.token_hex(4)}"
    folder.mkdir(parents=True, exist_ok=False)
    path = folder / safe_name(filename)
    path.write_bytes(data)
    return path


def discard_upload(path: Path) -> None:
    """Remove an upload that could not be imported at all (and its generated folder)."""
    shutil.rmtree(path.parent, ignore_errors=True)


# --- privacy -------------------------------------------------------------------------------------

_DIGIT_RUN = re.compile(r"\d{7,}[0-9Xx]?")


def scrub(text: str) -> str:
    """Mask every long run of digits in a message (ID numbers, phone numbers) before it is stored."""
    def _mask(match: re.Match) -> str:
        value = match.group(0)
        if len(value) == 18:
            return mask_id(value)
        return value[:3] + "*" * max(len(value) - 7, 1) + value[-4:] if len(value) >= 11 else "*" * len(value)

    return _DIGIT_RUN.sub(_mask, text)


# --- the import ----------------------------------------------------------------------------------

@dataclass
class _Row:
    number: int
    raw: dict | None
    error: str | None = None
    excel_numbers: frozenset[str] = frozenset()


def read_ledger(kind: str, path: str | Path) -> tuple[list[_Row], list[str], str]:
    """Read a ledger into rows of raw field dicts; returns (rows, ignored headers, file sha256).
    Raises ``LedgerError`` for a missing, unknown, unreadable or empty file, or a missing required column."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in EXTENSIONS:
        raise LedgerError(f"不支持的文件类型“{path.suffix or '无扩展名'}”：请使用 .jsonl、.csv 或 .xlsx 文件。")
    if not path.is_file():
        raise LedgerError(f"找不到文件：{path}")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise LedgerError(f"无法读取文件：{path}（{exc.strerror or exc}）") from exc
    sha = hashlib.sha256(data).hexdigest()
    if suffix == ".jsonl":
        rows, unknown_all = [], {}
        cache: dict[tuple, tuple[list[str | None], list[str]]] = {}
        for number, value in _read_jsonl(data):
            if isinstance(value, str):
                rows.append(_Row(number, None, value))
                continue
            keys = tuple(value)
            if keys not in cache:
                cache[keys] = map_headers(kind, list(keys))
            columns, unknown = cache[keys]
            for h in unknown:
                unknown_all.setdefault(h, None)
            raw = {c: value[k] for k, c in zip(keys, columns) if c is not None and value[k] is not None}
            rows.append(_Row(number, raw))
        if not rows:
            raise LedgerError("文件是空的，没有任何内容。")
        return rows, list(unknown_all), sha
    headers, table = _read_csv(data) if suffix == ".csv" else _read_xlsx(path)
    if not headers:
        raise LedgerError("文件是空的：没有表头行。")
    columns, unknown = map_headers(kind, headers)
    missing = [f for f in REQUIRED_COLUMNS[kind] if f not in columns]
    if missing:
        names = "、".join(f"{field_label(kind, f)}（{f}）" for f in missing)
        raise LedgerError(f"缺少必需的列：{names}。请检查第 1 行表头。")
    rows = []
    for number, cells, lossy in table:
        raw: dict = {}
        for column, value in zip(columns, cells):
            if column is not None and value != "" and column not in raw:
                raw[column] = value
        lost = frozenset(columns[i] for i in lossy if i < len(columns) and columns[i]) if lossy else frozenset()
        rows.append(_Row(number, raw, excel_numbers=lost))
    if not rows:
        raise LedgerError("文件里只有表头，没有数据行。")
    return rows, unknown, sha


def _scope_list(values: frozenset[str]) -> str:
    return "、".join(sorted(values)) or "无"


class _Importer:
    """One import run: preloaded state, the importer's scope, counters, and the chunked writer."""

    def __init__(self, db: sqlite_utils.Database, kind: str, batch_id: int, today: date | None,
                 scope: Scope) -> None:
        self.db, self.kind, self.batch_id, self.today, self.scope = db, kind, batch_id, today, scope
        self.seen: dict[str, int] = {}
        conn = db.conn
        table, (where, params) = (("workers w", scope.workers_sql("w")) if kind == "workers"
                                  else ("jobs j", scope.jobs_sql("j")))
        self.known = {ext: (rid, h) for rid, ext, h in
                      conn.execute(f"SELECT id, external_id, content_hash FROM {table.split()[0]}")}
        # Stored records the scope does not cover (a NULL county or city is not covered): no row may update them.
        self.outside = {ext for (ext,) in conn.execute(
            f"SELECT external_id FROM {table} WHERE CASE WHEN {where} THEN 0 ELSE 1 END = 1", params)}
        if kind == "workers":
            self.id_owner = dict(conn.execute("SELECT id_hash, external_id FROM workers WHERE id_hash IS NOT NULL"))
            self.id_of = {ext: h for h, ext in self.id_owner.items()}
        else:
            self.employers: dict[str, int] = {}

    def _clean(self, raw: dict) -> tuple[dict | None, list]:
        if self.kind == "workers":
            return records.clean_worker(raw, today=self.today)
        return records.clean_job(raw)

    def out_of_scope(self, record: dict) -> tuple[str, str] | None:
        """(field, Chinese reason) when the importer's scope does not cover the row as written or the stored
        record it would update; None when it does."""
        external_id = record["external_id"]
        if self.kind == "workers":
            if not self.scope.covers_worker(record):
                county = record.get("hukou_county") or "未填写"
                return "hukou_county", (f"户籍区县“{county}”不在您负责的区县（{_scope_list(self.scope.counties)}）"
                                        "之内，该行未导入。")
            if external_id in self.outside:
                return "external_id", (f"编号 {external_id} 已登记为其他区县的求职者，不在您的负责范围，"
                                       "不能由您修改，该行未导入。")
            return None
        if not self.scope.covers_job(record):
            city = record.get("city") or "未填写"
            return "city", f"工作城市“{city}”不在您负责的城市（{_scope_list(self.scope.cities)}）之内，该行未导入。"
        if external_id in self.outside:
            return "external_id", (f"编号 {external_id} 已登记为其他城市的岗位，不在您的负责范围，"
                                   "不能由您修改，该行未导入。")
        return None

    def check(self, row: _Row, rejects: list, writes: list) -> str | None:
        """Validate one row; queue its write or its rejections. Returns 'unchanged'/'rejected'/None."""
        if row.raw is None:
            rejects.append((row.number, None, None, row.error))
            return "rejected"
        external_id = str(row.raw.get("external_id") or "").strip() or None
        if external_id is not None:
            first = self.seen.get(external_id)
            if first is not None:
                rejects.append((row.number, external_id, "external_id",
                                f"编号 {external_id} 在本文件第 {first} 行已出现，重复的行未导入。"))
                return "rejected"
            self.seen[external_id] = row.number
        try:
            record, errors = self._clean(row.raw)
        except Exception as exc:  # noqa: BLE001 - a validator bug must not stop the import
            # Only the exception's type: its message could quote a field value (an ID or phone number).
            log.error("validator failed on row %s: %s", row.number, type(exc).__name__)
            record, errors = None, [_Problem(None, "该行数据无法校验，请检查格式。")]
        if errors or record is None:
            for problem in errors or [_Problem(None, "该行数据无法校验，请检查格式。")]:
                where = getattr(problem, "field", None)
                reason = getattr(problem, "message", None) or str(problem)
                if where in row.excel_numbers:
                    reason += EXCEL_NUMBER_HINT
                rejects.append((row.number, external_id, where, reason))
            return "rejected"
        external_id = str(record["external_id"]).strip()
        refused = self.out_of_scope(record)
        if refused is not None:
            rejects.append((row.number, external_id, *refused))
            return "rejected"
        known = self.known.get(external_id)
        if self.kind == "workers":
            id_h = workers_store.record_id_hash(record)
            owner = self.id_owner.get(id_h) if id_h else None
            if owner is not None and owner != external_id:
                rejects.append((row.number, external_id, "id_number",
                                workers_store.DuplicateWorkerError(owner).message))
                return "rejected"
            chash = workers_store.content_hash(record, id_h)
            old = self.id_of.get(external_id)
            if old != id_h:  # the worker's ID number changed (or appeared): the old one is free again
                if old is not None and self.id_owner.get(old) == external_id:
                    del self.id_owner[old]
                self.id_of[external_id] = id_h
                if id_h:
                    self.id_owner[id_h] = external_id
        else:
            chash = jobs_store.content_hash(record)
        if known is not None and known[1] == chash:
            return "unchanged"
        writes.append((row.number, record, known[0] if known else None, chash))
        return None

    def flush(self, rejects: list, writes: list) -> tuple[int, int, int]:
        """Write one chunk in a transaction; returns (added, updated, extra rejected)."""
        added = updated = failed = 0
        now = utcnow()
        with transaction(self.db) as conn:
            for number, record, existing_id, chash in writes:
                try:
                    conn.execute("SAVEPOINT row")
                    if self.kind == "workers":
                        new_id = workers_store.write_worker(conn, record, worker_id=existing_id, chash=chash)
                    else:
                        new_id = jobs_store.write_job(conn, record, job_id=existing_id,
                                                      employer_id=self._employer(conn, record), chash=chash)
                    conn.execute("RELEASE row")
                except IntegrityError:
                    conn.execute("ROLLBACK TO row")
                    conn.execute("RELEASE row")
                    rejects.append((number, record.get("external_id"), "external_id",
                                    "写入失败：该编号或身份证号刚被其他操作占用，请稍后重新导入。"))
                    failed += 1
                    continue
                self.known[record["external_id"]] = (new_id, chash)
                if existing_id is None:
                    added += 1
                else:
                    updated += 1
            conn.executemany(
                "INSERT INTO import_rejections (batch_id, row_number, external_id, field, reason, created_at,"
                " updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                [(self.batch_id, n, ext, f, scrub(reason), now, now) for n, ext, f, reason in rejects])
        return added, updated, failed

    def _employer(self, conn: sqlite3.Connection, record: dict) -> int:
        key = (record["employer_name"], record.get("employer_credit_code") or "")
        if key not in self.employers:
            self.employers[key] = get_or_create_employer(conn, record["employer_name"],
                                                         record.get("employer_credit_code"))
        return self.employers[key]


@dataclass
class _Problem:
    field: str | None
    message: str


def import_file(db: sqlite_utils.Database, kind: str, path: str | Path, *, scope: Scope,
                user_id: int | None = None, progress: bool = True, today: date | None = None) -> ImportResult:
    """Import a worker or job ledger (see the module docstring) as far as ``scope`` covers its rows;
    returns the batch's report.

    Raises ``LedgerError`` (Chinese message) when the file as a whole cannot be read; nothing is written then.
    """
    if kind not in KINDS:
        raise LedgerError(f"未知的导入类型“{kind}”：只能是 workers 或 jobs。")
    path = Path(path)
    rows, ignored, sha = read_ledger(kind, path)
    now = utcnow()
    with transaction(db) as conn:
        batch_id = conn.execute(
            "INSERT INTO import_batches (kind, filename, file_sha256, total_rows, user_id, created_at, updated_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)", (kind, path.name, sha, len(rows), user_id, now, now)).lastrowid
    result = ImportResult(batch_id=batch_id, kind=kind, filename=path.name, total_rows=len(rows),
                          ignored_columns=ignored)
    importer = _Importer(db, kind, batch_id, today, scope)
    bar = None
    if progress and len(rows) >= PROGRESS_MIN_ROWS:
        from tqdm import tqdm

        bar = tqdm(total=len(rows), unit="行", desc=f"导入{'求职者' if kind == 'workers' else '岗位'}",
                   leave=False)
    try:
        for start in range(0, len(rows), CHUNK_ROWS):
            chunk = rows[start:start + CHUNK_ROWS]
            rejects: list = []
            writes: list = []
            rejected_rows: set[int] = set()
            for row in chunk:
                outcome = importer.check(row, rejects, writes)
                if outcome == "unchanged":
                    result.unchanged += 1
                elif outcome == "rejected":
                    rejected_rows.add(row.number)
            added, updated, _failed = importer.flush(rejects, writes)
            result.added += added
            result.updated += updated
            rejected_rows.update(n for n, *_ in rejects)
            result.rejected += len(rejected_rows)
            result.rejections.extend((n, f, scrub(reason)) for n, _ext, f, reason in rejects)
            if bar is not None:
                bar.update(len(chunk))
    finally:
        if bar is not None:
            bar.close()
        with transaction(db) as conn:
            conn.execute(
                "UPDATE import_batches SET added = ?, updated = ?, unchanged = ?, rejected = ?, finished_at = ?,"
                " updated_at = ? WHERE id = ?",
                (result.added, result.updated, result.unchanged, result.rejected, utcnow(), utcnow(), batch_id))
    audit(db, "ledger.import", user_id=user_id, entity="import_batch", entity_id=batch_id,
          detail={"kind": kind, "filename": path.name, "rows": result.total_rows, "added": result.added,
                  "updated": result.updated, "unchanged": result.unchanged, "rejected": result.rejected})
    log.info("import batch %s (%s): %d rows, %d added, %d updated, %d unchanged, %d rejected",
             batch_id, kind, result.total_rows, result.added, result.updated, result.unchanged, result.rejected)
    return result


def get_batch(db: sqlite_utils.Database, batch_id: int) -> dict | None:
    """One import batch with its rejections (``rejections``: dicts ordered by row number)."""
    cur = db.conn.execute("SELECT * FROM import_batches WHERE id = ?", (batch_id,))
    row = cur.fetchone()
    if row is None:
        return None
    batch = dict(zip([d[0] for d in cur.description], row))
    cur = db.conn.execute("SELECT row_number, external_id, field, reason FROM import_rejections"
                          " WHERE batch_id = ? ORDER BY row_number, id", (batch_id,))
    batch["rejections"] = [dict(zip(("row_number", "external_id", "field", "reason"), r)) for r in cur]
    return batch


def list_batches(db: sqlite_utils.Database, *, run_by: int | None, kind: str | None = None, limit: int = 50,
                 offset: int = 0) -> list[dict]:
    """Recent import batches, newest first (without their rejections): those run by user ``run_by``, or
    everyone's when it is None."""
    clauses, params = [], []
    if run_by is not None:
        clauses.append("user_id = ?")
        params.append(run_by)
    if kind:
        clauses.append("kind = ?")
        params.append(kind)
    where = f"WHERE {' AND '.join(clauses)}" if clauses else ""
    cur = db.conn.execute(f"SELECT * FROM import_batches {where} ORDER BY id DESC LIMIT ? OFFSET ?",
                          (*params, limit, offset))
    names = [d[0] for d in cur.description]
    return [dict(zip(names, r)) for r in cur]
