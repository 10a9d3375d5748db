"""The annual report workbook, opened with openpyxl and checked against the database; dashboard data."""
from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

from openpyxl import load_workbook

sys.path.insert(0, str(Path(__file__).parent))

from placement_factory import make_job, make_worker

from models.access import EVERYTHING, Scope
from models.placement.follow_ups import record_follow_up
from models.placement.reports import annual_report_bytes, dashboard_data, report_figures, save_annual_report

TODAY = date(2026, 12, 1)


def _apply(db, worker, job, created="2026-03-01T00:00:00+00:00"):
    db.execute("INSERT INTO applications (worker_id, job_id, status, created_at, updated_at)"
               " VALUES (?, ?, '录用', ?, ?)", (worker, job, created, created))


def _build(db):
    from models.placement.placements import create_placement

    qd = make_job(db, "焊工", employer="青岛厂", city="青岛")
    yt = make_job(db, "包装工", employer="烟台厂", city="烟台")
    a = make_worker(db, "甲", county="东乡族自治县", status="脱贫享受政策人口")
    b = make_worker(db, "乙", county="东乡族自治县", status="一般农村劳动力")
    c = make_worker(db, "丙", province="重庆市", county="酉阳土家族苗族自治县", status="脱贫享受政策人口")
    d = make_worker(db, "丁", county="临夏县")
    db.execute("UPDATE workers SET created_at = '2026-01-15T00:00:00+00:00'")
    db.execute("UPDATE workers SET created_at = '2025-06-01T00:00:00+00:00' WHERE id = ?", (d,))
    db.execute("UPDATE jobs SET created_at = '2026-01-10T00:00:00+00:00'")
    for w, j in ((a, qd), (b, qd), (c, yt), (a, yt)):
        _apply(db, w, j)
    _apply(db, d, qd, created="2025-05-01T00:00:00+00:00")
    pa = create_placement(db, a, job_id=qd, start_date="2026-02-10")      # stable 3 and 6, subsidy
    pb = create_placement(db, b, job_id=qd, start_date="2026-03-01")      # stable 3 (no subsidy: status)
    pc = create_placement(db, c, job_id=yt, start_date="2026-05-20")      # left after 2 months
    pd = create_placement(db, d, job_id=qd, start_date="2025-11-15")      # 3-month date 2026-02-15: counts
    fus = [(pa, "2026-03-12", True), (pa, "2026-05-11", True), (pa, "2026-08-10", True),
           (pb, "2026-06-02", True), (pc, "2026-06-25", True), (pc, "2026-07-20", False),
           (pd, "2025-12-20", True), (pd, "2026-02-16", True)]
    for pid, on, employed in fus:
        record_follow_up(db, pid, date=on, channel="电话", still_employed=employed, today=TODAY)
    return {"a": a, "b": b, "c": c, "d": d}


def test_annual_workbook_figures_match_database(db):
    _build(db)
    wb = load_workbook(annual_report_bytes(db, 2026, TODAY, EVERYTHING))
    assert wb.sheetnames == ["按户籍区县", "按山东城市", "补贴名单", "说明"]
    ws = wb["按户籍区县"]
    header = [c.value for c in ws[2]]
    assert header == ["户籍区县", "登记人数", "匹配人数", "就业人数", "稳定3个月", "稳定6个月", "应发交通补贴", "回访次数"]
    table = {r[0]: dict(zip(header[1:], r[1:])) for r in ws.iter_rows(min_row=3, values_only=True)}
    # independent counts straight from SQL
    registered = db.execute("SELECT COUNT(*) FROM workers WHERE hukou_county = '东乡族自治县'"
                            " AND created_at LIKE '2026%'").fetchone()[0]
    assert registered == 2
    dongxiang = table["甘肃省 东乡族自治县"]
    assert dongxiang == {"登记人数": 2, "匹配人数": 2, "就业人数": 2, "稳定3个月": 2, "稳定6个月": 1,
                         "应发交通补贴": 1, "回访次数": 4}
    assert table["重庆市 酉阳土家族苗族自治县"]["稳定3个月"] == 0
    assert table["重庆市 酉阳土家族苗族自治县"]["回访次数"] == 2
    linxia = table["甘肃省 临夏县"]
    assert linxia["登记人数"] == 0 and linxia["就业人数"] == 0 and linxia["稳定3个月"] == 1
    assert linxia["应发交通补贴"] == 1 and linxia["回访次数"] == 1   # only the 2026 follow-up
    total = table["合计"]
    follow_ups_2026 = db.execute("SELECT COUNT(*) FROM follow_ups WHERE date LIKE '2026%'").fetchone()[0]
    placed_2026 = db.execute("SELECT COUNT(*) FROM placements WHERE start_date LIKE '2026%'").fetchone()[0]
    assert total["回访次数"] == follow_ups_2026 == 7
    assert total["就业人数"] == placed_2026 == 3
    assert total["稳定3个月"] == 3 and total["应发交通补贴"] == 2
    cities = {r[0]: r for r in wb["按山东城市"].iter_rows(min_row=3, values_only=True)}
    assert [c.value for c in wb["按山东城市"][2]][1] == "登记岗位"
    assert cities["青岛"][3] == 2 and cities["烟台"][3] == 1   # placed
    assert cities["合计"][7] == follow_ups_2026
    assert cities["青岛"][1] == 1 and cities["烟台"][1] == 1   # jobs posted in 2026
    subsidy_names = [r[0] for r in wb["补贴名单"].iter_rows(min_row=2, values_only=True)]
    assert sorted(subsidy_names) == ["丁", "甲"]


def test_saved_report_goes_to_data_dir(db, data_dir):
    _build(db)
    path = save_annual_report(db, 2026, TODAY)
    assert path == data_dir / "reports" / "tongbang_annual_2026.xlsx"
    assert load_workbook(path)["按户籍区县"]["A1"].value.startswith("同帮 2026")


def test_report_figures_for_empty_year(db):
    figures = report_figures(db, 2020, TODAY, EVERYTHING)
    assert figures["county"] == {} and all(v == 0 for v in figures["totals"].values())


def test_dashboard_data(db):
    _build(db)
    data = dashboard_data(db, TODAY, EVERYTHING)
    assert data["total"] == 4 and data["left"] == 1
    months = dict(zip(data["per_month"]["labels"], data["per_month"]["values"]))
    assert months["2026-02"] == 1 and months["2026-05"] == 1 and len(months) == 12
    cohort = {s["label"]: s for s in data["cohorts"]["series"]}
    assert cohort["2026-02"]["values"] == [1.0, 1.0, 1.0, None]
    assert cohort["2026-05"]["values"][1] == 0.0        # left before 3 months
    assert data["by_city"]["labels"][0] == "青岛" and data["by_city"]["placed"][0] == 3
    scoped = dashboard_data(db, TODAY, Scope(cities=frozenset({"烟台"})))
    assert scoped["total"] == 1


def test_notes_sheet_defines_the_figures_and_the_scope(db):
    _build(db)
    notes = [r[0] for r in load_workbook(annual_report_bytes(db, 2026, TODAY, Scope(cities=frozenset({"烟台"}))))["说明"]
             .iter_rows(values_only=True)]
    assert notes[0].startswith("登记人数：2026 年登记的求职者") and any("交通补贴" in n for n in notes)
    assert notes[-1] == "统计范围：户籍区县：无区县；就业城市：烟台"
