"""Figures for staff: the dashboard's chart data and the annual report workbook (openpyxl).

Cities report to the province before 10 December; the scheduler writes the workbook on 1 December into
``TONGBANG_DATA_DIR/reports/`` and staff can download it any time. Definitions (also written, in Chinese,
into the workbook's 说明 sheet) for year Y, counted as of the report date:

- 登记人数: workers registered in Y (by county of origin); on the city sheet 登记岗位: postings made in Y.
- 匹配人数: distinct workers with at least one application or staff recommendation made in Y. On the city
  sheet each worker counts once, under the city of their latest application of Y, so both sheets add up to
  the same number.
- 就业人数: placements starting in Y (the year's cohort).
- 稳定 3/6 个月: placements of that cohort that a follow-up confirmed still employed on or after their 3-
  (6-) month date (SCHEMA.md "stable"). Counting the cohort, not "placements whose 3-month date falls in Y",
  is what makes every row read 就业 ≥ 稳定3个月 ≥ 稳定6个月: the old definition counted a worker who started
  in November of the year before under 稳定3个月 of a county that placed nobody in Y (就业 0, 稳定3个月 2).
  A confirmation at 6 months also confirms 3 months (``placement_state``), hence 稳定3 ≥ 稳定6.
- 应发交通补贴: placements of that cohort eligible for the transport subsidy (``models.programme.subsidies.transport``; the rows of the 补贴名单 sheet).
- 回访次数: follow-ups dated in Y, of the placements in scope.

Every figure is counted within a ``models.access.Scope`` (a required argument): a staff member's workbook
holds the workers, postings, applications and placements their scope covers, nothing else. The workbook the
scheduler saves (``save_annual_report``) is the province-wide one (``EVERYTHING``); only admins open it.
"""
from __future__ import annotations

import io
import os
from collections import Counter, defaultdict
from datetime import date
from pathlib import Path

import sqlite_utils

from models.access import EVERYTHING, Scope
from models.intake.spreadsheets import append_row
from models.placement.placements import add_months, parse_date, with_states
from models.placement.stability import SUBSIDY_HEADERS, outcome_at, subsidy_eligible, subsidy_list
from models.placement.stability_rules import MILESTONE_MONTHS
from models.programme.subsidies import transport
from models.store.config import data_dir

METRICS = [("registered", "登记人数"), ("matched", "匹配人数"), ("placed", "就业人数"),
           ("stable_3", "稳定3个月"), ("stable_6", "稳定6个月"), ("subsidies", "应发交通补贴"),
           ("follow_ups", "回访次数")]
#: The metrics both sheets count from the same records, so their 合计 rows must agree.
SHARED_METRICS = ("matched", "placed", "stable_3", "stable_6", "subsidies", "follow_ups")
UNKNOWN = "未登记"


def chinese_date(day: date) -> str:
    """2026-12-01 → '2026年12月1日' (how dates are written on what staff send)."""
    return f"{day.year}年{day.month}月{day.day}日"


def definitions(year: int, today: date) -> list[str]:
    """The 说明 sheet: every column of every sheet defined in Chinese, for ``year`` as of ``today``."""
    rule = transport()
    y = f"{year} 年"
    return [
        f"同帮 {year} 年度就业帮扶统计，数据截至 {chinese_date(today)}。",
        "【按户籍区县】每行一个户籍区县（求职者登记的户籍省份和区县；未填写户籍的计入“未登记”）。",
        "【按山东城市】每行一个山东就业城市（岗位或就业记录所在城市）。",
        f"登记人数：{y}新登记的求职者人数，按户籍区县统计。",
        f"登记岗位：{y}新发布的岗位数，按岗位所在城市统计（仅见于按山东城市表）。",
        (f"匹配人数：{y}至少投递过一次岗位、或被工作人员推荐过一次的求职者人数，每人只计一次；"
         f"按山东城市表中计入其{y}最近一次投递或推荐的岗位所在城市，因此两张表的合计相同。"),
        f"就业人数：{y}入职的就业记录数（同一人在本年内换工作的，每段就业各计一次）。",
        f"稳定3个月：{y}入职的就业记录中，入职满 3 个月当日或之后回访确认仍在岗的记录数。",
        (f"稳定6个月：{y}入职的就业记录中，入职满 6 个月当日或之后回访确认仍在岗的记录数；"
         "满 6 个月仍在岗者必然也满 3 个月，故每行均有 就业人数 ≥ 稳定3个月 ≥ 稳定6个月。"),
        f"应发交通补贴：{y}入职的就业记录中，符合{rule.name}条件的记录数，名单见补贴名单表（两者人数相同）。",
        f"回访次数：回访日期在{y}内的回访次数。",
        "合计：各列之和；按户籍区县表与按山东城市表除登记人数（登记岗位）外各项合计相同。",
        (f"尚未满 3（6）个月或尚未回访的，暂不计入稳定人数；{y}年底前入职的人员，"
         "其后满 3（6）个月的情况在重新下载本年度报表时更新。"),
        ("【补贴名单】每行一条符合条件的就业记录：姓名；身份证号（脱敏，仅显示前 6 位和后 4 位）；户籍省份；"
         "户籍区县；帮扶身份；用人单位；工作城市；岗位；入职日期；最近确认在岗日期（最近一次回访确认仍在岗的日期）；"
         "当前状态（在岗或离职）。"),
        (f"补贴规则：{rule.name}（{rule.document}），回访确认连续就业满 {rule.min_months} 个月，"
         f"帮扶身份为{'、'.join(rule.statuses)}"
         + (f"，户籍在{'、'.join(rule.provinces)}" if rule.provinces else "") + "。"),
    ]


def scope_label(scope: Scope) -> str:
    """What a workbook covers, in the words of its 说明 sheet: 全部区县和城市, or the counties and cities."""
    if scope.everything:
        return "全部区县和城市"

    def part(values: frozenset[str], every: bool, kind: str) -> str:
        if every:
            return f"全部{kind}"
        return "、".join(sorted(values)) if values else f"无{kind}"

    return (f"户籍区县：{part(scope.counties, scope.all_counties, '区县')}；"
            f"就业城市：{part(scope.cities, scope.all_cities, '城市')}")


def county_label(province: str | None, county: str | None) -> str:
    """'甘肃省 东乡族自治县'; workers without a county fall under 未登记."""
    if not county:
        return UNKNOWN
    return f"{province or ''} {county}".strip()


def report_figures(db: sqlite_utils.Database, year: int, today: date, scope: Scope) -> dict:
    """The annual figures within ``scope``: ``{'county': {label: {metric: n}}, 'city': {...}, 'totals': {...}}``.

    Workers registered count when the scope covers the worker, postings when it covers the posting,
    applications (匹配) when it covers the application, placements and their follow-ups when it covers the
    placement (``models.access.Scope``). Definitions: the module docstring."""
    y = str(year)
    county: dict[str, Counter] = defaultdict(Counter)
    city: dict[str, Counter] = defaultdict(Counter)
    workers_where, workers_params = scope.workers_sql("w")
    jobs_where, jobs_params = scope.jobs_sql("j")
    apps_where, apps_params = scope.applications_sql("w", "j")
    placements_where, placements_params = scope.placements_sql("p", "w")

    for prov, cty, n in db.execute("SELECT w.hukou_province, w.hukou_county, COUNT(*) FROM workers w"
                                   f" WHERE substr(w.created_at, 1, 4) = ? AND {workers_where} GROUP BY 1, 2",
                                   [y, *workers_params]):
        county[county_label(prov, cty)]["registered"] += n
    for c, n in db.execute("SELECT COALESCE(j.city, ''), COUNT(*) FROM jobs j"
                           f" WHERE substr(j.created_at, 1, 4) = ? AND {jobs_where} GROUP BY 1", [y, *jobs_params]):
        city[c or UNKNOWN]["registered"] += n
    latest: dict[int, tuple] = {}
    for row in db.execute("SELECT a.worker_id, a.created_at, a.id, w.hukou_province, w.hukou_county, j.city"
                          " FROM applications a JOIN workers w ON w.id = a.worker_id JOIN jobs j ON j.id = a.job_id"
                          f" WHERE substr(a.created_at, 1, 4) = ? AND {apps_where}", [y, *apps_params]):
        if row[0] not in latest or row[1:3] > latest[row[0]][1:3]:
            latest[row[0]] = row
    for _, _, _, prov, cty, job_city in latest.values():
        county[county_label(prov, cty)]["matched"] += 1
        city[job_city or UNKNOWN]["matched"] += 1

    follow_ups = Counter(dict(db.execute(
        "SELECT placement_id, COUNT(*) FROM follow_ups WHERE substr(date, 1, 4) = ? GROUP BY 1", (y,))))
    for placement, state in with_states(db, today, placements_where, placements_params):
        keys = (county[county_label(placement["hukou_province"], placement["hukou_county"])],
                city[placement["city"] or UNKNOWN])
        counts = Counter()
        if parse_date(placement["start_date"]).year == year:
            counts["placed"] += 1
            for months in (3, 6):
                counts[f"stable_{months}"] += int(bool(outcome_at(placement, state, months)))
            counts["subsidies"] += int(subsidy_eligible(placement, state)[0])
        counts["follow_ups"] += follow_ups.get(placement["id"], 0)
        for target in keys:
            target.update(counts)

    def finish(table: dict[str, Counter]) -> dict[str, dict]:
        return {k: {m: table[k].get(m, 0) for m, _ in METRICS} for k in sorted(table) if any(table[k].values())}

    county_rows, city_rows = finish(county), finish(city)
    totals = {m: sum(r[m] for r in county_rows.values()) for m, _ in METRICS}
    city_totals = {m: sum(r[m] for r in city_rows.values()) for m, _ in METRICS}
    return {"year": year, "as_of": today.isoformat(), "county": county_rows, "city": city_rows,
            "totals": totals, "city_totals": city_totals}


def build_annual_workbook(db: sqlite_utils.Database, year: int, today: date, scope: Scope):
    """An openpyxl Workbook of the figures within ``scope``: 按户籍区县, 按山东城市, 补贴名单, 说明."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    figures = report_figures(db, year, today, scope)
    wb = Workbook()
    sheets = [("按户籍区县", "户籍区县", figures["county"], figures["totals"]),
              ("按山东城市", "就业城市", figures["city"], figures["city_totals"])]
    for index, (title, key_label, rows, totals) in enumerate(sheets):
        ws = wb.active if index == 0 else wb.create_sheet()
        ws.title = title
        append_row(ws, [f"同帮 {year} 年度就业帮扶统计（截至 {chinese_date(today)}）"])
        ws["A1"].font = Font(bold=True, size=13)
        labels = [label for _, label in METRICS]
        if title == "按山东城市":
            labels[0] = "登记岗位"
        append_row(ws, [key_label, *labels])
        for cell in ws[2]:
            cell.font = Font(bold=True)
            cell.alignment = Alignment(horizontal="center")
        for key, row in rows.items():
            append_row(ws, [key, *[row[m] for m, _ in METRICS]])
        append_row(ws, ["合计", *[totals[m] for m, _ in METRICS]])
        for cell in ws[ws.max_row]:
            cell.font = Font(bold=True)
        ws.column_dimensions["A"].width = 28
        for col in "BCDEFGH":
            ws.column_dimensions[col].width = 12
        ws.freeze_panes = "B3"
    subsidy = wb.create_sheet("补贴名单")
    append_row(subsidy, [label for _, label in SUBSIDY_HEADERS])
    for row in subsidy_list(db, today, scope, year=year):
        append_row(subsidy, [row.get(k) for k, _ in SUBSIDY_HEADERS])
    notes = wb.create_sheet("说明")
    for line in definitions(year, today):
        append_row(notes, [line])
    append_row(notes, [f"统计范围：{scope_label(scope)}"])
    notes.column_dimensions["A"].width = 100
    return wb


def annual_report_bytes(db: sqlite_utils.Database, year: int, today: date, scope: Scope) -> io.BytesIO:
    """The annual workbook within ``scope``, in memory, for download."""
    buffer = io.BytesIO()
    build_annual_workbook(db, year, today, scope).save(buffer)
    buffer.seek(0)
    return buffer


def reports_dir() -> Path:
    folder = data_dir() / "reports"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def save_annual_report(db: sqlite_utils.Database, year: int, today: date) -> Path:
    """Write the province-wide workbook (every county and city) to ``reports/tongbang_annual_{year}.xlsx``
    (atomically); return the path."""
    path = reports_dir() / f"tongbang_annual_{year}.xlsx"
    tmp = path.with_suffix(f".tmp{os.getpid()}")
    build_annual_workbook(db, year, today, EVERYTHING).save(tmp)
    os.replace(tmp, path)
    return path


def saved_reports() -> list[Path]:
    """Annual (province-wide) workbooks the scheduler saved, newest first."""
    return sorted(reports_dir().glob("tongbang_annual_*.xlsx"), reverse=True)


# --- dashboard ----------------------------------------------------------------------------------------------
def dashboard_data(db: sqlite_utils.Database, today: date, scope: Scope, months: int = 12) -> dict:
    """Chart data for the staff dashboard (JSON-ready), within ``scope``.

    - ``per_month``: placements starting in each of the last ``months`` months;
    - ``cohorts``: per start-month cohort, share still employed at 1/3/6/12 months among placements whose
      outcome at that milestone is known (None when none is known yet);
    - ``by_county`` / ``by_city``: placements, still in work, stable at 3 months.
    """
    where, params = scope.placements_sql()
    pairs = with_states(db, today, where, params)
    month_keys = [add_months(date(today.year, today.month, 1), -i).strftime("%Y-%m") for i in range(months - 1, -1, -1)]
    per_month = Counter(p["start_date"][:7] for p, _ in pairs)
    cohorts: dict[str, dict[int, list[int]]] = defaultdict(lambda: {m: [0, 0] for m in MILESTONE_MONTHS})
    by_county: dict[str, Counter] = defaultdict(Counter)
    by_city: dict[str, Counter] = defaultdict(Counter)
    for placement, state in pairs:
        cohort = placement["start_date"][:7]
        for m in MILESTONE_MONTHS:
            outcome = outcome_at(placement, state, m)
            if outcome is not None:
                cohorts[cohort][m][0] += int(outcome)
                cohorts[cohort][m][1] += 1
        for table, key in ((by_county, county_label(placement["hukou_province"], placement["hukou_county"])),
                           (by_city, placement["city"] or UNKNOWN)):
            table[key]["placed"] += 1
            table[key]["working"] += int(state.status == "在岗")
            table[key]["stable_3"] += int(state.is_stable(3))
    cohort_keys = sorted(k for k in cohorts if k >= month_keys[0])
    return {
        "as_of": today.isoformat(),
        "total": len(pairs),
        "working": sum(1 for _, s in pairs if s.status == "在岗"),
        "left": sum(1 for _, s in pairs if s.status == "离职"),
        "per_month": {"labels": month_keys, "values": [per_month.get(k, 0) for k in month_keys]},
        "cohorts": {"milestones": list(MILESTONE_MONTHS), "series": [
            {"label": k, "values": [round(s / n, 3) if n else None for s, n in
                                    (cohorts[k][m] for m in MILESTONE_MONTHS)],
             "known": [cohorts[k][m][1] for m in MILESTONE_MONTHS]} for k in cohort_keys]},
        "by_county": _breakdown(by_county),
        "by_city": _breakdown(by_city),
    }


def _breakdown(table: dict[str, Counter]) -> dict:
    keys = sorted(table, key=lambda k: (-table[k]["placed"], k))
    return {"labels": keys, "placed": [table[k]["placed"] for k in keys],
            "working": [table[k]["working"] for k in keys], "stable_3": [table[k]["stable_3"] for k in keys]}
