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
from rulebook_world import PASSWORD

from parity.harness import Door, const, run_api, run_page
from parity.harness import row as R

STAFF = ("county_staff", "city_staff", "admin")
COUNTY, CITY, ADMIN = "county_staff", "city_staff", "admin"





def ledger_file(text: str, name: str = "ledger.csv"):
    return lambda _w: (io.BytesIO(text.encode("utf-8")), name)


A_PHONE_ROW = "编号,姓名,户籍省份,户籍区县,手机号\nW-A,冉大山,重庆市,酉阳,13811112222\n"
B_PHONE_ROW = "编号,姓名,户籍省份,户籍区县,手机号\nW-B,马小花,甘肃省,东乡县,13811113333\n"
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
    # --- the worker's side (issue 12): messages, who to call, self-service ---------------------------------
    *[R(f"applications.{verb}", f"application {key}",
        page=Door("POST", lambda w, v=verb, k=key: f"/me/applications/{w.applications[k]}/{v}"),
        api=Door("POST", lambda w, v=verb, k=key: f"/api/v1/applications/{w.applications[k]}/{v}"),
        allowed={"worker"})
      for verb, key in (("accept", "rec-A-Y2"), ("decline", "rec-A-Y2"), ("withdraw", "A-X1"))],
    R("skills.gaps", "A's skill gaps (X2 needs 叉车证, which A lacks)", write=False,
      actors=("anonymous", "worker", "employer", "other_employer", *STAFF),
      note="B gets B's own gaps, not a refusal",
      page=Door("GET", lambda w: "/me/skills", shown=lambda w: "缺少叉车证：有 1 个在招岗位需要"),
      api=Door("GET", lambda w: "/api/v1/me/skill-gaps", shown=lambda w: "叉车证"),
      allowed={"worker"}),
    R("messages.list_for", "A's message about the recommendation rec-A-Y2", write=False,
      actors=("anonymous", "worker"),
      note="a list of one's own: B, staff and employers get their own (other) lists, not a refusal — "
           "tests/test_worker_side.py checks B never sees A's message",
      page=Door("GET", lambda w: "/me/messages", shown=lambda w: "推荐了“普工”"),
      api=Door("GET", lambda w: "/api/v1/me/messages", shown=lambda w: "推荐了“普工”"),
      allowed={"worker"}),
    R("messages.mark_read", "A's message A-rec",
      page=Door("POST", lambda w: f"/me/messages/{w.messages['A-rec']}/read"),
      api=Door("POST", lambda w: f"/api/v1/me/messages/{w.messages['A-rec']}/read"),
      allowed={"worker"}),
    R("contacts.contact_for", "the signed-in worker's responsible staff member (酉阳: county staff)", write=False,
      actors=("anonymous", "worker", "other_worker"),
      note="B's county (东乡) has nobody: the page says so and the API answers 404",
      page=Door("GET", lambda w: "/me/contact", shown=lambda w: "county_staff"),
      api=Door("GET", lambda w: "/api/v1/me/contact", shown=lambda w: "county_staff"),
      allowed={"worker"}),
    *[R("contacts.assign_contact", f"worker {key}: city staff becomes responsible",
        page=Door("POST", lambda w, k=key: f"/staff/workers/{w.workers[k]}/contact", const({"username": "city_staff"})),
        api=Door("PUT", lambda w, k=key: f"/api/v1/workers/W-{k}/contact", const({"username": "city_staff"})),
        allowed=allowed)
      for key, allowed in (("A", {COUNTY, ADMIN}), ("B", {ADMIN}))],
    R("contacts.set_own_details", "the actor's own work phone and office",
      page=Door("POST", lambda w: "/staff/me/details", const({"work_phone": "023-75551234", "office": "酉阳县就业局3号窗口"})),
      api=Door("PUT", lambda w: "/api/v1/me/contact-details",
               const({"work_phone": "023-75551234", "office": "酉阳县就业局3号窗口"})),
      allowed=set(STAFF)),
    R("accounts.change_password", "the actor's own password",
      page=Door("POST", lambda w: "/me/password", const({"current": PASSWORD, "new": "new-Pass-456",
                                                         "repeat": "new-Pass-456"})),
      api=Door("POST", lambda w: "/api/v1/me/password", const({"current": PASSWORD, "new": "new-Pass-456"})),
      allowed={"worker", "other_worker", "employer", "other_employer", *STAFF}),
    R("accounts.list_resets", "A's 忘记密码 request", write=False,
      actors=("anonymous", "worker", "other_worker", "employer", "other_employer", COUNTY, ADMIN),
      note="city staff get their own (empty) list, not a refusal; tests/test_worker_side.py checks it",
      page=Door("GET", lambda w: "/staff/care/", shown=lambda w: "（W-A）"),
      api=Door("GET", lambda w: "/api/v1/password-resets", shown=lambda w: '"W-A"'),
      allowed={COUNTY, ADMIN}),
    R("accounts.complete_reset", "A's 忘记密码 request",
      page=Door("POST", lambda w: f"/staff/care/resets/{w.resets['A']}/done",
                const({"identity_note": "电话核对身份证后四位", "new_password": "reset-Pass-789"})),
      api=Door("POST", lambda w: f"/api/v1/password-resets/{w.resets['A']}/done",
               const({"identity_note": "电话核对身份证后四位", "new_password": "reset-Pass-789"})),
      allowed={COUNTY, ADMIN}),
    R("accounts.cancel_reset", "A's 忘记密码 request",
      page=Door("POST", lambda w: f"/staff/care/resets/{w.resets['A']}/cancel", const({"reason": "不是本人"})),
      api=Door("POST", lambda w: f"/api/v1/password-resets/{w.resets['A']}/cancel", const({"reason": "不是本人"})),
      allowed={COUNTY, ADMIN}),
    R("placements.report_found_job", "我已找到工作 at a job found outside",
      page=Door("POST", lambda w: "/me/found-job", const({"employer_name": "青岛某电子厂", "title": "普工",
                                                          "city": "青岛", "start_date": "2026-10-10"})),
      api=Door("POST", lambda w: "/api/v1/me/found-jobs", const({"employer_name": "青岛某电子厂", "title": "普工",
                                                                  "city": "青岛", "start_date": "2026-10-10"})),
      allowed={"worker", "other_worker"}),
    R("placements.list_found_jobs", "C's pending 我已找到工作", write=False,
      actors=("anonymous", "employer", "other_employer", COUNTY, ADMIN),
      note="workers and city staff get their own lists, not a refusal; tests/test_worker_side.py checks them",
      page=Door("GET", lambda w: "/staff/care/", shown=lambda w: "（W-C）"),
      api=Door("GET", lambda w: "/api/v1/found-jobs", shown=lambda w: '"W-C"'),
      allowed={COUNTY, ADMIN}),
    R("placements.confirm_found_job", "C's pending 我已找到工作",
      page=Door("POST", lambda w: f"/staff/care/claims/{w.claims['C']}/confirm"),
      api=Door("POST", lambda w: f"/api/v1/found-jobs/{w.claims['C']}/confirm"),
      allowed={COUNTY, ADMIN}),
    R("placements.reject_found_job", "C's pending 我已找到工作",
      page=Door("POST", lambda w: f"/staff/care/claims/{w.claims['C']}/reject", const({"reason": "单位说没有此人"})),
      api=Door("POST", lambda w: f"/api/v1/found-jobs/{w.claims['C']}/reject", const({"reason": "单位说没有此人"})),
      allowed={COUNTY, ADMIN}),
]

#: Actions of ``models.actions`` deliberately not in the table, with the reason (every other one must be).
NOT_IN_TABLE = {
    "imports.import_ledger": "the file-level action the CLI and the demo loader call as SYSTEM (no page/API door); "
                             "import_upload, in the table, is the doors' action and calls it",
    "placements.recompute_stability": "scheduler only (SYSTEM or admin), no page or API door",
    "reports.save_annual": "scheduler only (SYSTEM or admin), no page or API door",
    "messages.unread_count": "the number next to 消息 in the menu (one door: every page's menu); what it counts "
                             "is messages.list_for's, in the table",
    "hires.undo_hire": "needs a 录用 made today, which the shared world cannot hold: the same both-doors check "
                       "per actor is tests/test_worker_side.py::test_undo_hire_through_both_doors",
    "accounts.request_reset": "忘记密码 has the page only: whoever forgot their password has no API token; asked "
                              "by anyone, answered the same whether or not the account exists "
                              "(tests/test_worker_side.py)",
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
