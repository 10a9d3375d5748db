"""Fuzzing the upload entry points (issue 9): hypothesis throws generated ledgers and lists — CSV in several
encodings, JSONL of any JSON, .xlsx built from random cells or with flipped bytes, plain random bytes — at the
ledger import, 数据比对 and the API's upload endpoints, within a fixed time budget per target
(``TONGBANG_FUZZ_SECONDS``, default 15 s; examples stop being drawn when it is spent).

The property: nothing but a Chinese refusal or a report. A file is either refused as a whole with an
``ActionError`` on ``file`` (the API: a 4xx with a message), or imported with every row accounted for
(added + updated + unchanged + rejected = rows), and the API never answers 5xx.
"""
from __future__ import annotations

import csv
import io
import json
import os
import random
import re
import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from models.errors import ActionError

BUDGET = float(os.environ.get("TONGBANG_FUZZ_SECONDS", "15"))
#: One round: hypothesis draws this many new examples (and shrinks a failure in full); rounds repeat until
#: the budget is spent (hypothesis has no wall-clock budget of its own).
FUZZ = settings(max_examples=15, deadline=None, derandomize=False, database=None,
                suppress_health_check=list(HealthCheck))

HEADERS = ["编号", "姓名", "身份证号", "手机号", "户籍省份", "户籍区县", "帮扶身份", "学历", "技能", "期望月薪",
           "external_id", "name", "出生年份", "证书", "意向城市", ""]
CELL = st.one_of(
    st.text(max_size=40),
    st.sampled_from(["重庆市", "酉阳", "东乡", "甘肃省", "500242199001010030", "13812345678", "=HYPERLINK(\"x\")",
                     "+1", "-", "@", "\t", "初中", "脱贫享受政策人口", "9" * 30, "1e999", "NaN", "电焊、叉车"]),
    st.integers().map(str),
    st.floats(allow_nan=True).map(str),
)
ROWS = st.lists(st.lists(CELL, max_size=12), max_size=12)
JSON = st.recursive(st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
                    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
                    max_leaves=12)


def _csv(header: list[str], rows: list[list[str]], encoding: str, delimiter: str) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode(encoding, errors="replace")


def _xlsx(header: list[str], rows: list[list[str]]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    def cell(text: str) -> str:  # what Excel can hold; a leading = would make openpyxl write a formula
        text = ILLEGAL_CHARACTERS_RE.sub("", text)
        return "'" + text if text.startswith("=") else text

    book = Workbook()
    sheet = book.active
    sheet.append([cell(h) for h in header])
    for row in rows:
        sheet.append([cell(c) for c in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@st.composite
def ledger_files(draw) -> tuple[str, bytes]:
    """(file name, content) of a generated ledger or list in one of the accepted formats, or garbage."""
    kind = draw(st.sampled_from(["csv", "jsonl", "xlsx", "xlsx-flipped", "bytes"]))
    header = draw(st.lists(st.sampled_from(HEADERS), min_size=0, max_size=10))
    rows = draw(ROWS)
    if kind == "csv":
        encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "gb18030", "utf-16", "utf-16-le", "latin-1"]))
        return "台账.csv", _csv(header, rows, encoding, draw(st.sampled_from([",", "\t", ";"])))
    if kind == "jsonl":
        lines = draw(st.lists(st.one_of(
            st.dictionaries(st.sampled_from(HEADERS), st.one_of(CELL, JSON), max_size=8).map(
                lambda d: json.dumps(d, ensure_ascii=False)),
            JSON.map(json.dumps), st.text(max_size=30)), max_size=10))
        return "台账.jsonl", "\n".join(lines).encode("utf-8", errors="replace")
    if kind == "xlsx":
        return "台账.xlsx", _xlsx(header, rows)
    if kind == "xlsx-flipped":
        data = bytearray(_xlsx(header, rows))
        rng = random.Random(draw(st.integers(0, 2**32)))
        for _ in range(draw(st.integers(1, 20))):
            data[rng.randrange(len(data))] = rng.randrange(256)
        return "台账.xlsx", bytes(data)
    return draw(st.sampled_from(["台账.csv", "台账.xlsx", "台账.jsonl"])), draw(st.binary(max_size=2000))


class Budget:
    """Runs a hypothesis test in rounds until its seconds are spent; counts the examples tried."""

    def __init__(self, seconds: float) -> None:
        self.end = time.monotonic() + seconds
        self.runs = 0

    def spent(self) -> bool:
        self.runs += 1
        return False

    def run(self, test) -> None:
        while time.monotonic() < self.end:
            test()


def _refusal_is_clear(exc: ActionError) -> None:
    assert exc.field in ("file", "kind", "list_status"), (exc.field, exc.message)
    assert re.search(r"[\u4e00-\u9fff]", exc.message), exc.message
    assert "Traceback" not in exc.message


def test_fuzz_ledger_import(db, tmp_path):
    from models.access import EVERYTHING
    from models.intake import ledger

    budget = Budget(BUDGET)

    @FUZZ
    @given(ledger_files(), st.sampled_from(["workers", "jobs"]))
    def run(file, kind):
        budget.spent()
        name, content = file
        path = tmp_path / f"{budget.runs}-{name}"
        path.write_bytes(content)
        try:
            result = ledger.import_file(db, kind, path, scope=EVERYTHING, progress=False)
        except ActionError as exc:
            _refusal_is_clear(exc)
            return
        assert result.added + result.updated + result.unchanged + result.rejected == result.total_rows, result
        status, done = db.execute("SELECT status, done_rows FROM import_batches WHERE id = ?",
                                  (result.batch_id,)).fetchone()
        assert (status, done) == ("done", result.total_rows)

    budget.run(run)
    assert budget.runs > 10


def test_fuzz_comparison(db):
    from models.access import EVERYTHING
    from models.placement.comparison import compare_file

    budget = Budget(BUDGET)

    @FUZZ
    @given(ledger_files(), st.sampled_from(["x.csv", "x.xlsx", "x.txt"]))
    def run(file, name):
        budget.spent()
        _name, content = file
        try:
            summary = compare_file(db, name, content, list_status="脱贫享受政策人口", scope=EVERYTHING)
        except ActionError as exc:
            _refusal_is_clear(exc)
            return
        assert summary.batch_id > 0

    budget.run(run)
    assert budget.runs > 10


@pytest.mark.parametrize("url", ["/api/v1/imports", "/api/v1/comparisons"])
def test_fuzz_api_uploads_never_500(app, db, url):
    from models.people.api_tokens import create_token
    from models.people.users import create_user

    staff = create_user(db, "fuzzer", "pass-Word-123", "staff", scope_counties=["*"], scope_cities=["*"])
    headers = {"Authorization": f"Bearer {create_token(db, staff)[1]}"}
    client = app.test_client()
    budget = Budget(BUDGET / 2)

    @FUZZ
    @given(ledger_files(), st.sampled_from(["workers", "jobs", "", "people"]))
    def run(file, kind):
        budget.spent()
        name, content = file
        form = {"kind": kind, "list_status": "脱贫享受政策人口", "file": (io.BytesIO(content), name)}
        response = client.post(url, data=form, headers=headers, content_type="multipart/form-data")
        assert response.status_code < 500, response.get_data(as_text=True)[:500]
        if response.status_code >= 400:
            assert re.search(r"[\u4e00-\u9fff]", response.get_json()["error"]["message"])

    budget.run(run)
    assert budget.runs > 5
