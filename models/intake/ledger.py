"""Ledger import: staff's worker and job ledgers (.jsonl, .csv, .xlsx) into the store.

``import_file(db, 'workers'|'jobs', path)`` reads every row, validates it with ``models.intake.records``
(``clean_worker`` / ``clean_job``), and upserts the good ones keyed on ``external_id``. It returns an
``ImportResult`` and keeps the same report in ``import_batches`` / ``import_rejections``.

- Row numbers are what staff see: in CSV and Excel the header is row 1 and the first data row is row 2;
  in JSONL the line number.
- Files are read through ``models.intake.spreadsheets`` (size, rows, columns, cell length, an .xlsx's
  decompressed size and declared dimension checked before any work; .xlsx streamed read-only). A file is
  read twice: once whole to check it and count its rows (:func:`open_ledger`; nothing is written when it is
  refused), then row by row for the import (never every row in memory at once).
- CSV encoding: UTF-8 (with or without BOM), UTF-16 with a BOM, else GB18030 (a superset of GBK, what
  Chinese Excel writes), else whatever ``charset_normalizer`` finds; UTF-16 without a BOM is refused.
- Headers: the English field names or the Chinese labels and aliases (``models.intake.records.header_map``).
  Unknown columns are ignored and reported once; a missing required column stops the import before
  anything is written (``LedgerError``).
- A bad row never stops the import. Each problem is one rejection (row number, 编号, field, reason); a
  reason never carries a full ID or phone number (digit runs are masked before storing).
- A 编号 that appears twice in one file: the later rows are rejected. A worker whose ID number is already
  registered under another 编号 (in the store or earlier in the file) is rejected on ``id_number``, naming
  that 编号. The store is re-checked for each row inside the chunk's write transaction (``_recheck``), so
  this holds whatever else imports at the same time; the ID hash is UNIQUE in the database besides.
- Idempotent: the stored ``content_hash`` of each record is loaded up front, so an unchanged row costs
  no SELECT and no write, and re-importing the same file changes nothing (0 added, 0 updated).
- Scope: every row is checked against the importer's ``models.access.Scope`` (a required argument). A
  worker row must be covered as written (its 户籍区县) and, when it updates a stored worker, as stored; a
  job row's 工作城市 likewise, for new and existing postings. A row outside the scope is rejected with
  its reason like any other bad row: never written, never skipped silently. ``EVERYTHING`` (the server's
  own command line) covers every row. Who may import at all is ``models.actions.imports``.
- Writes go in chunks of ``CHUNK_ROWS``, each in one transaction together with its rejections and the
  batch's counters (``added``, ``updated``, ``unchanged``, ``rejected``, ``done_rows``, ``heartbeat_at``):
  a batch's counts are always those of the rows really written, even when the process is killed. A batch
  is ``queued``/``running`` → ``done`` or ``failed``; a running one whose heartbeat is older than
  ``STALE_AFTER`` is ``interrupted`` (中断) and can be imported again (idempotent). A progress bar (tqdm,
  on stderr) shows for large files at the command line.
"""
from __future__ import annotations

import hashlib
import logging
import re
import secrets
import shutil
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import sqlite_utils

from models.access import Scope
from models.errors import ActionError
from models.hiring import jobs as jobs_store
from models.intake import records, spreadsheets
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
# Every byte of an uploaded file is read through ``models.intake.spreadsheets`` (limits checked before work).

detect_encoding = spreadsheets.detect_encoding

#: Excel keeps 15 significant digits: a longer number typed into a numeric cell has lost its tail.
_EXCEL_LOST_DIGITS = 1e15
EXCEL_NUMBER_HINT = "（Excel 把该格存成了数字，超过 15 位的数字末尾已丢失：请把该列设为“文本”格式后重新填写）"

_cell = spreadsheets.excel_text


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
    """Keep an uploaded ledger as ``<data dir>/imports/<generated folder>/<safe original name>`` until its
    import ends: the folder mode 0700, the file 0600 from the moment it exists (it holds full ID numbers).
    Refuses a file over the size limit before writing anything."""
    spreadsheets.check_size(len(data))
    root = data_dir() / "imports"
    root.mkdir(mode=0o700, parents=True, exist_ok=True)
    folder = root / f"{datetime.now():%Y%m%d-%H%M%S}-{secrets.token_hex(4)}"
    folder.mkdir(mode=0o700)
    path = folder / safe_name(filename)
    spreadsheets.write_private(path, data)
    return path


def discard_upload(path: str | Path | None) -> None:
    """Remove an uploaded ledger and its generated folder (after its import, or when it cannot be imported).
    Only ever a folder under ``<data dir>/imports``."""
    if not path:
        return
    folder = Path(path).resolve().parent
    if folder.parent == (data_dir() / "imports").resolve():
        shutil.rmtree(folder, ignore_errors=True)


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


#: How often (rows) the first pass over a file reports that it is still alive.
_TICK_ROWS = 5000


class Ledger:
    """A ledger file that passed every file-level check (type, size, limits, headers, required columns):
    ``total_rows`` data rows, ``ignored`` unknown headers, ``sha256``; :meth:`rows` streams its rows.

    Opening reads the file once in full (:func:`open_ledger`), so an over-limit or broken file is refused
    before anything is written; the import then reads it a second time, row by row, never holding every
    row in memory."""

    def __init__(self, kind: str, path: Path, sha: str, limits: spreadsheets.Limits) -> None:
        self.kind, self.path, self.sha256, self.limits = kind, path, sha, limits
        self.suffix = path.suffix.lower()
        self.total_rows = 0
        self.ignored: list[str] = []
        self.columns: list[str | None] = []
        self._text: str | None = None

    def _table(self) -> Iterator[tuple[int, list[str], frozenset[int]]]:
        if self.suffix == ".csv":
            for number, cells in spreadsheets.iter_csv(self._text or "", self.limits):
                yield number, cells, frozenset()
            return
        for number, values in spreadsheets.iter_xlsx(self.path, self.limits):
            lossy = frozenset(i for i, v in enumerate(values) if isinstance(v, float) and abs(v) >= _EXCEL_LOST_DIGITS)
            yield number, [_cell(v) for v in values], lossy

    def _scan(self, tick, *, whole: bool = True) -> None:
        if self.suffix == ".jsonl":
            count = sum(1 for line in (self._text or "").splitlines() if line.strip()) if whole else \
                int(bool((self._text or "").strip()))
            if count > self.limits.max_rows:
                raise spreadsheets.SpreadsheetError(f"文件超过 {self.limits.max_rows} 行数据的上限：请把台账拆成几个文件"
                                                    "分别导入。")
            if not count:
                raise LedgerError("文件是空的，没有任何内容。")
            self.total_rows = count
            return
        headers: list[str] | None = None
        for n, (_number, cells, _lossy) in enumerate(self._table(), start=1):
            if headers is None:
                headers = cells
                continue
            self.total_rows += 1
            if not whole:
                break
            if tick is not None and n % _TICK_ROWS == 0:
                tick()
        if not headers:
            raise LedgerError("文件是空的：没有表头行。")
        self.columns, self.ignored = map_headers(self.kind, headers)
        missing = [f for f in REQUIRED_COLUMNS[self.kind] if f not in self.columns]
        if missing:
            names = "、".join(f"{field_label(self.kind, f)}（{f}）" for f in missing)
            raise LedgerError(f"缺少必需的列：{names}。请检查第 1 行表头。")
        if not self.total_rows:
            raise LedgerError("文件里只有表头，没有数据行。")

    def rows(self) -> Iterator[_Row]:
        """Every data row, in file order, as a raw field dict (or the row's error text)."""
        if self.suffix == ".jsonl":
            yield from self._jsonl_rows()
            return
        columns = self.columns
        table = self._table()
        next(table)  # the header row
        for number, cells, lossy in table:
            raw: dict = {}
            for column, value in zip(columns, cells):
                if column is not None and value != "" and column not in raw:
                    raw[column] = value
            lost = frozenset(columns[i] for i in lossy if i < len(columns) and columns[i]) if lossy else frozenset()
            yield _Row(number, raw, excel_numbers=lost)

    def _jsonl_rows(self) -> Iterator[_Row]:
        cache: dict[tuple, tuple[list[str | None], list[str]]] = {}
        for number, value in spreadsheets.iter_jsonl(self._text or "", self.limits):
            if isinstance(value, str):
                yield _Row(number, None, value)
                continue
            keys = tuple(value)
            if keys not in cache:
                cache[keys] = map_headers(self.kind, list(keys))
            columns, unknown = cache[keys]
            for h in unknown:
                if h not in self.ignored:
                    self.ignored.append(h)
            yield _Row(number, {c: value[k] for k, c in zip(keys, columns) if c is not None and value[k] is not None})


def open_ledger(kind: str, path: str | Path, *, limits: spreadsheets.Limits = spreadsheets.LIMITS,
                tick=None, whole: bool = True) -> Ledger:
    """Check a ledger file as a whole and return it ready to stream (see :class:`Ledger`). ``tick()`` is
    called every few thousand rows of the first pass (a background job's sign of life). ``whole=False``
    checks only what is quick — type, size, encoding, an .xlsx's zip directory and declared dimension, the
    header row and that a data row follows — for a page to refuse a bad file at once before a background
    job reads it whole (``total_rows`` is then not counted).

    Raises ``LedgerError`` / ``SpreadsheetError`` (both ``ActionError``, Chinese message, field ``file``) for
    a missing, unknown, oversized, over-limit, unreadable or empty file, or a missing required column."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in EXTENSIONS:
        raise LedgerError(f"不支持的文件类型“{path.suffix or '无扩展名'}”：请使用 .jsonl、.csv 或 .xlsx 文件。")
    if not path.is_file():
        raise LedgerError(f"找不到文件：{path}")
    try:
        spreadsheets.check_size(path.stat().st_size, limits)
        data = path.read_bytes()
    except OSError as exc:
        raise LedgerError(f"无法读取文件：{path}（{exc.strerror or exc}）") from exc
    ledger = Ledger(kind, path, hashlib.sha256(data).hexdigest(), limits)
    if suffix != ".xlsx":
        ledger._text = spreadsheets.decode_text(data)
    del data
    ledger._scan(tick, whole=whole)
    return ledger


def read_ledger(kind: str, path: str | Path) -> tuple[list[_Row], list[str], str]:
    """Every row of a ledger at once: (rows, ignored headers, file sha256). For tests and small files;
    the import streams (:func:`open_ledger`)."""
    ledger = open_ledger(kind, path)
    rows = list(ledger.rows())
    return rows, ledger.ignored, ledger.sha256


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

    def _recheck(self, conn: sqlite3.Connection, record: dict, existing_id: int | None,
                 chash: str) -> tuple[str, object]:
        """Inside the write transaction, where no other import can write: what the store holds NOW for this
        row (another import may have written since this one loaded its state). Returns ('write', row id or
        None), ('unchanged', None) or ('reject', (field, reason))."""
        external_id = record["external_id"]
        table = "workers" if self.kind == "workers" else "jobs"
        row = conn.execute(f"SELECT id, content_hash FROM {table} WHERE external_id = ?", (external_id,)).fetchone()
        if row is not None and row[0] != existing_id:
            # Written by someone else since this import started: it must be in scope as stored, too.
            where, params = self.scope.workers_sql("w") if self.kind == "workers" else self.scope.jobs_sql("j")
            alias = "w" if self.kind == "workers" else "j"
            covered = conn.execute(f"SELECT 1 FROM {table} {alias} WHERE {alias}.id = ? AND {where}",
                                   (row[0], *params)).fetchone()
            if covered is None:
                self.outside.add(external_id)
                return "reject", self.out_of_scope(record)
        if self.kind == "workers":
            id_h = workers_store.record_id_hash(record)
            if id_h:
                owner = conn.execute("SELECT external_id FROM workers WHERE id_hash = ? AND external_id != ?",
                                     (id_h, external_id)).fetchone()
                if owner is not None:
                    return "reject", ("id_number", workers_store.DuplicateWorkerError(owner[0]).message)
        if row is not None and row[1] == chash:
            return "unchanged", None
        return "write", row[0] if row else None

    def flush(self, rejects: list, writes: list, result: ImportResult, handled: int,
              rejected_before: set[int]) -> None:
        """Write one chunk and its report in ONE transaction: the rows, their rejections and the batch's
        counters (so a batch's counts are always those of the rows really written, even if the process is
        killed right after). Each row is re-checked against the store inside the transaction
        (:meth:`_recheck`): two imports at once never register one person twice."""
        now = utcnow()
        with transaction(self.db) as conn:
            for number, record, existing_id, chash in writes:
                verdict, detail = self._recheck(conn, record, existing_id, chash)
                if verdict == "unchanged":
                    self.known[record["external_id"]] = (existing_id, chash)
                    result.unchanged += 1
                    continue
                if verdict == "reject":
                    rejects.append((number, record.get("external_id"), *detail))
                    continue
                existing_id = detail
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
                                    "写入失败：该编号或身份证号与已登记的记录冲突，该行未导入。"))
                    continue
                self.known[record["external_id"]] = (new_id, chash)
                if existing_id is None:
                    result.added += 1
                else:
                    result.updated += 1
            conn.executemany(
                "INSERT INTO import_rejections (batch_id, row_number, external_id, field, reason, created_at,"
                " updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                [(self.batch_id, n, ext, f, scrub(reason), now, now) for n, ext, f, reason in rejects])
            rejected_before.update(n for n, *_ in rejects)
            result.rejected = len(rejected_before)
            result.rejections.extend((n, f, scrub(reason)) for n, _ext, f, reason in rejects)
            conn.execute(
                "UPDATE import_batches SET added = ?, updated = ?, unchanged = ?, rejected = ?, done_rows = ?,"
                " heartbeat_at = ?, updated_at = ? WHERE id = ?",
                (result.added, result.updated, result.unchanged, result.rejected, handled, now, now, self.batch_id))

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


#: Batch states (``import_batches.status``) and their Chinese names.
STATUS_LABELS = {"queued": "排队中", "running": "导入中", "done": "已完成", "failed": "失败", "interrupted": "中断"}
#: A running batch whose runner has given no sign of life for this long was interrupted (a crash, a kill,
#: a restart): its counts are those of the chunks it committed. Chunks of 2,000 rows take well under a
#: second; the first pass over a big file ticks every 5,000 rows.
STALE_AFTER = timedelta(minutes=3)


def create_batch(db: sqlite_utils.Database, kind: str, filename: str, *, user_id: int | None,
                 upload_path: Path | None = None, status: str = "queued") -> int:
    """A new import batch (before its file is read): its id."""
    now = utcnow()
    with transaction(db) as conn:
        return conn.execute(
            "INSERT INTO import_batches (kind, filename, total_rows, user_id, status, heartbeat_at, upload_path,"
            " created_at, updated_at) VALUES (?, ?, 0, ?, ?, ?, ?, ?, ?)",
            (kind, filename, user_id, status, now, str(upload_path) if upload_path else None, now, now)).lastrowid


def _heartbeat(db: sqlite_utils.Database, batch_id: int) -> None:
    now = utcnow()
    with transaction(db) as conn:
        conn.execute("UPDATE import_batches SET heartbeat_at = ?, updated_at = ? WHERE id = ?", (now, now, batch_id))


def fail_batch(db: sqlite_utils.Database, batch_id: int, message: str) -> None:
    """The file as a whole could not be imported: the batch says why (nothing was written)."""
    now = utcnow()
    with transaction(db) as conn:
        conn.execute("UPDATE import_batches SET status = 'failed', error = ?, finished_at = ?, updated_at = ?"
                     " WHERE id = ?", (scrub(message)[:500], now, now, batch_id))


def forget_upload(db: sqlite_utils.Database, batch_id: int) -> None:
    """The batch's upload was deleted: say so (``upload_path`` NULL)."""
    with transaction(db) as conn:
        conn.execute("UPDATE import_batches SET upload_path = NULL, updated_at = ? WHERE id = ?", (utcnow(), batch_id))


def hand_over_upload(db: sqlite_utils.Database, old_id: int, new_id: int) -> None:
    """An interrupted batch's kept upload now belongs to its re-run ``new_id``."""
    now = utcnow()
    with transaction(db) as conn:
        conn.execute("UPDATE import_batches SET upload_path = NULL, error = ?, updated_at = ? WHERE id = ?",
                     (f"已重新导入为批次 #{new_id}", now, old_id))


def mark_interrupted(db: sqlite_utils.Database, *, now: datetime | None = None) -> int:
    """Mark every queued or running batch whose runner fell silent (``STALE_AFTER``) as interrupted; returns
    how many. Their counts stay what their committed chunks wrote."""
    cutoff = ((now or datetime.now(UTC)) - STALE_AFTER).replace(microsecond=0).isoformat()
    stale = "status IN ('queued', 'running') AND COALESCE(heartbeat_at, created_at) < ?"
    if db.execute(f"SELECT 1 FROM import_batches WHERE {stale} LIMIT 1", (cutoff,)).fetchone() is None:
        return 0  # the usual case: a read, no write lock taken
    with transaction(db) as conn:
        return conn.execute(f"UPDATE import_batches SET status = 'interrupted', updated_at = ? WHERE {stale}",
                            (utcnow(), cutoff)).rowcount


def import_file(db: sqlite_utils.Database, kind: str, path: str | Path, *, scope: Scope,
                user_id: int | None = None, progress: bool = True, today: date | None = None,
                batch_id: int | None = None) -> ImportResult:
    """Import a worker or job ledger (see the module docstring) as far as ``scope`` covers its rows;
    returns the batch's report. ``batch_id``: a batch made beforehand (:func:`create_batch`, a background
    job); otherwise one is made here.

    Raises ``LedgerError``/``SpreadsheetError`` (Chinese message) when the file as a whole cannot be read;
    nothing is written then (a batch made beforehand is marked failed with the reason).
    """
    if kind not in KINDS:
        raise LedgerError(f"未知的导入类型“{kind}”：只能是 workers 或 jobs。")
    path = Path(path)
    if batch_id is not None:
        try:
            ledger = open_ledger(kind, path, tick=lambda: _heartbeat(db, batch_id))
        except ActionError as exc:
            fail_batch(db, batch_id, exc.message)
            raise
    else:
        ledger = open_ledger(kind, path)
        batch_id = create_batch(db, kind, path.name, user_id=user_id, status="running")
    now = utcnow()
    with transaction(db) as conn:
        conn.execute("UPDATE import_batches SET file_sha256 = ?, total_rows = ?, status = 'running', heartbeat_at = ?,"
                     " updated_at = ? WHERE id = ?", (ledger.sha256, ledger.total_rows, now, now, batch_id))
    result = ImportResult(batch_id=batch_id, kind=kind, filename=path.name, total_rows=ledger.total_rows,
                          ignored_columns=ledger.ignored)
    importer = _Importer(db, kind, batch_id, today, scope)
    bar = None
    if progress and ledger.total_rows >= PROGRESS_MIN_ROWS:
        from tqdm import tqdm

        bar = tqdm(total=ledger.total_rows, unit="行", desc=f"导入{'求职者' if kind == 'workers' else '岗位'}",
                   leave=False)
    handled = 0
    rejected_rows: set[int] = set()
    try:
        chunk: list[_Row] = []
        rows = ledger.rows()
        while True:
            chunk = [row for _, row in zip(range(CHUNK_ROWS), rows)]
            if not chunk:
                break
            rejects: list = []
            writes: list = []
            for row in chunk:
                outcome = importer.check(row, rejects, writes)
                if outcome == "unchanged":
                    result.unchanged += 1
            handled += len(chunk)
            importer.flush(rejects, writes, result, handled, rejected_rows)
            if bar is not None:
                bar.update(len(chunk))
    except ActionError as exc:  # the file turned out broken part-way (the first pass read it whole, so rare)
        fail_batch(db, batch_id, exc.message)
        raise
    finally:
        if bar is not None:
            bar.close()
    result.ignored_columns = ledger.ignored
    now = utcnow()
    with transaction(db) as conn:
        conn.execute("UPDATE import_batches SET status = 'done', finished_at = ?, heartbeat_at = ?, updated_at = ?"
                     " WHERE id = ?", (now, now, now, batch_id))
    audit(db, "ledger.import", user_id=user_id, entity="import_batch", entity_id=batch_id,
          detail={"kind": kind, "filename": path.name, "rows": result.total_rows, "added": result.added,
                  "updated": result.updated, "unchanged": result.unchanged, "rejected": result.rejected})
    log.info("import batch %s (%s): %d rows, %d added, %d updated, %d unchanged, %d rejected",
             batch_id, kind, result.total_rows, result.added, result.updated, result.unchanged, result.rejected)
    return result


def get_batch(db: sqlite_utils.Database, batch_id: int) -> dict | None:
    """One import batch with its rejections (``rejections``: dicts ordered by row number), ``status_label``
    in Chinese (a silent running batch is marked interrupted first)."""
    mark_interrupted(db)
    cur = db.conn.execute("SELECT * FROM import_batches WHERE id = ?", (batch_id,))
    row = cur.fetchone()
    if row is None:
        return None
    batch = dict(zip([d[0] for d in cur.description], row))
    batch["status_label"] = STATUS_LABELS.get(batch["status"], batch["status"])
    cur = db.conn.execute("SELECT row_number, external_id, field, reason FROM import_rejections"
                          " WHERE batch_id = ? ORDER BY row_number, id", (batch_id,))
    batch["rejections"] = [dict(zip(("row_number", "external_id", "field", "reason"), r)) for r in cur]
    return batch


def list_batches(db: sqlite_utils.Database, *, run_by: int | None, kind: str | None = None, limit: int = 50,
                 offset: int = 0) -> list[dict]:
    """Recent import batches, newest first (without their rejections): those run by user ``run_by``, or
    everyone's when it is None."""
    mark_interrupted(db)
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
    batches = [dict(zip(names, r)) for r in cur]
    for batch in batches:
        batch["status_label"] = STATUS_LABELS.get(batch["status"], batch["status"])
    return batches
