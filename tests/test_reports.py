"""The annual report workbook, opened with openpyxl and checked against the database; dashboard data."""
from __future__ import annotations

import calendar
import re
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


def _table(ws) -> dict[str, dict]:
    header = [c.value for c in ws[2]]
    return {r[0]: dict(zip(header[1:], r[1:])) for r in ws.iter_rows(min_row=3, values_only=True)}


def _recompute(db, year: int) -> dict:
    """Every figure of the workbook recomputed straight from the tables (no report code): per county, per city."""
    y = f"{year}%"
    county: dict = {}
    city: dict = {}

    def bump(table, key, metric, n=1):
        table.setdefault(key, dict.fromkeys(
            ("登记人数", "匹配人数", "就业人数", "稳定3个月", "稳定6个月", "应发交通补贴", "回访次数"), 0))
        table[key][metric] += n

    label = {wid: (f"{p} {c}" if c else "未登记") for wid, p, c in
             db.execute("SELECT id, hukou_province, hukou_county FROM workers")}
    for wid, in db.execute("SELECT id FROM workers WHERE created_at LIKE ?", (y,)):
        bump(county, label[wid], "登记人数")
    for c, in db.execute("SELECT city FROM jobs WHERE created_at LIKE ?", (y,)):
        bump(city, c, "登记人数")
    seen = set()
    for wid, c in db.execute("SELECT a.worker_id, j.city FROM applications a JOIN jobs j ON j.id = a.job_id"
                             " WHERE a.created_at LIKE ? ORDER BY a.created_at DESC, a.id DESC", (y,)):
        if wid not in seen:
            seen.add(wid)
            bump(county, label[wid], "匹配人数")
            bump(city, c, "匹配人数")
    for pid, wid, c, start, end, status, province in db.execute(
            "SELECT p.id, p.worker_id, p.city, p.start_date, p.end_date, w.assistance_status, w.hukou_province"
            " FROM placements p JOIN workers w ON w.id = p.worker_id"):
        fus = db.execute("SELECT date, still_employed FROM follow_ups WHERE placement_id = ? ORDER BY date",
                         (pid,)).fetchall()
        n = sum(1 for d, _ in fus if d.startswith(str(year)))
        bump(county, label[wid], "回访次数", n)
        bump(city, c, "回访次数", n)
        if not start.startswith(str(year)):
            continue
        left = min([d for d, ok in fus if not ok] + ([end] if end else []), default="9999")
        confirmed = [d for d, ok in fus if ok and d <= left]

        def stable(months, start=start, confirmed=confirmed):
            s = date.fromisoformat(start)
            year_, month_ = s.year + (s.month - 1 + months) // 12, (s.month - 1 + months) % 12 + 1
            due = date(year_, month_, min(s.day, calendar.monthrange(year_, month_)[1])).isoformat()
            return any(d >= due for d in confirmed)

        for table, key in ((county, label[wid]), (city, c)):
            bump(table, key, "就业人数")
            bump(table, key, "稳定3个月", int(stable(3)))
            bump(table, key, "稳定6个月", int(stable(6)))
            bump(table, key, "应发交通补贴", int(stable(3) and province == "甘肃省"
                                               and status in ("脱贫享受政策人口", "防止返贫监测对象")))
    drop = {k for t in (county, city) for k, v in t.items() if not any(v.values())}
    return {"county": {k: v for k, v in county.items() if k not in drop},
            "city": {k: v for k, v in city.items() if k not in drop}}


def test_annual_workbook_figures_match_database(db):
    _build(db)
    wb = load_workbook(annual_report_bytes(db, 2026, TODAY, EVERYTHING))
    assert wb.sheetnames == ["按户籍区县", "按山东城市", "补贴名单", "说明"]
    ws = wb["按户籍区县"]
    header = [c.value for c in ws[2]]
    assert header == ["户籍区县", "登记人数", "匹配人数", "就业人数", "稳定3个月", "稳定6个月", "应发交通补贴", "回访次数"]
    counties, cities = _table(ws), _table(wb["按山东城市"])
    assert [c.value for c in wb["按山东城市"][2]][1] == "登记岗位"
    expected = _recompute(db, 2026)
    # every figure of both sheets, recomputed from the tables
    assert {k: v for k, v in counties.items() if k != "合计"} == expected["county"]
    city_rows = {k: {("登记人数" if m == "登记岗位" else m): n for m, n in v.items()}
                 for k, v in cities.items() if k != "合计"}
    assert city_rows == expected["city"]
    assert counties["甘肃省 东乡族自治县"] == {"登记人数": 2, "匹配人数": 2, "就业人数": 2, "稳定3个月": 2,
                                          "稳定6个月": 1, "应发交通补贴": 1, "回访次数": 4}
    # 丁 started in November 2025: the 2026 report counts their 2026 follow-up only, not a 2026 stability
    assert counties["甘肃省 临夏县"] == {"登记人数": 0, "匹配人数": 0, "就业人数": 0, "稳定3个月": 0,
                                      "稳定6个月": 0, "应发交通补贴": 0, "回访次数": 1}
    # 合计 rows: each column's sum, and the same on both sheets for every figure counted from the same records
    for table in (counties, cities):
        rows = [v for k, v in table.items() if k != "合计"]
        assert table["合计"] == {m: sum(r[m] for r in rows) for m in table["合计"]}
    for metric in ("匹配人数", "就业人数", "稳定3个月", "稳定6个月", "应发交通补贴", "回访次数"):
        assert counties["合计"][metric] == cities["合计"][metric], metric
    assert counties["合计"]["回访次数"] == db.execute(
        "SELECT COUNT(*) FROM follow_ups WHERE date LIKE '2026%'").fetchone()[0] == 7
    assert counties["合计"]["就业人数"] == db.execute(
        "SELECT COUNT(*) FROM placements WHERE start_date LIKE '2026%'").fetchone()[0] == 3
    # in every row 就业 ≥ 稳定3个月 ≥ 稳定6个月
    for table in (counties, cities):
        for key, row in table.items():
            assert row["就业人数"] >= row["稳定3个月"] >= row["稳定6个月"], key
    # the 补贴名单 sheet lists exactly the 应发交通补贴 of the figures
    subsidy_names = [r[0] for r in wb["补贴名单"].iter_rows(min_row=2, values_only=True)]
    assert subsidy_names == ["甲"] and len(subsidy_names) == counties["合计"]["应发交通补贴"]


def test_past_year_counts_its_cohort_as_of_today(db):
    """The 2025 workbook counts 丁 (started November 2025) as stable at 3 months once the February 2026
    follow-up confirmed it: a cohort's confirmations arrive after 31 December."""
    _build(db)
    counties = _table(load_workbook(annual_report_bytes(db, 2025, TODAY, EVERYTHING))["按户籍区县"])
    assert counties["甘肃省 临夏县"]["就业人数"] == 1 and counties["甘肃省 临夏县"]["稳定3个月"] == 1
    assert counties["甘肃省 临夏县"]["应发交通补贴"] == 1


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
    wb = load_workbook(annual_report_bytes(db, 2026, TODAY, Scope(cities=frozenset({"烟台"}))))
    notes = [r[0] for r in wb["说明"].iter_rows(values_only=True)]
    assert notes[0] == "同帮 2026 年度就业帮扶统计，数据截至 2026年12月1日。"
    assert notes[-1] == "统计范围：户籍区县：无区县；就业城市：烟台"
    text = "\n".join(notes)
    # every column of every sheet is defined (its header appears as "header：" or in the 补贴名单 list)
    for sheet, row in (("按户籍区县", 2), ("按山东城市", 2), ("补贴名单", 1)):
        for header in (c.value for c in wb[sheet][row]):
            name = header.split("（")[0]
            assert f"{name}：" in text or f"{name}；" in text or f"【{name}】" in text or f"；{name}" in text, header
    # no developer text: no identifiers, file paths, Python names or ISO timestamps
    assert not re.search(r"[A-Za-z_]{3,}|[/\\]|\d{4}-\d{2}-\d{2}T", text), text
