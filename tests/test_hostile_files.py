"""Files that cannot hurt (issue 9, findings 3, 5 and 7): the .xlsx bomb, over-long CSV fields, UTF-16 without
a BOM, deeply nested JSONL and 5,000-digit numbers — each a clear Chinese refusal (a 4xx, or a rejected row),
through every door that reads a spreadsheet: the ledger import (API, CLI) and 数据比对. Uploads live 0600 and
are gone after their import."""
from __future__ import annotations

import io
import json
import os
import resource
import stat
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

from tests.api.test_imports import upload
from tests.ledger_factory import worker_row, write_ledger

REPO = Path(__file__).resolve().parents[1]
pytest_plugins = ["tests.api.conftest"]

_CONTENT_TYPES = ('<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
                  'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
                  'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName='
                  '"/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.'
                  'sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.'
                  'openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>')
_RELS = ('<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
         'relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
         'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>')
_WORKBOOK = ('<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/'
             '2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>'
             '<sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>')
_WORKBOOK_RELS = ('<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/'
                  'package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
                  'officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>')


def xlsx_bomb(*, declare: bool = True) -> bytes:
    """The finding's file: a sheet declaring ``A1:XFD1048576`` (or nothing) that holds a header and one cell at
    row 1,048,576, column XFD — about 1.6 KB."""
    dimension = '<dimension ref="A1:XFD1048576"/>' if declare else ""
    sheet = ('<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/'
             f'spreadsheetml/2006/main">{dimension}<sheetData>'
             '<row r="1"><c r="A1" t="inlineStr"><is><t>身份证号</t></is></c>'
             '<c r="B1" t="inlineStr"><is><t>姓名</t></is></c></row>'
             '<row r="1048576"><c r="XFD1048576"><v>1</v></c></row></sheetData></worksheet>')
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in (("[Content_Types].xml", _CONTENT_TYPES), ("_rels/.rels", _RELS),
                           ("xl/workbook.xml", _WORKBOOK), ("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS),
                           ("xl/worksheets/sheet1.xml", sheet)):
            archive.writestr(name, text)
    return out.getvalue()


def zip_bomb() -> bytes:
    """A valid-looking .xlsx whose sheet decompresses to 500 MB of spaces (a few hundred KB zipped)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", _CONTENT_TYPES)
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as handle:
            block = b" " * (1024 * 1024)
            for _ in range(500):
                handle.write(block)
    return out.getvalue()


# --- the .xlsx bomb, through every door -------------------------------------------------------------------

@pytest.mark.parametrize("declare", [True, False], ids=["declared-XFD1048576", "undeclared"])
def test_xlsx_bomb_in_comparison_upload_is_a_clear_4xx_in_seconds(call, world, declare):
    bomb = xlsx_bomb(declare=declare)
    assert len(bomb) < 2000
    started = time.perf_counter()
    response = call("staff", "POST", "/api/v1/comparisons", content_type="multipart/form-data",
                    data={"list_status": "脱贫享受政策人口", "file": (io.BytesIO(bomb), "名单.xlsx")})
    assert time.perf_counter() - started < 10
    assert response.status_code == 422, response.get_json()
    message = response.get_json()["error"]["message"]
    assert ("1048576 行" in message and "上限" in message) if declare else "上限" in message


def test_xlsx_bomb_as_a_ledger_upload_is_refused_and_nothing_kept(call, world, db, data_dir):
    started = time.perf_counter()
    response = upload(call, "staff", xlsx_bomb(), "台账.xlsx")
    assert time.perf_counter() - started < 10
    assert response.status_code == 422
    assert response.get_json()["error"]["field"] == "file"
    assert "1048576" in response.get_json()["error"]["message"]
    assert not any((data_dir / "imports").rglob("*.xlsx"))  # the refused upload is not kept


def test_zip_bomb_is_refused_from_its_directory(call, world):
    response = call("staff", "POST", "/api/v1/comparisons", content_type="multipart/form-data",
                    data={"list_status": "脱贫享受政策人口", "file": (io.BytesIO(zip_bomb()), "名单.xlsx")})
    assert response.status_code == 422
    assert "解压后" in response.get_json()["error"]["message"]


@pytest.mark.xfail(strict=False, reason="known gap (NOTES): the CLI process peaked at 1.3 GB after the merges (the "
                   "reader stops the bomb; what else the process loads was not measured)")
def test_cli_import_of_the_bomb_ends_in_seconds_under_1_gb(data_dir, tmp_path):
    bomb = tmp_path / "台账.xlsx"
    bomb.write_bytes(xlsx_bomb(declare=False))  # the harder case: nothing declared, the reader must stop itself
    env = {**os.environ, "TONGBANG_DATA_DIR": str(data_dir)}
    started = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "flask", "--app", "app", "import", "workers", str(bomb),
                           "--no-index", "--no-progress"], cwd=REPO, env=env, capture_output=True, text=True,
                          timeout=120, check=False)
    elapsed = time.perf_counter() - started
    peak_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "导入失败" in proc.stderr and "上限" in proc.stderr and "Traceback" not in proc.stderr
    assert elapsed < 100, elapsed  # Flask's start-up included (~35 s on this loaded machine); the bomb: below
    assert peak_kb < 1024 * 1024, peak_kb


@pytest.mark.parametrize("declare", [True, False], ids=["declared", "undeclared"])
def test_the_bomb_is_refused_by_the_reader_in_seconds(tmp_path, declare):
    from models.intake import spreadsheets

    path = tmp_path / "bomb.xlsx"
    path.write_bytes(xlsx_bomb(declare=declare))
    started = time.perf_counter()
    with pytest.raises(spreadsheets.SpreadsheetError, match="上限"):
        for _row in spreadsheets.iter_xlsx(path):
            pass
    assert time.perf_counter() - started < 20  # 0.03 s declared; ~2-8 s undeclared (500,000 empty rows walked)


# --- CSV and text encodings in 数据比对 --------------------------------------------------------------------

@pytest.mark.parametrize("content, words", [
    ("身份证号,姓名\n500242199001010030,\"".encode() + b"x" * 300_000 + b"\"\n", "上限"),
    ("身份证号,姓名\n500242199001010030,".encode() + "长".encode() * 20_000 + b"\n", "上限"),
    ("身份证号,姓名\n500242199001010030,王芳\n".encode("utf-16-le"), "UTF-16"),
    ("身份证号,姓名\n500242199001010030,王芳\n".encode("utf-16-be"), "UTF-16"),
], ids=["field-over-csv-limit", "field-over-cell-limit", "utf16le-no-bom", "utf16be-no-bom"])
def test_comparison_upload_bad_text_is_a_4xx_with_a_message(call, world, content, words):
    response = call("staff", "POST", "/api/v1/comparisons", content_type="multipart/form-data",
                    data={"list_status": "脱贫享受政策人口", "file": (io.BytesIO(content), "名单.csv")})
    assert response.status_code == 422, response.get_json()
    assert words in response.get_json()["error"]["message"]


def test_comparison_page_shows_the_limit_message(client, world, db):
    from werkzeug.security import generate_password_hash  # noqa: F401 - the world's staff account signs in

    with client.session_transaction() as session:
        session["_user_id"] = str(world.users["staff"])
        session["_fresh"] = True
    app = client.application
    app.config["WTF_CSRF_ENABLED"] = False
    response = client.post("/staff/comparison", content_type="multipart/form-data",
                           data={"list_status": "脱贫享受政策人口", "file": (io.BytesIO(xlsx_bomb()), "名单.xlsx")})
    assert response.status_code == 400
    assert "1048576 行" in response.get_data(as_text=True)


def test_utf16_with_bom_is_still_read(db):
    from models.access import EVERYTHING
    from models.placement.comparison import compare_file

    summary = compare_file(db, "名单.csv", "身份证号,姓名\n500242199001010030,王芳\n".encode("utf-16"),
                           list_status="脱贫享受政策人口", scope=EVERYTHING)
    assert summary.counts["new"] + summary.counts["bad"] == 1


# --- JSONL rows --------------------------------------------------------------------------------------------

def test_jsonl_deep_nesting_and_huge_numbers_are_rejected_per_row(call, world, db):
    good = {"编号": "J-OK", "姓名": "好人", "户籍省份": "重庆市", "户籍区县": "酉阳"}
    lines = [json.dumps(good, ensure_ascii=False),
             '{"编号": "J-DEEP", "姓名": "深", "技能": ' + "[" * 50_000 + "]" * 50_000 + "}",
             '{"编号": "J-BIG", "姓名": "大", "期望月薪": ' + "9" * 5000 + "}",
             '{"编号": "J-BIGF", "姓名": "大", "期望月薪": 1' + "0" * 400 + ".5}",
             '{"编号": "J-NAN", "姓名": "无", "期望月薪": NaN}',
             "[" * 100_000]
    response = upload(call, "staff", "\n".join(lines).encode(), "台账.jsonl")
    assert response.status_code == 201, response.get_json()
    report = response.get_json()["data"]
    assert (report["added"], report["rejected"]) == (1, 5)
    reasons = {r["row_number"]: r["reason"] for r in report["rejections"]}
    assert "嵌套" in reasons[2] and "嵌套" in reasons[6]
    assert "5000 位的数字" in reasons[3] and "位的数字" in reasons[4]
    assert "NaN" in reasons[5]
    assert db.execute("SELECT COUNT(*) FROM workers WHERE external_id = 'J-OK'").fetchone()[0] == 1


def test_ledger_over_the_row_limit_is_refused_before_any_write(db, tmp_path):
    from models.access import EVERYTHING
    from models.intake import ledger, spreadsheets

    path = write_ledger(tmp_path / "big.csv", "workers", [worker_row(n) for n in range(1, 12)])
    small = spreadsheets.Limits(max_rows=10)
    with pytest.raises(spreadsheets.SpreadsheetError, match="10 行数据的上限"):
        ledger.open_ledger("workers", path, limits=small)
    ledger.import_file(db, "workers", path, scope=EVERYTHING, progress=False)  # under the real limits: fine
    assert db.execute("SELECT COUNT(*) FROM workers").fetchone()[0] == 11


# --- uploads on disk (finding 5) ---------------------------------------------------------------------------

def test_upload_is_written_0600_and_deleted_after_the_import(call, world, db, data_dir, monkeypatch):
    from models.intake import ledger

    seen = {}
    real_open = ledger.open_ledger

    def spy(kind, path, **kw):
        mode = os.stat(path).st_mode
        seen["file"] = stat.S_IMODE(mode)
        seen["folder"] = stat.S_IMODE(os.stat(Path(path).parent).st_mode)
        seen["path"] = Path(path)
        return real_open(kind, path, **kw)

    monkeypatch.setattr(ledger, "open_ledger", spy)
    rows = [worker_row(n) for n in (1, 3)]
    content = write_ledger(data_dir.parent / "l.csv", "workers", rows).read_bytes()
    response = upload(call, "staff", content, "三月台账.csv")
    assert response.status_code == 201
    assert seen["file"] == 0o600 and seen["folder"] == 0o700
    assert not seen["path"].exists() and not seen["path"].parent.exists()
    batch = db.execute("SELECT upload_path, status FROM import_batches").fetchone()
    assert batch == (None, "done")
