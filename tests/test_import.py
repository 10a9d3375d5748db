"""Ledger import: every format and header style, bad rows, idempotence, updates, duplicates, the CLI."""
from __future__ import annotations

import pytest

from models.access import EVERYTHING
from tests.ledger_factory import job_row, worker_row, write_ledger


def _import(db, kind, path, **kw):
    """The store-level import covering every row (the scope check itself: tests/actions/test_imports.py)."""
    from models.intake.ledger import import_file

    return import_file(db, kind, path, scope=EVERYTHING, progress=False, **kw)


FORMATS = [("x.jsonl", "utf-8"), ("x.csv", "utf-8"), ("x.csv", "utf-8-sig"), ("x.csv", "gbk"), ("x.xlsx", None)]


@pytest.mark.parametrize("chinese", [False, True], ids=["english", "chinese"])
@pytest.mark.parametrize("name,encoding", FORMATS, ids=["jsonl", "csv-utf8", "csv-bom", "csv-gbk", "xlsx"])
def test_import_workers_each_format(db, tmp_path, name, encoding, chinese):
    from models.people.workers import get_worker_by_external_id

    rows = [worker_row(n) for n in range(1, 6)]
    path = write_ledger(tmp_path / name, "workers", rows, chinese=chinese, encoding=encoding or "utf-8")
    result = _import(db, "workers", path)
    assert (result.added, result.updated, result.unchanged, result.rejected) == (5, 0, 0, 0), result.rejections
    assert result.ignored_columns == []
    worker = get_worker_by_external_id(db, "W00003")
    assert worker["name"] == "测试3"
    assert worker["hukou_county"] == "酉阳土家族苗族自治县"
    assert "电焊" in worker["skills"] and worker["desired_cities"] == ["青岛", "烟台"]
    assert worker["expected_salary"] == 6000
    assert worker["id_masked"].startswith("500242") and "*" in worker["id_masked"]
    assert "id_number" not in worker and "id_number_enc" not in worker
    batch = db.execute("SELECT kind, total_rows, added, rejected, finished_at FROM import_batches").fetchone()
    assert batch[:4] == ("workers", 5, 5, 0) and batch[4]


def test_gbk_csv_really_is_gbk(tmp_path):
    from models.intake.ledger import detect_encoding

    path = write_ledger(tmp_path / "g.csv", "workers", [worker_row(1)], chinese=True, encoding="gbk")
    data = path.read_bytes()
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    assert detect_encoding(data) == "gb18030"
    assert detect_encoding("编号".encode("utf-8-sig")) == "utf-8-sig"


@pytest.mark.parametrize("name", ["j.csv", "j.xlsx", "j.jsonl"])
def test_import_jobs_chinese_headers(db, tmp_path, name):
    from models.hiring.jobs import get_job_by_external_id, list_jobs

    rows = [job_row(n) for n in range(1, 5)]
    path = write_ledger(tmp_path / name, "jobs", rows, chinese=True)
    result = _import(db, "jobs", path)
    assert (result.added, result.rejected) == (4, 0), result.rejections
    job = get_job_by_external_id(db, "J0002")
    assert job["employer_name"] == "青岛测试制造有限公司2"
    assert job["required_certificates"] == ["焊工证"]
    assert job["salary_min"] == 6000 and job["salary_max"] == 8000
    assert job["description"].startswith("<script>")  # hostile text is stored as text, escaped when shown
    assert db.execute("SELECT COUNT(*) FROM employers").fetchone()[0] == 3
    rows_, total = list_jobs(db, city="青岛", status="open", limit=2)
    assert total == 4 and len(rows_) == 2


def test_bad_rows_are_reported_and_good_rows_kept(db, tmp_path):
    from models.intake.ledger import get_batch

    bad_id = worker_row(2)["id_number"][:17] + ("0" if worker_row(2)["id_number"][17] != "0" else "1")
    rows = [
        worker_row(1),                          # row 2
        worker_row(2, id_number=bad_id),        # row 3: bad check digit
        worker_row(3, phone="12345"),           # row 4: bad phone
        worker_row(4, name=""),                 # row 5: no name
        worker_row(5),                          # row 6
        worker_row(6, external_id="W00001"),    # row 7: 编号 repeated in the file
        worker_row(7),                          # row 8
    ]
    path = write_ledger(tmp_path / "mixed.csv", "workers", rows, chinese=True)
    result = _import(db, "workers", path)
    assert result.added == 3 and result.rejected == 4
    by_row = {n: (f, reason) for n, f, reason in result.rejections}
    assert by_row[3][0] == "id_number"
    assert by_row[4][0] == "phone"
    assert by_row[5][0] == "name"
    assert by_row[7][0] == "external_id" and "第 2 行" in by_row[7][1]
    ids = {r[0] for r in db.execute("SELECT external_id FROM workers")}
    assert ids == {"W00001", "W00005", "W00007"}
    batch = get_batch(db, result.batch_id)
    assert (batch["total_rows"], batch["added"], batch["rejected"]) == (7, 3, 4)
    stored = {(r["row_number"], r["field"]) for r in batch["rejections"]}
    assert {(3, "id_number"), (4, "phone"), (5, "name"), (7, "external_id")} <= stored
    assert all(r["reason"] for r in batch["rejections"])
    assert next(r for r in batch["rejections"] if r["row_number"] == 3)["external_id"] == "W00002"


def test_reimport_changes_nothing(db, tmp_path):
    rows = [worker_row(n) for n in range(1, 21)]
    path = write_ledger(tmp_path / "w.xlsx", "workers", rows)
    first = _import(db, "workers", path)
    assert first.added == 20
    before = db.execute("SELECT external_id, rev, updated_at, content_hash FROM workers ORDER BY id").fetchall()
    second = _import(db, "workers", path)
    assert (second.added, second.updated, second.unchanged, second.rejected) == (0, 0, 20, 0)
    after = db.execute("SELECT external_id, rev, updated_at, content_hash FROM workers ORDER BY id").fetchall()
    assert before == after
    assert second.batch_id != first.batch_id


def test_changed_row_updates_only_that_row(db, tmp_path):
    from models.people.workers import get_worker_by_external_id

    rows = [worker_row(n) for n in range(1, 6)]
    _import(db, "workers", write_ledger(tmp_path / "a.jsonl", "workers", rows))
    revs = dict(db.execute("SELECT external_id, rev FROM workers").fetchall())
    rows[2] = worker_row(3, expected_salary="7000", skills="电焊、氩弧焊")
    result = _import(db, "workers", write_ledger(tmp_path / "b.jsonl", "workers", rows))
    assert (result.added, result.updated, result.unchanged) == (0, 1, 4)
    worker = get_worker_by_external_id(db, "W00003")
    assert worker["expected_salary"] == 7000 and worker["skills"] == ["电焊", "氩弧焊"]
    new_revs = dict(db.execute("SELECT external_id, rev FROM workers").fetchall())
    assert new_revs["W00003"] > max(revs.values())
    assert all(new_revs[k] == v for k, v in revs.items() if k != "W00003")


def test_same_id_number_under_another_external_id_is_rejected(db, tmp_path):
    first = worker_row(1)
    _import(db, "workers", write_ledger(tmp_path / "a.csv", "workers", [first]))
    rows = [worker_row(2), worker_row(9, id_number=first["id_number"]),
            worker_row(10, id_number=worker_row(2)["id_number"])]
    result = _import(db, "workers", write_ledger(tmp_path / "b.csv", "workers", rows))
    assert result.added == 1 and result.rejected == 2
    reasons = {n: (f, r) for n, f, r in result.rejections}
    assert reasons[3][0] == "id_number" and "W00001" in reasons[3][1]
    assert reasons[4][0] == "id_number" and "W00002" in reasons[4][1]  # duplicate within the file
    assert db.execute("SELECT COUNT(*) FROM workers").fetchone()[0] == 2


def test_unknown_columns_reported_missing_required_column_refused(db, tmp_path):
    from models.intake.ledger import LedgerError

    path = tmp_path / "extra.csv"
    path.write_text("编号,姓名,备注,乱七八糟\nW1,张三,老乡介绍,x\nW2,李四,,\n", encoding="utf-8")
    result = _import(db, "workers", path)
    assert result.added == 2
    assert result.ignored_columns == ["备注", "乱七八糟"]
    missing = tmp_path / "missing.csv"
    missing.write_text("编号,手机号\nW3,13900000000\n", encoding="utf-8")
    with pytest.raises(LedgerError, match="姓名"):
        _import(db, "workers", missing)
    assert db.execute("SELECT COUNT(*) FROM workers").fetchone()[0] == 2


def test_jsonl_bad_line_does_not_stop_import(db, tmp_path):
    import json

    path = tmp_path / "w.jsonl"
    lines = [json.dumps(worker_row(1), ensure_ascii=False), "{not json", "",
             json.dumps(worker_row(2), ensure_ascii=False), "[1, 2]"]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = _import(db, "workers", path)
    assert result.added == 2 and result.rejected == 2
    assert sorted(n for n, _f, _r in result.rejections) == [2, 5]


def test_job_reimport_without_status_keeps_closed_posting_closed(db, tmp_path):
    from models.hiring.jobs import get_job_by_external_id, set_job_status

    rows = [job_row(1, status=""), job_row(2, status="")]
    path = write_ledger(tmp_path / "j.csv", "jobs", rows)
    assert _import(db, "jobs", path).added == 2
    job = get_job_by_external_id(db, "J0001")
    assert job["status"] == "open"
    set_job_status(db, job["id"], "closed")
    again = _import(db, "jobs", path)
    assert again.unchanged == 2
    assert get_job_by_external_id(db, "J0001")["status"] == "closed"


def test_cli_import_prints_counts_and_rejections(runner, tmp_path):
    rows = [worker_row(1), worker_row(2, phone="555"), worker_row(3)]
    path = write_ledger(tmp_path / "w.csv", "workers", rows, chinese=True, encoding="gbk")
    result = runner.invoke(args=["import", "workers", str(path)])
    assert result.exit_code == 0, result.output
    out = result.output
    assert "导入批次 #1" in out
    assert "新增 added: 2" in out and "更新 updated: 0" in out and "拒绝 rejected: 1" in out
    assert "未变 unchanged: 0" in out
    assert "第 3 行" in out and "手机号" in out
    again = runner.invoke(args=["import", "workers", str(path)])
    assert again.exit_code == 0 and "新增 added: 0" in again.output and "未变 unchanged: 2" in again.output


def test_cli_import_jobs(runner, tmp_path):
    path = write_ledger(tmp_path / "j.xlsx", "jobs", [job_row(1), job_row(2)], chinese=True)
    result = runner.invoke(args=["import", "jobs", str(path)])
    assert result.exit_code == 0, result.output
    assert "新增 added: 2" in result.output and "岗位" in result.output


@pytest.mark.parametrize("name,content,message", [
    ("nope.csv", None, "找不到文件"),
    ("ledger.xls", b"whatever", "不支持的文件类型"),
    ("ledger.txt", b"a,b", "不支持的文件类型"),
    ("broken.xlsx", b"this is not a zip file", "无法读取该 Excel 文件"),
    ("headers.csv", "编号,手机号\nW1,13900000000\n".encode(), "缺少必需的列"),
])
def test_cli_clear_error_without_traceback(runner, tmp_path, name, content, message):
    path = tmp_path / name
    if content is not None:
        path.write_bytes(content)
    result = runner.invoke(args=["import", "workers", str(path)])
    assert result.exit_code == 1
    assert message in result.output
    assert "Traceback" not in result.output


def test_excel_numeric_id_cell_gets_a_hint(db, tmp_path):
    from openpyxl import Workbook

    row = worker_row(1)
    wb = Workbook()
    ws = wb.active
    ws.append(["编号", "姓名", "身份证号"])
    ws.append([row["external_id"], row["name"], float(row["id_number"][:17] + "0")])  # Excel stored a number
    path = tmp_path / "num.xlsx"
    wb.save(path)
    result = _import(db, "workers", path)
    assert result.rejected == 1
    (_n, field, reason), = result.rejections
    assert field == "id_number" and "文本" in reason


def test_progress_bar_for_large_files(db, tmp_path, monkeypatch, capsys):
    from models.intake import ledger

    monkeypatch.setattr(ledger, "PROGRESS_MIN_ROWS", 3)
    path = write_ledger(tmp_path / "w.csv", "workers", [worker_row(n) for n in range(1, 5)])
    ledger.import_file(db, "workers", path, scope=EVERYTHING, progress=True)
    assert "导入求职者" in capsys.readouterr().err
    ledger.import_file(db, "workers", path, scope=EVERYTHING, progress=False)
    assert capsys.readouterr().err == ""


def test_import_is_audited_without_personal_data(db, tmp_path):
    path = write_ledger(tmp_path / "w.csv", "workers", [worker_row(1)])
    result = _import(db, "workers", path, user_id=None)
    action, entity_id, detail = db.execute("SELECT action, entity_id, detail FROM audit_log").fetchone()
    assert action == "ledger.import" and entity_id == result.batch_id
    assert worker_row(1)["id_number"] not in detail and worker_row(1)["phone"] not in detail


def test_id_number_moved_between_workers_in_one_file(db, tmp_path):
    """W1 corrects its ID number; the number it gave up may then be used by a new row in the same file."""
    a, b = worker_row(1), worker_row(2)
    _import(db, "workers", write_ledger(tmp_path / "a.csv", "workers", [a]))
    fixed = worker_row(1, id_number=b["id_number"])
    newcomer = worker_row(3, id_number=a["id_number"])
    result = _import(db, "workers", write_ledger(tmp_path / "b.csv", "workers", [fixed, newcomer]))
    assert (result.updated, result.added, result.rejected) == (1, 1, 0), result.rejections
