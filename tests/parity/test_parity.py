"""Parity from one table: every domain action × every actor of the rulebook world × objects in and out of
scope, through the page AND the API. Both doors must give the same outcome — done for exactly the actors
the row allows, refused for everyone else — and a refused attempt changes nothing in the database.

The world (``tests/rulebook_world.py``): county staff cover 酉阳 (workers A, C; applications A-X1, rec-A-Y2,
C-Y2; placement C-out), city staff cover 青岛 (postings X1–X3; application A-X1; placement D-X1); worker B,
posting Y1/Y2 and application B-Y1 are nobody's but the admin's.

An action of ``models.actions`` that is neither in the table nor in ``NOT_IN_TABLE`` (with the reason) fails
``test_every_action_is_in_the_table``.
"""
from __future__ import annotations

import importlib
import inspect
import io
import pkgutil

import pytest
import rulebook_world

from parity.harness import Door, run_api, run_page
from parity.harness import row as R

STAFF = ("county_staff", "city_staff", "admin")
COUNTY, CITY, ADMIN = "county_staff", "city_staff", "admin"





def ledger_file(text: str, name: str = "ledger.csv"):
    return lambda _w: (io.BytesIO(text.encode("utf-8")), name)


A_PHONE_ROW = "编号,姓名,户籍省份,户籍区县,手机号\nW-A,冉大山,重庆市,酉阳,13811112222\n"
B_PHONE_ROW = "编号,姓名,户籍省份,户籍区县,手机号\nW-B,马小花,甘肃省,东乡县,13811113333\n"
NEW_COURSE = {"title": "焊工培训班", "provider": "青岛市技师学院", "occupation": "电焊工", "certificate": "电焊证",
              "start_date": "2026-12-10", "end_date": "2027-01-20", "seats": "30", "cost_yuan": "0"}
X1_SALARY_ROW = ("编号,用人单位,岗位名称,工作城市,月薪下限,月薪上限,必备证书\n"
                 "J-X1,青岛鑫达焊接有限公司,电焊工,青岛,9000,13000,焊工证\n")

ROWS = [
    # --- placements, follow-ups ---------------------------------------------------------------------------
    R("placements.record_placement", "worker C (酉阳) at a job found outside in 烟台",
      page=Door("POST", lambda w: "/staff/followups/new",
                lambda w: {"worker_external_id": "W-C", "employer_name": "烟台港务搬运队", "city": "烟台",
                           "title": "装卸工", "start_date": "2026-11-02"}),
      api=Door("POST", lambda w: "/api/v1/placements",
               lambda w: {"worker_external_id": "W-C", "employer_name": "烟台港务搬运队", "city": "烟台",
                          "title": "装卸工", "start_date": "2026-11-02"}),
      allowed={COUNTY, ADMIN}),
    R("placements.record_placement", "worker B (东乡) at a job found outside in 青岛",
      page=Door("POST", lambda w: "/staff/followups/new",
                lambda w: {"worker_external_id": "W-B", "employer_name": "青岛海鲜加工厂", "city": "青岛",
                           "title": "分拣工", "start_date": "2026-11-02"}),
      api=Door("POST", lambda w: "/api/v1/placements",
               lambda w: {"worker_external_id": "W-B", "employer_name": "青岛海鲜加工厂", "city": "青岛",
                          "title": "分拣工", "start_date": "2026-11-02"}),
      allowed={CITY, ADMIN}),
    R("placements.record_placement", "worker B (东乡) at a job found outside in 烟台",
      page=Door("POST", lambda w: "/staff/followups/new",
                lambda w: {"worker_external_id": "W-B", "employer_name": "烟台港务搬运队", "city": "烟台",
                           "title": "装卸工", "start_date": "2026-11-02"}),
      api=Door("POST", lambda w: "/api/v1/placements",
               lambda w: {"worker_external_id": "W-B", "employer_name": "烟台港务搬运队", "city": "烟台",
                          "title": "装卸工", "start_date": "2026-11-02"}),
      allowed={ADMIN}),
    *[R("placements.record_follow_up", f"placement {name}",
        page=Door("POST", lambda w, n=name: f"/staff/followups/{w.placements[n]}",
                  lambda w: {"date": "2026-11-30", "channel": "电话", "still_employed": "1", "satisfaction": "4"}),
        api=Door("POST", lambda w, n=name: f"/api/v1/placements/{w.placements[n]}/follow-ups",
                 lambda w: {"date": "2026-11-30", "channel": "电话", "still_employed": True, "satisfaction": 4}),
        allowed=allowed)
      for name, allowed in (("C-out", {COUNTY, ADMIN}), ("D-X1", {CITY, ADMIN}))],
    *[R("placements.end_placement", f"placement {name}",
        page=Door("POST", lambda w, n=name: f"/staff/followups/{w.placements[n]}/end",
                  lambda w: {"end_date": "2026-11-30", "leave_reason": "家里有事回乡"}),
        api=Door("POST", lambda w, n=name: f"/api/v1/placements/{w.placements[n]}/end",
                 lambda w: {"end_date": "2026-11-30", "leave_reason": "家里有事回乡"}),
        allowed=allowed)
      for name, allowed in (("C-out", {COUNTY, ADMIN}), ("D-X1", {CITY, ADMIN}))],
    *[R("placements.get", f"placement {name}", write=False, actors=("anonymous", *STAFF),
        note="workers and employers read their placements through the API only (tests/api/test_placements.py)",
        page=Door("GET", lambda w, n=name: f"/staff/followups/{w.placements[n]}"),
        api=Door("GET", lambda w, n=name: f"/api/v1/placements/{w.placements[n]}"),
        allowed=allowed)
      for name, allowed in (("C-out", {COUNTY, ADMIN}), ("D-X1", {CITY, ADMIN}))],
    # --- ledger imports -------------------------------------------------------------------------------------
    R("imports.import_upload", "a worker row of A (酉阳)", tables=("workers", "jobs", "employers"), reports_refusals=True,
      page=Door("POST", lambda w: "/staff/imports", lambda w: {"kind": "workers", "file": ledger_file(A_PHONE_ROW)(w)}),
      api=Door("POST", lambda w: "/api/v1/imports", lambda w: {"kind": "workers", "file": ledger_file(A_PHONE_ROW)(w)},
               multipart=True),
      allowed={COUNTY, ADMIN}),
    R("imports.import_upload", "a worker row of B (东乡)", tables=("workers", "jobs", "employers"), reports_refusals=True,
      page=Door("POST", lambda w: "/staff/imports", lambda w: {"kind": "workers", "file": ledger_file(B_PHONE_ROW)(w)}),
      api=Door("POST", lambda w: "/api/v1/imports", lambda w: {"kind": "workers", "file": ledger_file(B_PHONE_ROW)(w)},
               multipart=True),
      allowed={ADMIN}),
    R("imports.import_upload", "a job row rewriting X1 (青岛)", tables=("workers", "jobs", "employers"), reports_refusals=True,
      page=Door("POST", lambda w: "/staff/imports", lambda w: {"kind": "jobs", "file": ledger_file(X1_SALARY_ROW)(w)}),
      api=Door("POST", lambda w: "/api/v1/imports", lambda w: {"kind": "jobs", "file": ledger_file(X1_SALARY_ROW)(w)},
               multipart=True),
      allowed={CITY, ADMIN}),
    # --- reports (reads: every staff member gets their own scope's workbook) --------------------------------
    R("reports.subsidy_workbook", "the transport-subsidy list", write=False,
      page=Door("GET", lambda w: "/staff/reports/subsidy.xlsx"),
      api=Door("GET", lambda w: "/api/v1/reports/subsidy.xlsx"),
      allowed=set(STAFF)),
    R("reports.annual_workbook", "the annual workbook", write=False,
      page=Door("GET", lambda w: "/staff/reports/annual/2026.xlsx"),
      api=Door("GET", lambda w: "/api/v1/reports/annual/2026.xlsx"),
      allowed=set(STAFF)),
    # --- training (issue 13) ------------------------------------------------------------------------------
    *[R("training.create_course", f"a course held in {city}",
        page=Door("POST", lambda w: "/staff/courses/new", lambda w, c=city: {**NEW_COURSE, "city": c}),
        api=Door("POST", lambda w: "/api/v1/courses", lambda w, c=city: {**NEW_COURSE, "city": c}),
        allowed=allowed)
      for city, allowed in (("青岛", {CITY, ADMIN}), ("烟台", {ADMIN}))],
    R("training.create_course", "a course held in 酉阳 (技能协作 at the county's school)",
      page=Door("POST", lambda w: "/staff/courses/new", lambda w: {**NEW_COURSE, "county": "酉阳县"}),
      api=Door("POST", lambda w: "/api/v1/courses", lambda w: {**NEW_COURSE, "county": "酉阳县"}),
      allowed={COUNTY, ADMIN}),
    R("training.close_course", "course K-QD (青岛)",
      page=Door("POST", lambda w: f"/courses/{w.courses['K-QD']}/close"),
      api=Door("POST", lambda w: f"/api/v1/courses/{w.courses['K-QD']}/close"),
      allowed={CITY, ADMIN}),
    R("training.enrol", "worker A (酉阳) into K-QD (青岛)",
      page=Door("POST", lambda w: f"/courses/{w.courses['K-QD']}/enrol", lambda w: {"worker_external_id": "W-A"}),
      api=Door("POST", lambda w: f"/api/v1/courses/{w.courses['K-QD']}/enrolments",
               lambda w: {"worker_external_id": "W-A"}),
      allowed={"worker", COUNTY, CITY, ADMIN}),
    R("training.enrol", "worker B (东乡) into K-YY (酉阳)",
      page=Door("POST", lambda w: f"/courses/{w.courses['K-YY']}/enrol", lambda w: {"worker_external_id": "W-B"}),
      api=Door("POST", lambda w: f"/api/v1/courses/{w.courses['K-YY']}/enrolments",
               lambda w: {"worker_external_id": "W-B"}),
      allowed={"other_worker", COUNTY, ADMIN}),
    R("training.complete", "enrolment B-KQD (worker B in 青岛's course)",
      page=Door("POST", lambda w: f"/courses/{w.courses['K-QD']}/enrolments/{w.enrolments['B-KQD']}/complete",
                lambda w: {"completed_on": "2026-11-30"}),
      api=Door("POST", lambda w: f"/api/v1/courses/{w.courses['K-QD']}/enrolments/{w.enrolments['B-KQD']}/complete",
               lambda w: {"completed_on": "2026-11-30"}),
      allowed={CITY, ADMIN}),
    R("training.withdraw", "enrolment B-KQD",
      page=Door("POST", lambda w: f"/courses/{w.courses['K-QD']}/enrolments/{w.enrolments['B-KQD']}/withdraw"),
      api=Door("POST", lambda w: f"/api/v1/courses/{w.courses['K-QD']}/enrolments/{w.enrolments['B-KQD']}/withdraw"),
      allowed={"other_worker", CITY, ADMIN}),
    R("training.get_course", "course K-QD", write=False,
      page=Door("GET", lambda w: f"/courses/{w.courses['K-QD']}", shown=lambda w: "青岛市技师学院"),
      api=Door("GET", lambda w: f"/api/v1/courses/{w.courses['K-QD']}", shown=lambda w: "青岛市技师学院"),
      allowed=set(rulebook_world.ACTORS) - {"anonymous"}),
    R("training.list_courses", "courses leading to 叉车证, asked for as 叉车操作证", write=False,
      page=Door("GET", lambda w: "/courses?certificate=叉车操作证", shown=lambda w: "叉车司机培训班"),
      api=Door("GET", lambda w: "/api/v1/courses?certificate=叉车操作证", shown=lambda w: "叉车司机培训班"),
      allowed=set(rulebook_world.ACTORS) - {"anonymous"}),
    R("training.enrolments", "K-QD's list names worker B", write=False, actors=("anonymous", *STAFF),
      reports_refusals=True,  # a list: county staff get it without the enrolments they do not cover
      note="a worker's own enrolment shows on the course page as 您已报名 (tests/web/test_training_pages.py)",
      page=Door("GET", lambda w: f"/courses/{w.courses['K-QD']}", shown=lambda w: "马小花"),
      api=Door("GET", lambda w: f"/api/v1/courses/{w.courses['K-QD']}/enrolments", shown=lambda w: "马小花"),
      allowed={CITY, ADMIN}),
    R("training.outcomes", "trained, then placed", write=False,
      reports_refusals=True,  # a report: county staff get theirs, without K-QD and worker B
      page=Door("GET", lambda w: "/staff/courses/outcomes", shown=lambda w: "叉车司机培训班"),
      api=Door("GET", lambda w: "/api/v1/courses/outcomes", shown=lambda w: "叉车司机培训班"),
      allowed={CITY, ADMIN}),
    # --- labour brands (issue 13) -----------------------------------------------------------------------
    *[R("brands.create_brand", f"a brand of {county}",
        page=Door("POST", lambda w: "/staff/brands/", lambda w, c=county: {"name": "新品牌", "county": c, "trade": "厨师"}),
        api=Door("POST", lambda w: "/api/v1/brands", lambda w, c=county: {"name": "新品牌", "county": c, "trade": "厨师"}),
        allowed=allowed)
      for county, allowed in (("酉阳", {COUNTY, ADMIN}), ("甘肃省东乡县", {ADMIN}))],
    R("brands.link_worker", "worker A (酉阳) into 酉阳焊工",
      page=Door("POST", lambda w: f"/staff/brands/{w.brands['酉阳焊工']}/workers", lambda w: {"worker_external_id": "W-A"}),
      api=Door("POST", lambda w: f"/api/v1/brands/{w.brands['酉阳焊工']}/workers",
               lambda w: {"worker_external_id": "W-A"}),
      allowed={COUNTY, ADMIN}),
    R("brands.link_employer", "employer X (青岛) as a partner of 酉阳焊工",
      page=Door("POST", lambda w: f"/staff/brands/{w.brands['酉阳焊工']}/employers",
                lambda w: {"employer_name": rulebook_world.EMPLOYERS["X"][0]}),
      api=Door("POST", lambda w: f"/api/v1/brands/{w.brands['酉阳焊工']}/employers",
               lambda w: {"employer_name": rulebook_world.EMPLOYERS["X"][0]}),
      allowed={COUNTY, CITY, ADMIN}),
    R("brands.link_employer", "employer Y (烟台) as a partner of 酉阳焊工",
      page=Door("POST", lambda w: f"/staff/brands/{w.brands['酉阳焊工']}/employers",
                lambda w: {"employer_name": rulebook_world.EMPLOYERS["Y"][0]}),
      api=Door("POST", lambda w: f"/api/v1/brands/{w.brands['酉阳焊工']}/employers",
               lambda w: {"employer_name": rulebook_world.EMPLOYERS["Y"][0]}),
      allowed={COUNTY, ADMIN}),
    R("brands.get_brand", "brand 酉阳焊工", write=False,
      page=Door("GET", lambda w: f"/staff/brands/{w.brands['酉阳焊工']}", shown=lambda w: "酉阳焊工"),
      api=Door("GET", lambda w: f"/api/v1/brands/{w.brands['酉阳焊工']}", shown=lambda w: "酉阳焊工"),
      allowed=set(STAFF)),
    R("brands.list_brands", "every brand with its figures", write=False,
      page=Door("GET", lambda w: "/staff/brands/", shown=lambda w: "酉阳焊工"),
      api=Door("GET", lambda w: "/api/v1/brands", shown=lambda w: "酉阳焊工"),
      allowed=set(STAFF)),
    # --- 维权 cases (issue 13) -----------------------------------------------------------------------------
    *[R("cases.open_case", target,
        page=Door("POST", lambda w: "/cases/", lambda w, b=body: {**b}),
        api=Door("POST", lambda w: "/api/v1/cases", lambda w, b=body: {**b}),
        allowed=allowed)
      for target, body, allowed in (
          ("worker C (酉阳) about C-out (烟台)", {"worker_external_id": "W-C", "kind": "住宿", "summary": "宿舍漏水"},
           {COUNTY, ADMIN}),
          ("worker D (东乡) at D-X1 (青岛)", {"worker_external_id": "W-D", "kind": "欠薪", "summary": "加班费未付"},
           {CITY, ADMIN}),
          ("a worker about themself", {"kind": "劳动合同", "summary": "没有签劳动合同"}, {"worker", "other_worker"}))],
    R("cases.add_note", "case C-wages",
      page=Door("POST", lambda w: f"/cases/{w.cases['C-wages']}/notes", lambda w: {"note": "已联系单位"}),
      api=Door("POST", lambda w: f"/api/v1/cases/{w.cases['C-wages']}/notes", lambda w: {"note": "已联系单位"}),
      allowed={COUNTY, ADMIN}),
    R("cases.close_case", "case C-wages",
      page=Door("POST", lambda w: f"/cases/{w.cases['C-wages']}/close", lambda w: {"outcome": "已追回工资"}),
      api=Door("POST", lambda w: f"/api/v1/cases/{w.cases['C-wages']}/close", lambda w: {"outcome": "已追回工资"}),
      allowed={COUNTY, ADMIN}),
    R("cases.get", "case C-wages", write=False,
      page=Door("GET", lambda w: f"/cases/{w.cases['C-wages']}", shown=lambda w: "十月工资 4200 元未发"),
      api=Door("GET", lambda w: f"/api/v1/cases/{w.cases['C-wages']}", shown=lambda w: "十月工资 4200 元未发"),
      allowed={COUNTY, ADMIN}),
    R("cases.list_for", "the case list holds C-wages", write=False, reports_refusals=True,
      actors=("anonymous", "employer", *STAFF),
      note="a worker's list holds their own cases only (tests/web/test_cases_pages.py)",
      page=Door("GET", lambda w: "/cases/", shown=lambda w: "白云秀"),
      api=Door("GET", lambda w: "/api/v1/cases", shown=lambda w: "白云秀"),
      allowed={COUNTY, ADMIN}),
    R("cases.counts", "open cases by kind", write=False,
      page=Door("GET", lambda w: "/staff/dashboard", shown=lambda w: "未结案"),
      api=Door("GET", lambda w: "/api/v1/cases/summary", shown=lambda w: "by_kind"),
      allowed=set(STAFF)),
    # --- administration (issue 13) ------------------------------------------------------------------------
    R("admin.create_user", "a staff account covering 烟台",
      page=Door("POST", lambda w: "/admin/users", lambda w: {"username": "yantai", "password": "yantai-pass-2026",
                                                              "role": "staff", "cities": "烟台"}),
      api=Door("POST", lambda w: "/api/v1/admin/users", lambda w: {"username": "yantai", "password": "yantai-pass-2026",
                                                                    "role": "staff", "cities": "烟台"}),
      allowed={ADMIN}, tables=("users",)),
    R("admin.set_active", "disable the county staff account",
      page=Door("POST", lambda w: f"/admin/users/{w.users['county_staff']}/disable"),
      api=Door("POST", lambda w: f"/api/v1/admin/users/{w.users['county_staff']}/disable"),
      allowed={ADMIN}),
    R("admin.reset_password", "the city staff account's password",
      page=Door("POST", lambda w: f"/admin/users/{w.users['city_staff']}/password",
                lambda w: {"password": "reset-pass-2026"}),
      api=Door("POST", lambda w: f"/api/v1/admin/users/{w.users['city_staff']}/password",
               lambda w: {"password": "reset-pass-2026"}),
      allowed={ADMIN}),
    R("admin.revoke_token", "the worker's first API token",
      note="page door only here: every API call stamps its own token's last_used_at, so the api_tokens table cannot "
           "judge the API door; tests/api/test_authz_matrix.py holds it (403 for all but admins, 404 unknown token)",
      page=Door("POST", lambda w: "/admin/tokens/1/revoke"), api=None,
      allowed={ADMIN}, tables=("api_tokens",)),
    *[R(f"admin.{action}", what, write=False,
        page=Door("GET", lambda w, p=page: p, shown=lambda w, t=text: t),
        api=Door("GET", lambda w, a=api: a, shown=lambda w, t=api_text: t),
        allowed={ADMIN})
      for action, what, page, api, text, api_text in (
          ("list_users", "every account", "/admin/users", "/api/v1/admin/users", "county_staff", "county_staff"),
          ("list_tokens", "every API token", "/admin/tokens", "/api/v1/admin/tokens", "other_worker", "other_worker"),
          ("audit_log", "the audit log", "/admin/audit", "/api/v1/admin/audit", "审计日志", "meta"),
          ("job_runs", "the scheduled jobs' runs", "/admin/jobs", "/api/v1/admin/jobs", "定时任务运行记录", "data"))],
]

#: Actions of ``models.actions`` deliberately not in the table, with the reason (every other one must be).
NOT_IN_TABLE = {
    "imports.import_ledger": "the file-level action the CLI and the demo loader call as SYSTEM (no page/API door); "
                             "import_upload, in the table, is the doors' action and calls it",
    "placements.recompute_stability": "scheduler only (SYSTEM or admin), no page or API door",
    "reports.save_annual": "scheduler only (SYSTEM or admin), no page or API door",
    "workers.add_certificate": "called inside training.complete (its doors and rows are the completion's); staff "
                               "edit certificates through workers.edit_worker's form and PATCH",
}

CASES = [pytest.param(r, actor, id=f"{r.action}|{r.target}|{actor}") for r in ROWS for actor in r.actors]


@pytest.fixture(scope="module")
def parity_app():
    from app import create_app

    return create_app({"TESTING": True, "START_SCHEDULER": False, "WTF_CSRF_ENABLED": True,
                       "RATELIMIT_ENABLED": False})


def _fresh(rulebook_template, data_dir):
    import shutil

    import rulebook_world

    folder, world = rulebook_template
    rulebook_world.copy_store(folder / "tongbang.db", data_dir / "tongbang.db")
    shutil.copyfile(folder / "keys.json", data_dir / "keys.json")
    return world, data_dir / "tongbang.db"


@pytest.mark.parametrize("entry,actor", CASES)
def test_page_and_api_agree(entry, actor, parity_app, rulebook_template, data_dir):
    expected = actor in entry.allowed
    outcomes = {}
    for name, door, run in (("page", entry.page, run_page), ("api", entry.api, run_api)):
        if door is None:
            continue
        world, db_file = _fresh(rulebook_template, data_dir)
        outcome = run(parity_app, world, actor, door, db_file, entry.tables)
        outcomes[name] = outcome
        assert outcome.status < 500, (name, outcome)
        if not expected:
            assert not outcome.changed, f"refused {entry.action} via {name} as {actor} changed the database"
    summary = {k: (o.status, o.done(entry.write)) for k, o in outcomes.items()}
    assert all(o.done(entry.write) == expected for o in outcomes.values()), (entry.target, actor, summary)
    if "api" in outcomes and not expected and not (entry.reports_refusals and actor in STAFF):
        assert 400 <= outcomes["api"].status < 500, summary


def test_every_action_is_in_the_table():
    import models.actions as package

    tabled = {r.action for r in ROWS}
    missing = []
    for info in pkgutil.iter_modules(package.__path__):
        module = importlib.import_module(f"models.actions.{info.name}")
        for name, func in inspect.getmembers(module, inspect.isfunction):
            if func.__module__ != module.__name__ or name.startswith("_"):
                continue
            params = list(inspect.signature(func).parameters)
            if params[:2] != ["db", "actor"]:
                continue  # a helper, not an action (every action takes the store and the acting user first)
            key = f"{info.name}.{name}"
            if key not in tabled and key not in NOT_IN_TABLE:
                missing.append(key)
    assert not missing, f"actions with no row in the parity table: {sorted(missing)}"
