"""数据比对: an uploaded assistance list compared by keyed ID hash; nothing changes until applied."""
from __future__ import annotations

import io
import json
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from placement_factory import make_id, make_worker

from models.access import EVERYTHING
from models.placement.comparison import ComparisonError, apply_batch, compare_file, get_batch, read_rows

SAME = make_id(seq="101")
CHANGED = make_id(seq="102")
TYPO = make_id(seq="103")
DROPPED = make_id(seq="104")
NEW = make_id(seq="105")
OTHER = make_id(seq="106")


@pytest.fixture
def people(db):
    ids = {
        "same": make_worker(db, "王芳", id_number=SAME, status="脱贫享受政策人口"),
        "changed": make_worker(db, "李强", id_number=CHANGED, status="一般农村劳动力"),
        "typo": make_worker(db, "马晓东", id_number=TYPO, status="一般农村劳动力"),
        "dropped": make_worker(db, "赵四", id_number=DROPPED, status="脱贫享受政策人口"),
        "monitored": make_worker(db, "钱五", id_number=OTHER, status="防止返贫监测对象"),
        "no_id": make_worker(db, "孙六", status="脱贫享受政策人口"),
    }
    return ids


def _csv(rows, encoding="utf-8"):
    text = "身份证号,姓名\n" + "\n".join(f"{a},{b}" for a, b in rows) + "\n"
    return text.encode(encoding)


ROWS = [(SAME, "王芳"), (CHANGED.lower(), "李强"), (TYPO, "马小东"), (NEW, "新人"),
        ("622926199001011234", "校验错"), ("12345", "太短"), ("", "无号"), (make_id(seq="107"), ""),
        (SAME, "王芳")]


def test_compare_reports_every_kind_and_changes_nothing(db, people):
    summary = compare_file(db, "名单.csv", _csv(ROWS, "gb18030"), list_status="脱贫享受政策人口", scope=EVERYTHING)
    assert summary.counts == {"changed": 1, "mismatched": 1, "new": 1, "dropped": 1, "bad": 5, "matched": 1}
    batch, rows = get_batch(db, summary.batch_id)
    assert batch["total_rows"] == 9 and batch["applied_at"] is None
    by_kind = {}
    for r in rows:
        by_kind.setdefault(r["kind"], []).append(r)
    assert by_kind["changed"][0]["worker_id"] == people["changed"]
    assert by_kind["changed"][0]["old_status"] == "一般农村劳动力"
    assert by_kind["mismatched"][0]["worker_id"] == people["typo"] and "马晓东" in by_kind["mismatched"][0]["detail"]
    assert by_kind["dropped"][0]["worker_id"] == people["dropped"]   # 孙六 has no ID: not "dropped"
    assert {r["row_number"] for r in by_kind["bad"]} == {6, 7, 8, 9, 10}
    assert any("重复" in r["detail"] for r in by_kind["bad"])
    # nothing is written to workers before a staff member applies
    status = dict(db.execute("SELECT id, assistance_status FROM workers"))
    assert status[people["changed"]] == "一般农村劳动力" and status[people["typo"]] == "一般农村劳动力"
    # full ID numbers are never stored
    dump = json.dumps([list(r) for r in db.execute("SELECT * FROM comparison_rows")], ensure_ascii=False)
    for number in (SAME, CHANGED, TYPO, NEW):
        assert number not in dump
    assert "622926********105X" in dump or NEW[:6] + "********" + NEW[-4:] in dump


def test_apply_updates_status_once_and_audits(db, people):
    summary = compare_file(db, "名单.csv", _csv(ROWS), list_status="脱贫享受政策人口", scope=EVERYTHING)
    result = apply_batch(db, summary.batch_id, scope=EVERYTHING)
    assert result == {"applied": 1, "skipped": 0, "out_of_scope": 0, "already": False}
    status = dict(db.execute("SELECT id, assistance_status FROM workers"))
    assert status[people["changed"]] == "脱贫享受政策人口"
    assert status[people["typo"]] == "一般农村劳动力"      # name mismatch: never updated
    assert status[people["dropped"]] == "脱贫享受政策人口"  # dropped: reported, not guessed
    log = db.execute("SELECT entity_id, detail FROM audit_log WHERE action = 'worker.assistance_status'").fetchall()
    assert len(log) == 1 and log[0][0] == people["changed"]
    assert json.loads(log[0][1])["old"] == "一般农村劳动力"
    assert apply_batch(db, summary.batch_id, scope=EVERYTHING)["already"] is True
    actions = [r[0] for r in db.execute("SELECT action FROM audit_log")]
    assert "comparison.upload" in actions and "comparison.apply" in actions


def test_apply_skips_worker_edited_since_upload(db, people):
    summary = compare_file(db, "名单.csv", _csv(ROWS), list_status="脱贫享受政策人口", scope=EVERYTHING)
    db.execute("UPDATE workers SET assistance_status = '低保对象' WHERE id = ?", (people["changed"],))
    assert apply_batch(db, summary.batch_id, scope=EVERYTHING) == {"applied": 0, "skipped": 1, "out_of_scope": 0,
                                                                     "already": False}
    assert db.execute("SELECT assistance_status FROM workers WHERE id = ?",
                      (people["changed"],)).fetchone()[0] == "低保对象"


def test_xlsx_with_title_row_and_status_column(db, people):
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["2026年防止返贫监测对象名单"])
    ws.append(["序号", "姓名", "公民身份号码", "帮扶身份"])
    ws.append([1, "钱五", OTHER, "防止返贫监测对象"])
    ws.append([2, "李强", CHANGED, "防止返贫监测对象"])
    ws.append([3, "王芳", SAME, "乱写的身份"])
    buffer = io.BytesIO()
    wb.save(buffer)
    rows = read_rows("list.xlsx", buffer.getvalue())
    assert [(r.row_number, r.name) for r in rows] == [(3, "钱五"), (4, "李强"), (5, "王芳")]
    summary = compare_file(db, "list.xlsx", buffer.getvalue(), list_status="防止返贫监测对象", scope=EVERYTHING)
    assert summary.counts["matched"] == 1 and summary.counts["changed"] == 1 and summary.counts["bad"] == 1
    assert summary.counts["dropped"] == 0


def test_unreadable_files_are_refused(db):
    with pytest.raises(ComparisonError):
        compare_file(db, "x.pdf", b"%PDF", list_status="脱贫享受政策人口", scope=EVERYTHING)
    with pytest.raises(ComparisonError, match="表头"):
        compare_file(db, "x.csv", b"a,b\n1,2\n", list_status="脱贫享受政策人口", scope=EVERYTHING)
    with pytest.raises(ComparisonError, match="名单类型"):
        compare_file(db, "x.csv", _csv([(SAME, "王芳")]), list_status="低保对象", scope=EVERYTHING)
