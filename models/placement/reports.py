"""Figures for staff: the dashboard's chart data and the annual report workbook (openpyxl).

Cities report to the province before 10 December; the scheduler writes the workbook on 1 December into
``TONGBANG_DATA_DIR/reports/`` and staff can download it any time. Definitions (also written into the
workbook's 说明 sheet) for year Y, counted as of the report date:

- 登记人数: workers registered in Y (by county of origin); on the city sheet 登记岗位: jobs posted in Y.
- 匹配人数: distinct workers with at least one application or staff recommendation made in Y.
- 就业人数: placements starting in Y.
- 稳定 3/6 个月: placements whose 3- (6-) month date falls in Y and that a follow-up confirmed still
  employed on or after that date (SCHEMA.md "stable").
- 应发交通补贴: placements eligible for the transport subsidy (``models.programme.subsidies.transport``) whose qualifying date falls in Y.
- 回访次数: follow-ups dated in Y.

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
from models.placement.placements import add_months, parse_date, with_states
from models.placement.stability import SUBSIDY_HEADERS, outcome_at, subsidy_eligible, subsidy_list
from models.placement.stability_rules import MILESTONE_MONTHS
from models.programme.subsidies import transport
from models.store.config import data_dir

METRICS = [("registered", "登记人数"), ("matched", "匹配人数"), ("placed", "就业人数"),
           ("stable_3", "稳定3个月"), ("stable_6", "稳定6个月"), ("subsidies", "应发交通补贴"),
           ("follow_ups", "回访次数")]
UNKNOWN = "未登记"
#: The definitions on the workbook's 说明 sheet (Y = the report's year), as the module docstring gives them.
DEFINITIONS = (
    "登记人数：Y 年登记的求职者（按户籍区县）；按山东城市表中为 Y 年登记的岗位数（登记岗位）。",
    "匹配人数：Y 年至少投递过一次或被工作人员推荐过一次的求职者人数（去重）。",
    "就业人数：Y 年入职的就业记录数。",
    "稳定3个月 / 稳定6个月：满 3（6）个月的日期落在 Y 年、且回访确认当日或之后仍在岗的就业记录数。",
    "应发交通补贴：符合交通补贴条件、且满足条件的日期落在 Y 年的就业记录数。",
    "回访次数：回访日期在 Y 年的回访次数。",
)


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
    placement (``models.access.Scope``)."""
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
    applications = ("FROM applications a JOIN workers w ON w.id = a.worker_id JOIN jobs j ON j.id = a.job_id"
                    f" WHERE substr(a.created_at, 1, 4) = ? AND {apps_where}")
    for prov, cty, n in db.execute(f"SELECT w.hukou_province, w.hukou_county, COUNT(DISTINCT a.worker_id)"
                                   f" {applications} GROUP BY 1, 2", [y, *apps_params]):
        county[county_label(prov, cty)]["matched"] += n
    for c, n in db.execute(f"SELECT COALESCE(j.city, ''), COUNT(DISTINCT a.worker_id) {applications} GROUP BY 1",
                           [y, *apps_params]):
        city[c or UNKNOWN]["matched"] += n

    follow_ups = Counter(dict(db.execute(
        "SELECT placement_id, COUNT(*) FROM follow_ups WHERE substr(date, 1, 4) = ? GROUP BY 1", (y,))))
    for placement, state in with_states(db, today, placements_where, placements_params):
        keys = (county[county_label(placement["hukou_province"], placement["hukou_county"])],
                city[placement["city"] or UNKNOWN])
        start = parse_date(placement["start_date"])
        counts = Counter()
        if start.year == year:
            counts["placed"] += 1
        for months in (3, 6):
            if add_months(start, months).year == year and outcome_at(placement, state, months):
                counts[f"stable_{months}"] += 1
        if add_months(start, transport().min_months).year == year and \
                subsidy_eligible(placement, state)[0]:
            counts["subsidies"] += 1
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
        ws.append([f"同帮 {year} 年度就业帮扶统计（截至 {today.isoformat()}）"])
        ws["A1"].font = Font(bold=True, size=13)
        labels = [label for _, label in METRICS]
        if title == "按山东城市":
            labels[0] = "登记岗位"
        ws.append([key_label, *labels])
        for cell in ws[2]:
            cell.font = Font(bold=True)
            cell.alignment = Alignment(horizontal="center")
        for key, row in rows.items():
            ws.append([key, *[row[m] for m, _ in METRICS]])
        ws.append(["合计", *[totals[m] for m, _ in METRICS]])
        for cell in ws[ws.max_row]:
            cell.font = Font(bold=True)
        ws.column_dimensions["A"].width = 28
        for col in "BCDEFGH":
            ws.column_dimensions[col].width = 12
        ws.freeze_panes = "B3"
    subsidy = wb.create_sheet("补贴名单")
    subsidy.append([label for _, label in SUBSIDY_HEADERS])
    for row in subsidy_list(db, today, scope):
        start = parse_date(row["start_date"])
        if add_months(start, transport().min_months).year == year:
            subsidy.append([row.get(k) for k, _ in SUBSIDY_HEADERS])
    notes = wb.create_sheet("说明")
    for line in DEFINITIONS:
        notes.append([line.replace("Y", str(year))])
    rule = transport()
    rule_text = (f"补贴规则：{rule.name}（{rule.document}），连续就业满 {rule.min_months} 个月，"
                 f"帮扶身份：{'、'.join(rule.statuses)}")
    notes.append([rule_text])
    notes.append([f"统计范围：{scope_label(scope)}"])
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
