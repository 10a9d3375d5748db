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

from parity.harness import Door, run_api, run_page
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
]

# --- the programme: subsidies, 务工证明, 点对点 batches ------------------------------------------------------------

def _with_store(db_file, step) -> None:
    from models.store.db import connect

    db = connect(db_file)
    try:
        step(db)
    finally:
        db.conn.close()


def confirmed_three_months(db_file, world) -> None:
    """D at X1 (东乡 脱贫 甘肃, 青岛) confirmed in work after 3 months: the Gansu transport subsidy is due."""
    from datetime import date

    from models.placement.follow_ups import record_follow_up

    _with_store(db_file, lambda db: record_follow_up(db, world.placements["D-X1"], date="2026-09-15", channel="电话",
                                                     still_employed=True, today=date(2026, 12, 2)))


def claimed(db_file, world) -> None:
    """... and its claim handed in (so it can be marked paid)."""
    confirmed_three_months(db_file, world)
    _with_store(db_file, lambda db: db.execute(
        "INSERT INTO subsidy_claims (subsidy_key, placement_id, worker_id, status, claimed_on, created_at,"
        " updated_at) VALUES ('transport_gansu', ?, ?, 'claimed', '2026-11-20', 'x', 'x')",
        (world.placements["D-X1"], world.workers["D"])))


def batch_with_c(db_file, world) -> None:
    """Batch 1, 酉阳 → 烟台 (county staff's, not city staff's), with C (placed in 烟台) on board."""
    def step(db):
        db.execute("INSERT INTO transport_batches (id, name, departure_province, departure_county,"
                   " departure_county_code, city, depart_date, mode, escorts, created_at, updated_at)"
                   " VALUES (1, '酉阳→烟台', '重庆市', '酉阳土家族苗族自治县', '500242', '烟台', '2026-11-01', 'bus', '[]',"
                   " 'x', 'x')")
        db.execute("INSERT INTO batch_passengers (batch_id, worker_id, placement_id, created_at, updated_at)"
                   " VALUES (1, ?, ?, 'x', 'x')", (world.workers["C"], world.placements["C-out"]))
    _with_store(db_file, step)


def batch_to_qingdao(db_file, world) -> None:
    """Batch 2, 甘肃省东乡 → 青岛 (city staff's, not county staff's), empty: D (placed at X1) can board."""
    _with_store(db_file, lambda db: db.execute(
        "INSERT INTO transport_batches (id, name, departure_province, departure_county, departure_county_code, city,"
        " depart_date, mode, escorts, created_at, updated_at) VALUES (2, '东乡→青岛', '甘肃省', '东乡族自治县',"
        " '622926', '青岛', '2026-11-01', 'train', '[]', 'x', 'x')"))


SUBSIDY_ROWS = [
    R("subsidies.list_for", "the subsidy list (every staff member gets their own scope's rows: "
      "tests/actions/test_programme.py)", write=False,
      page=Door("GET", lambda w: "/staff/subsidies"), api=Door("GET", lambda w: "/api/v1/subsidies"),
      allowed=set(STAFF), prepare=confirmed_three_months),
    R("subsidies.workbook", "the subsidy workbook", write=False,
      page=Door("GET", lambda w: "/staff/subsidies.xlsx"), api=Door("GET", lambda w: "/api/v1/subsidies.xlsx"),
      allowed=set(STAFF), prepare=confirmed_three_months),
    R("subsidies.mark_claimed", "D-X1's Gansu transport subsidy (due)",
      page=Door("POST", lambda w: f"/staff/subsidies/{w.placements['D-X1']}/transport_gansu/claim",
                lambda w: {"date": "2026-11-20"}),
      api=Door("POST", lambda w: f"/api/v1/placements/{w.placements['D-X1']}/subsidies/transport_gansu/claim",
               lambda w: {"date": "2026-11-20"}),
      allowed={CITY, ADMIN}, prepare=confirmed_three_months),
    R("subsidies.mark_paid", "D-X1's Gansu transport subsidy (claimed)",
      page=Door("POST", lambda w: f"/staff/subsidies/{w.placements['D-X1']}/transport_gansu/paid",
                lambda w: {"date": "2026-11-30", "amount_yuan": "500"}),
      api=Door("POST", lambda w: f"/api/v1/placements/{w.placements['D-X1']}/subsidies/transport_gansu/paid",
               lambda w: {"date": "2026-11-30", "amount_yuan": 500}),
      allowed={CITY, ADMIN}, prepare=claimed),
    R("subsidies.for_worker", "worker D's subsidies and from when", write=False, actors=("anonymous", *STAFF),
      note="the worker's own door (their job page) is the worker-side helper's; the API serves them already",
      page=None, api=Door("GET", lambda w: "/api/v1/workers/W-D/subsidies", shown=lambda w: "transport_gansu"),
      allowed={ADMIN}),
    *[R("certificates.pdf", f"the 务工证明 of placement {name}", write=False, actors=("anonymous", *STAFF),
        page=Door("GET", lambda w, n=name: f"/staff/certificates/{w.placements[n]}.pdf"),
        api=Door("GET", lambda w, n=name: f"/api/v1/placements/{w.placements[n]}/certificate.pdf"),
        allowed=allowed)
      for name, allowed in (("C-out", {COUNTY, ADMIN}), ("D-X1", {CITY, ADMIN}))],
    R("certificates.get", "the 务工证明 of placement D-X1 (its fields)", write=False, actors=("anonymous", *STAFF),
      page=Door("GET", lambda w: f"/staff/followups/{w.placements['D-X1']}", shown=lambda w: "务工证明"),
      api=Door("GET", lambda w: f"/api/v1/placements/{w.placements['D-X1']}/certificate",
               shown=lambda w: "TB-"),
      allowed={CITY, ADMIN}),
    R("certificates.sign", "sign off the 务工证明 of placement D-X1",
      page=Door("POST", lambda w: f"/staff/certificates/{w.placements['D-X1']}/sign", lambda w: {}),
      api=Door("POST", lambda w: f"/api/v1/placements/{w.placements['D-X1']}/certificate/sign", lambda w: {}),
      allowed={CITY, ADMIN}),
    R("certificates.county_workbook", "the 务工证明 workbook of 酉阳", write=False,
      page=Door("GET", lambda w: "/staff/certificates/county.xlsx?county=酉阳"),
      api=Door("GET", lambda w: "/api/v1/certificates/county.xlsx?county=酉阳"),
      allowed={COUNTY, ADMIN}),
    R("batches.create", "a batch 酉阳 → 青岛 (county staff's county, city staff's city)",
      page=Door("POST", lambda w: "/staff/batches", lambda w: {"departure_county": "酉阳", "city": "青岛",
                                                              "depart_date": "2026-12-10", "mode": "bus"}),
      api=Door("POST", lambda w: "/api/v1/batches", lambda w: {"departure_county": "酉阳", "city": "青岛",
                                                              "depart_date": "2026-12-10", "mode": "bus"}),
      allowed={COUNTY, CITY, ADMIN}),
    R("batches.create", "a batch 甘肃省东乡 → 烟台 (nobody's but the admin's)",
      page=Door("POST", lambda w: "/staff/batches", lambda w: {"departure_county": "甘肃省东乡", "city": "烟台",
                                                              "depart_date": "2026-12-10", "mode": "train"}),
      api=Door("POST", lambda w: "/api/v1/batches", lambda w: {"departure_county": "甘肃省东乡", "city": "烟台",
                                                              "depart_date": "2026-12-10", "mode": "train"}),
      allowed={ADMIN}),
    *[R("batches.get", f"batch {n} ({label})", write=False, actors=("anonymous", *STAFF),
        page=Door("GET", lambda w, n=n: f"/staff/batches/{n}", shown=lambda w, t=text: t),
        api=Door("GET", lambda w, n=n: f"/api/v1/batches/{n}", shown=lambda w, t=text: t),
        allowed=allowed, prepare=prepare)
      for n, label, text, allowed, prepare in ((1, "酉阳 → 烟台", "酉阳→烟台", {COUNTY, ADMIN}, batch_with_c),
                                               (2, "东乡 → 青岛", "东乡→青岛", {CITY, ADMIN}, batch_to_qingdao))],
    R("batches.list_for", "the batches (every staff member gets those they cover: tests/actions/test_programme.py)",
      write=False, page=Door("GET", lambda w: "/staff/batches"), api=Door("GET", lambda w: "/api/v1/batches"),
      allowed=set(STAFF), prepare=batch_with_c),
    R("batches.summary", "people moved (within each staff member's scope)", write=False,
      page=Door("GET", lambda w: "/staff/batches"), api=Door("GET", lambda w: "/api/v1/batches/summary"),
      allowed=set(STAFF), prepare=batch_with_c),
    R("batches.candidates", "hired workers who could board batch 2 (D at X1)", write=False,
      actors=("anonymous", *STAFF), page=Door("GET", lambda w: "/staff/batches/2", shown=lambda w: "W-D 马德福"),
      api=None, allowed={CITY, ADMIN}, prepare=batch_to_qingdao,
      note="the page's list of who could board; the API lists workers through /workers"),
    R("batches.add_passenger", "D (placed at X1 in 青岛) onto batch 2",
      page=Door("POST", lambda w: "/staff/batches/2/passengers", lambda w: {"worker_external_id": "W-D"}),
      api=Door("POST", lambda w: "/api/v1/batches/2/passengers", lambda w: {"worker_external_id": "W-D"}),
      allowed={CITY, ADMIN}, prepare=batch_to_qingdao),
    R("batches.confirm_arrival", "C arrived with batch 1",
      page=Door("POST", lambda w: "/staff/batches/1/passengers/W-C/arrive", lambda w: {"date": "2026-11-02"}),
      api=Door("POST", lambda w: "/api/v1/batches/1/passengers/W-C/arrival", lambda w: {"arrived_on": "2026-11-02"}),
      allowed={COUNTY, ADMIN}, prepare=batch_with_c),
    *[R("batches.passenger_workbook", f"batch 1's {label} passenger list", write=False,
        page=Door("GET", lambda w, q=q: f"/staff/batches/1/passengers.xlsx{q}"),
        api=Door("GET", lambda w, q=q: f"/api/v1/batches/1/passengers.xlsx{q}"),
        allowed={COUNTY, ADMIN}, prepare=batch_with_c)
      for label, q in (("carrier's (masked)", ""), ("full", "?full=1"))],
    R("exchange.counties_for", "the partner counties one may export (each staff member their own: "
      "tests/actions/test_programme.py)", write=False,
      page=Door("GET", lambda w: "/staff/exchange"), api=Door("GET", lambda w: "/api/v1/exchange/counties"),
      allowed=set(STAFF)),
    R("exchange.county_workbook", "酉阳's workers, placed and not (full ID numbers)", write=False,
      page=Door("GET", lambda w: "/staff/exchange.xlsx?county=酉阳"),
      api=Door("GET", lambda w: "/api/v1/exchange.xlsx?county=酉阳"),
      allowed={COUNTY, ADMIN}),
]
ROWS += SUBSIDY_ROWS

#: Actions of ``models.actions`` deliberately not in the table, with the reason (every other one must be).
NOT_IN_TABLE = {
    "imports.import_ledger": "the file-level action the CLI and the demo loader call as SYSTEM (no page/API door); "
                             "import_upload, in the table, is the doors' action and calls it",
    "placements.recompute_stability": "scheduler only (SYSTEM or admin), no page or API door",
    "reports.save_annual": "scheduler only (SYSTEM or admin), no page or API door",
    "exchange.export_quarter": "scheduler only (SYSTEM or admin): every county's workbook, no page or API door",
    "subsidies.for_placement": "the placement page's subsidy rows: the rows of subsidies.list_for (in the table) for "
                               "one placement, in the scope of placements.get (in the table); no API door of its own",
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
        if entry.prepare is not None:
            entry.prepare(db_file, world)
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
