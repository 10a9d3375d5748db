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

def _store():
    import os
    import sqlite3
    from pathlib import Path

    return sqlite3.connect(Path(os.environ["TONGBANG_DATA_DIR"]) / "tongbang.db")


def twin_of(key: str):
    """Builds, in the fresh world's store, a second record of worker ``key`` (same name, county and phone under
    another 编号: a 疑似重复 pair) and returns ``(keep, twin)`` ids. Memoised per world copy by the worker count."""
    def build(w):
        conn = _store()
        with conn:
            found = conn.execute("SELECT id FROM workers WHERE external_id = ?", (f"{key}-TWIN",)).fetchone()
            twin = found[0] if found else conn.execute(
                "INSERT INTO workers (external_id, name, phone, birth_year, hukou_province, hukou_county,"
                " hukou_county_code, created_at, updated_at) SELECT ? , name, phone, birth_year, hukou_province,"
                " hukou_county, hukou_county_code, created_at, updated_at FROM workers WHERE id = ?",
                (f"{key}-TWIN", w.workers[key])).lastrowid
        conn.close()
        return w.workers[key], twin
    return build


def interrupted_import(w) -> int:
    """An import batch of county staff that was interrupted, with its upload still kept (A's phone row)."""
    import os
    import secrets
    from pathlib import Path

    folder = Path(os.environ["TONGBANG_DATA_DIR"]) / "imports" / secrets.token_hex(4)
    folder.mkdir(parents=True)
    path = folder / "ledger.csv"
    path.write_text(A_PHONE_ROW, encoding="utf-8")
    conn = _store()
    with conn:
        found = conn.execute("SELECT id FROM import_batches WHERE status = 'interrupted'").fetchone()
        batch = found[0] if found else conn.execute(
            "INSERT INTO import_batches (kind, filename, total_rows, user_id, status, upload_path, created_at,"
            " updated_at) VALUES ('workers', 'ledger.csv', 1, ?, 'interrupted', ?, '2026-11-01T00:00:00+00:00',"
            " '2026-11-01T00:00:00+00:00')", (w.users[COUNTY], str(path))).lastrowid
    conn.close()
    return batch


def pair_form(key: str):
    return lambda w: dict(zip(("keep_id", "merge_id"), twin_of(key)(w)))


ROWS = [
    # --- 疑似重复 -------------------------------------------------------------------------------------------
    *[R("duplicates.merge", f"worker {key} and a second record of {key}",
        page=Door("POST", lambda w: "/staff/duplicates/merge", pair_form(key)),
        api=Door("POST", lambda w: "/api/v1/duplicates/merge", pair_form(key)),
        allowed=allowed)
      for key, allowed in (("C", {COUNTY, ADMIN}), ("B", {ADMIN}))],
    *[R("duplicates.dismiss", f"worker {key} and a second record of {key}",
        page=Door("POST", lambda w: "/staff/duplicates/dismiss", pair_form(key)),
        api=Door("POST", lambda w: "/api/v1/duplicates/dismiss", pair_form(key)),
        allowed=allowed)
      for key, allowed in (("C", {COUNTY, ADMIN}), ("B", {ADMIN}))],
    *[R("duplicates.queue", f"the pair of worker {key}", write=False, actors=("anonymous", *STAFF),
        reports_refusals=True,  # a list: staff who do not cover the pair get the list without it
        note="the queue is a staff page; other roles are refused at the door (tests/test_duplicates.py)",
        page=Door("GET", lambda w: "/staff/duplicates/", pair_form(key), shown=lambda w, k=key: f"{k}-TWIN"),
        api=Door("GET", lambda w: "/api/v1/duplicates", pair_form(key), shown=lambda w, k=key: f"{k}-TWIN"),
        allowed=allowed)
      for key, allowed in (("C", {COUNTY, ADMIN}), ("B", {ADMIN}))],
    R("imports.rerun", "county staff's interrupted import of A's row", tables=("workers",),
      page=Door("POST", lambda w: f"/staff/imports/{interrupted_import(w)}/rerun", lambda w: {}),
      api=Door("POST", lambda w: f"/api/v1/imports/{interrupted_import(w)}/rerun", lambda w: {}),
      allowed={COUNTY, ADMIN}),

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

#: Actions of ``models.actions`` deliberately not in the table, with the reason (every other one must be).
NOT_IN_TABLE = {
    "imports.import_ledger": "the file-level action the CLI and the demo loader call as SYSTEM (no page/API door); "
                             "import_upload, in the table, is the doors' action and calls it",
    "placements.recompute_stability": "scheduler only (SYSTEM or admin), no page or API door",
    "reports.save_annual": "scheduler only (SYSTEM or admin), no page or API door",
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
