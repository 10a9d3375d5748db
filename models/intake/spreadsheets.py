"""Spreadsheets in and out, safely: the one place that reads the files staff upload (worker and job ledgers,
数据比对 lists; the browser, the API and ``flask import`` all come here) and the one helper every .xlsx and
.csv the platform writes passes its cells through.

Reading. An uploaded file is hostile until shown otherwise: a 1.6 KB .xlsx can declare ``A1:XFD1048576``
and make a naive reader build seventeen billion empty cells; a CSV can hold a 100 MB field; a JSONL line
can nest ten thousand arrays or carry a 5,000-digit number. So:

- every limit in :class:`Limits` is checked BEFORE any work on the rows starts (:func:`check_xlsx` reads the
  zip directory and the sheet's declared dimension, not the cells; the row readers stop at the first row
  over a limit), and an over-limit file raises :class:`SpreadsheetError`, an ``ActionError`` whose Chinese
  message names the row, the column or the size and the limit;
- .xlsx is read with openpyxl in read-only (streaming) mode, with the declared dimension thrown away
  (``reset_dimensions``) so rows are never padded to what the file claims; a decompressed member can never
  be larger than the size its zip entry declares (``zipfile`` stops there), so the sum of declared sizes
  bounds the work;
- text (CSV, JSONL) is UTF-8 (with or without BOM), UTF-16 with a BOM, or GB18030 (what Chinese Excel
  writes); UTF-16 without a BOM is refused with a message saying how to save the file, never guessed;
- JSONL problems are per row (a row that nests too deeply or holds a number too long to be anything real is
  rejected with its line number and the import goes on), as the data contract wants.

Writing. :func:`safe_cell` neutralises text that a spreadsheet program would run as a formula (starting
with ``=``, ``+``, ``-``, ``@``, tab or carriage return; OWASP's CSV-injection advice) by putting an
apostrophe in front; :func:`append_row` and :func:`csv_rows` apply it to every cell of every row written.
"""
from __future__ import annotations

import csv
import io
import json
import os
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path
from typing import Any, BinaryIO

from models.errors import ActionError


@dataclass(frozen=True)
class Limits:
    """What an uploaded file may hold. Each value with its reason."""

    #: The file as uploaded. The largest real ledger we have seen is a 30 MB CSV of 375,814 rows.
    max_file_bytes: int = 64 * 1024 * 1024
    #: An .xlsx's members once decompressed (sheet XML is ~10x its zipped size; 375k rows ≈ 250 MB).
    max_unpacked_bytes: int = 400 * 1024 * 1024
    #: Members of an .xlsx zip (a workbook has a dozen; thousands means something else).
    max_zip_members: int = 1000
    #: Data rows (a province-wide ledger is a few hundred thousand; Excel's own limit is 1,048,576).
    max_rows: int = 500_000
    #: Columns (a ledger has 18, a 数据比对 list a handful; Excel allows 16,384).
    max_columns: int = 200
    #: Characters in one cell (the longest real field is 工作经历, a few hundred characters; Excel: 32,767).
    max_cell_chars: int = 10_000
    #: Characters on one JSONL line.
    max_line_chars: int = 200_000
    #: Nesting in a JSONL row: an object of lists (``{"skills": ["电焊"]}``) is depth 2.
    max_json_depth: int = 3
    #: Digits of a number in a JSONL row (a resident ID has 18; salaries and years far fewer).
    max_number_digits: int = 20


LIMITS = Limits()


class SpreadsheetError(ActionError):
    """The file as a whole cannot be read (too large, over a limit, unreadable); ``str(e)`` is Chinese."""

    def __init__(self, message: str, field: str | None = "file") -> None:
        super().__init__(message, field=field)


def _mb(n: int) -> str:
    return f"{n / 1024 / 1024:.0f} MB"


def check_size(size: int, limits: Limits = LIMITS) -> None:
    """Refuse a file larger than ``limits.max_file_bytes``."""
    if size > limits.max_file_bytes:
        raise SpreadsheetError(f"文件太大（{size / 1024 / 1024:.1f} MB），单个文件最大 {_mb(limits.max_file_bytes)}："
                               "请把台账拆成几个文件分别导入。")


# --- text --------------------------------------------------------------------------------------------------

ENCODING_HELP = "请在 Excel 中“另存为”→“CSV UTF-8（逗号分隔）”后重新上传。"


def detect_encoding(data: bytes) -> str:
    """The text encoding of a CSV/JSONL file: UTF-8 (BOM or not), UTF-16 with a BOM, then GB18030, then a best
    guess (charset_normalizer). UTF-16 without a BOM is refused (``SpreadsheetError``)."""
    if data.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf-16"
    if b"\x00" in data[:4096]:
        raise SpreadsheetError("文件是 UTF-16 编码但缺少字节顺序标记（BOM），无法可靠识别文字。" + ENCODING_HELP)
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

    best = from_bytes(data[:1024 * 1024]).best()
    if best is None:
        raise SpreadsheetError("无法识别文件的文字编码。" + ENCODING_HELP)
    return best.encoding


def decode_text(data: bytes) -> str:
    """The file's text in its detected encoding (:func:`detect_encoding`)."""
    encoding = detect_encoding(data)
    try:
        text = data.decode(encoding)
    except (UnicodeDecodeError, LookupError) as exc:
        raise SpreadsheetError("无法识别文件的文字编码。" + ENCODING_HELP) from exc
    if "\x00" in text:
        raise SpreadsheetError("文件中含有空字符（\\0），不是文本表格。" + ENCODING_HELP)
    return text


def _check_cells(number: int, cells: list, limits: Limits) -> None:
    if len(cells) > limits.max_columns:
        raise SpreadsheetError(f"第 {number} 行有 {len(cells)} 列，超过上限 {limits.max_columns} 列："
                               "请删除多余的列后重新上传。")
    for index, value in enumerate(cells):
        if isinstance(value, str) and len(value) > limits.max_cell_chars:
            raise SpreadsheetError(f"第 {number} 行第 {index + 1} 列的内容有 {len(value)} 个字，"
                                   f"超过单元格上限 {limits.max_cell_chars} 字：请检查该单元格。")


def _too_many_rows(limits: Limits) -> SpreadsheetError:
    return SpreadsheetError(f"文件超过 {limits.max_rows} 行数据的上限：请把台账拆成几个文件分别导入。")


def iter_csv(text: str, limits: Limits = LIMITS) -> Iterator[tuple[int, list[str]]]:
    """(line number, cells) per non-blank CSV row, cells stripped; delimiter sniffed (comma, tab, semicolon).
    Raises ``SpreadsheetError`` at the first row over a limit or a CSV syntax error."""
    first = text[:4096].splitlines()[0] if text.strip() else ","
    try:
        dialect = csv.Sniffer().sniff(first, delimiters=",\t;")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text, newline=""), dialect)
    rows = 0
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            if "field larger than field limit" in str(exc):
                raise SpreadsheetError(f"第 {reader.line_num} 行附近有一个单元格超过 {limits.max_cell_chars} 字的上限"
                                       "（常见原因：引号没有配对）：请检查该行。") from None
            raise SpreadsheetError(f"CSV 文件第 {reader.line_num} 行格式有误（{exc}），无法读取。") from None
        if all(not c.strip() for c in cells):
            continue
        rows += 1
        if rows > limits.max_rows + 1:  # + the header row
            raise _too_many_rows(limits)
        _check_cells(reader.line_num, cells, limits)
        yield reader.line_num, [c.strip() for c in cells]


# --- xlsx --------------------------------------------------------------------------------------------------

def check_xlsx(source: str | Path | BinaryIO, limits: Limits = LIMITS) -> None:
    """The checks of an .xlsx that cost nothing but its zip directory: a zip at all, the number of members and
    the sum of their declared decompressed sizes. Raises ``SpreadsheetError``."""
    try:
        with zipfile.ZipFile(source) as archive:
            members = archive.infolist()
    except Exception as exc:  # BadZipFile, NotImplementedError (an unknown zip version), OSError, ...
        raise SpreadsheetError("无法读取该 Excel 文件：文件已损坏，或不是 .xlsx 格式（.xls 请先另存为 .xlsx）。") from exc
    finally:
        if hasattr(source, "seek"):
            source.seek(0)
    if len(members) > limits.max_zip_members:
        raise SpreadsheetError(f"该 Excel 文件包含 {len(members)} 个内部文件，不是正常的表格文件。")
    unpacked = sum(m.file_size for m in members)
    if unpacked > limits.max_unpacked_bytes:
        raise SpreadsheetError(f"该 Excel 文件解压后有 {unpacked / 1024 / 1024:.0f} MB，超过 "
                               f"{_mb(limits.max_unpacked_bytes)} 的上限：请拆分后重新上传，或另存为 CSV。")


def excel_text(value: object) -> str:
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


def iter_xlsx(source: str | Path | BinaryIO, limits: Limits = LIMITS) -> Iterator[tuple[int, tuple]]:
    """(row number, raw cell values) per non-blank row of the first sheet, streamed (openpyxl read-only).

    Before the first row: :func:`check_xlsx`, and the sheet's declared dimension against the row and column
    limits. While reading: the real row number and width of every row (a file may declare nothing, or lie).
    """
    from openpyxl import load_workbook
    check_xlsx(source, limits)
    # openpyxl and zipfile fail on a corrupt file in many ways (BadZipFile, zlib.error, KeyError, XML parse
    # errors, ValueError, TypeError, ...: the fuzz test finds new ones); every one means "damaged file".
    try:
        workbook = load_workbook(source, read_only=True, data_only=True)
    except Exception as exc:
        raise SpreadsheetError("无法读取该 Excel 文件：文件已损坏，或不是 .xlsx 格式（.xls 请先另存为 .xlsx）。") from exc
    try:
        if not workbook.worksheets:
            return
        sheet = workbook.worksheets[0]
        if sheet.max_row is not None and sheet.max_column is not None:  # the sheet's declared <dimension>
            if sheet.max_row > limits.max_rows + 1:
                raise SpreadsheetError(f"该 Excel 工作表声明了 {sheet.max_row} 行，超过 {limits.max_rows} 行数据的上限"
                                       "（常见原因：整列或整表设置了格式）：请只复制有数据的区域到新文件后重新上传。")
            if sheet.max_column > limits.max_columns:
                raise SpreadsheetError(f"该 Excel 工作表声明了 {sheet.max_column} 列，超过 {limits.max_columns} 列的上限"
                                       "（常见原因：整行设置了格式）：请只复制有数据的区域到新文件后重新上传。")
        sheet.reset_dimensions()  # never pad rows to what the file declares: each row is as wide as its cells
        for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            if number > limits.max_rows + 1:
                raise _too_many_rows(limits)
            if len(values) > limits.max_columns:
                raise SpreadsheetError(f"第 {number} 行在第 {limits.max_columns} 列之后还有单元格，超过 "
                                       f"{limits.max_columns} 列的上限：请删除多余的列后重新上传。")
            if all(v is None or (isinstance(v, str) and not v.strip()) for v in values):
                continue
            _check_cells(number, list(values), limits)
            yield number, values
    except ActionError:
        raise
    except Exception as exc:  # a corrupt sheet fails in the parser's own ways (see above)
        raise SpreadsheetError("该 Excel 文件内容已损坏，无法读取。") from exc
    finally:
        workbook.close()


# --- JSONL -------------------------------------------------------------------------------------------------

class _RowProblem(ValueError):
    """A JSONL row that parses but may not be used; the message is Chinese."""


def nesting_exceeds(text: str, limit: int) -> bool:
    """Whether an object or list in the JSON ``text`` nests deeper than ``limit`` (brackets inside strings are
    skipped), checked before parsing so deep input never reaches the recursive parser: the JSONL ledger rows
    here and the API's request bodies (``app.api.common``)."""
    depth, in_string, escaped = 0, False, False
    for char in text:
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            if depth > limit:
                return True
        elif char in "]}":
            depth -= 1
    return False


def _depth(value: object) -> int:
    """Nesting depth of a parsed JSON value (a scalar is 0), iteratively (no recursion to exhaust)."""
    deepest, stack = 0, [(value, 0)]
    while stack:
        item, level = stack.pop()
        if isinstance(item, dict):
            stack.extend((v, level + 1) for v in item.values())
            deepest = max(deepest, level + 1)
        elif isinstance(item, list):
            stack.extend((v, level + 1) for v in item)
            deepest = max(deepest, level + 1)
    return deepest


def _json_loads(line: str, limits: Limits) -> object:
    def number(text: str) -> int | float:
        digits = sum(ch.isdigit() for ch in text)
        if digits > limits.max_number_digits:
            raise _RowProblem(f"该行有一个 {digits} 位的数字，超过 {limits.max_number_digits} 位的上限"
                              "（身份证号、手机号请写成带引号的文本）。")
        return float(text) if any(c in text for c in ".eE") else int(text)

    # A quick bound on nesting before parsing: more brackets than the depth allows cannot be a valid row.
    if nesting_exceeds(line, limits.max_json_depth):
        raise _RowProblem(f"该行的 JSON 嵌套超过 {limits.max_json_depth} 层，不是台账的一行"
                          "（应为 {\"字段\": 值, ...}，列表只能包含文字）。")
    return json.loads(line, parse_int=number, parse_float=number, parse_constant=_no_constant)


def _no_constant(name: str) -> float:
    raise _RowProblem(f"该行含有 {name}，不是有效的数值。")


def iter_jsonl(text: str, limits: Limits = LIMITS) -> Iterator[tuple[int, dict | str]]:
    """(line number, object) per non-blank line; a line that may not be used gives its Chinese reason instead
    (not JSON, not an object, too long, too deeply nested, a number of absurd length). Stops the file
    (``SpreadsheetError``) only past the row limit."""
    rows = 0
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        rows += 1
        if rows > limits.max_rows:
            raise _too_many_rows(limits)
        if len(line) > limits.max_line_chars:
            yield number, f"该行有 {len(line)} 个字符，超过单行 {limits.max_line_chars} 字符的上限。"
            continue
        try:
            value = _json_loads(line, limits)
        except _RowProblem as exc:
            yield number, str(exc)
            continue
        except (json.JSONDecodeError, RecursionError, ValueError):
            yield number, "该行不是有效的 JSON，无法读取。"
            continue
        if not isinstance(value, dict):
            yield number, "该行不是 JSON 对象（应为 {\"字段\": 值, ...}）。"
            continue
        if len(value) > limits.max_columns:
            yield number, f"该行有 {len(value)} 个字段，超过 {limits.max_columns} 个的上限。"
            continue
        too_long = next((k for k, v in value.items() if isinstance(v, str) and len(v) > limits.max_cell_chars), None)
        if too_long is not None:
            yield number, f"字段“{too_long}”超过 {limits.max_cell_chars} 字的上限。"
            continue
        if _depth(value) > limits.max_json_depth:
            yield number, f"该行的 JSON 嵌套超过 {limits.max_json_depth} 层，不是台账的一行。"
            continue
        yield number, value


# --- tables as a whole (数据比对 lists) --------------------------------------------------------------------

def read_table(filename: str, content: bytes, limits: Limits = LIMITS) -> list[tuple[int, list[str]]]:
    """(row number, text cells) of every non-blank row of an uploaded .xlsx or .csv (数据比对), after
    the same checks as a ledger. Raises ``SpreadsheetError`` for another type or a file over a limit."""
    check_size(len(content), limits)
    suffix = Path(filename or "").suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        return [(n, [excel_text(v) for v in values]) for n, values in iter_xlsx(io.BytesIO(content), limits)]
    if suffix in (".csv", ".txt"):
        return list(iter_csv(decode_text(content), limits))
    raise SpreadsheetError("只支持 .xlsx 或 .csv 文件。")


# --- writing -----------------------------------------------------------------------------------------------

#: What makes Excel, LibreOffice or Numbers treat a text cell as a formula (OWASP, "CSV Injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> object:
    """A cell value safe to write: text starting with a formula character gets a leading apostrophe (shown
    as text, never evaluated); numbers, dates and other values pass unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def append_row(sheet: Any, values: Iterable[object]) -> None:
    """``sheet.append`` with every cell through :func:`safe_cell`, and stored as a string when text (openpyxl
    would otherwise read a leading ``=`` as a formula)."""
    values = list(values)
    sheet.append([safe_cell(v) for v in values])
    row = sheet.max_row
    for column, value in enumerate(values, start=1):
        if isinstance(value, str):
            sheet.cell(row=row, column=column).data_type = "s"


def csv_rows(rows: Iterable[Iterable[object]]) -> str:
    """CSV text (UTF-8, Excel's dialect) of ``rows`` with every cell through :func:`safe_cell`."""
    out = io.StringIO()
    writer = csv.writer(out)
    for row in rows:
        writer.writerow([safe_cell(v) for v in row])
    return out.getvalue()


def write_private(path: Path, data: bytes) -> None:
    """Write ``data`` to a new file readable by this user only (mode 0600 from the start, not chmod after)."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
