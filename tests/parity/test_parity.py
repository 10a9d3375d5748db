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
import rulebook_world as rw

from parity.harness import Door, const, run_api, run_page
from parity.harness import row as R

STAFF = ("county_staff", "city_staff", "admin")
COUNTY, CITY, ADMIN = "county_staff", "city_staff", "admin"





C_LIST = f"身份证号,姓名\n{rw.ID_C},白云秀\n"


def worker_form(key: str, **changes) -> dict:
    """The staff worker form of world worker ``key`` as typed, with ``changes``."""
    raw = {**rw.WORKERS[key], **changes}
    raw.pop("id_number", None)   # an empty ID number keeps the stored one
    raw["seeking"] = "y"
    return raw


def new_worker_form(ext: str, province: str, county: str) -> dict:
    return {"external_id": ext, "name": "赵六", "hukou_province": province, "hukou_county": county,
            "education": "初中", "desired_jobs": "普工", "seeking": "y"}


def new_worker_json(ext: str, province: str, county: str) -> dict:
    return {"external_id": ext, "name": "赵六", "hukou_province": province, "hukou_county": county,
            "education": "初中", "desired_jobs": "普工"}


NEW_JOB_FORM = {"title": "包装工", "city": "青岛", "salary_min": "5000", "salary_max": "6000", "headcount": "2"}
X1_EDIT_FORM = {"title": "电焊工", "city": "青岛", "salary_min": "9000", "salary_max": "14000", "headcount": "1",
                "age_min": "18", "age_max": "55", "required_certificates": "焊工证"}


def ledger_file(text: str, name: str = "ledger.csv"):
    return lambda _w: (io.BytesIO(text.encode("utf-8")), name)


A_PHONE_ROW = "编号,姓名,户籍省份,户籍区县,手机号\nW-A,冉大山,重庆市,酉阳,13811112222\n"
B_PHONE_ROW = "编号,姓名,户籍省份,户籍区县,手机号\nW-B,马小花,甘肃省,东乡县,13811113333\n"
NEW_COURSE = {"title": "焊工培训班", "provider": "青岛市技师学院", "occupation": "电焊工", "certificate": "电焊证",
              "start_date": "2026-12-10", "end_date": "2027-01-20", "seats": "30", "cost_yuan": "0"}
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
    # --- applications (findings 1, 3 and 8) -----------------------------------------------------------------
    R("applications.apply", "X2 needs a 叉车证 that A lacks (finding 1: refused through the API as on the page)",
      page=Door("POST", lambda w: f"/jobs/{w.jobs['X2']}/apply", const({})),
      api=Door("POST", const("/api/v1/applications"), const({"job_external_id": "J-X2"})),
      allowed=set()),
    R("applications.apply", "Y1, open, nothing required (B applied already: B-Y1)",
      page=Door("POST", lambda w: f"/jobs/{w.jobs['Y1']}/apply", const({})),
      api=Door("POST", const("/api/v1/applications"), const({"job_external_id": "J-Y1"})),
      allowed={"worker"}),
    *[R(f"applications.{answer}", "rec-A-Y2, waiting for A",
        page=Door("POST", lambda w, a=answer: f"/me/applications/{w.applications['rec-A-Y2']}/{a}", const({})),
        api=Door("POST", lambda w, a=answer: f"/api/v1/applications/{w.applications['rec-A-Y2']}/{a}"),
        allowed={"worker"})
      for answer in ("accept", "decline")],
    R("applications.withdraw", "A-X1, A's own application",
      page=Door("POST", lambda w: f"/me/applications/{w.applications['A-X1']}/withdraw", const({})),
      api=Door("POST", lambda w: f"/api/v1/applications/{w.applications['A-X1']}/withdraw"),
      allowed={"worker"}),
    R("applications.recommend", "Y1 (烟台) to C (酉阳): the worker's county staff",
      page=Door("POST", lambda w: f"/staff/workers/{w.workers['C']}/recommend",
                lambda w: {"job_id": w.jobs["Y1"], "note": "离家近"}),
      api=Door("POST", const("/api/v1/applications"),
               const({"job_external_id": "J-Y1", "worker_external_id": "W-C", "note": "离家近"})),
      allowed={COUNTY, ADMIN}),
    R("applications.recommend", "Y2 (烟台) to B (东乡): neither staff member covers either",
      actors=("anonymous", "employer", "other_employer", *STAFF),
      note="for a worker, POST /api/v1/applications is applying (the applications.apply rows)",
      page=Door("POST", lambda w: f"/staff/workers/{w.workers['B']}/recommend",
                lambda w: {"job_id": w.jobs["Y2"], "note": "包吃住"}),
      api=Door("POST", const("/api/v1/applications"),
               const({"job_external_id": "J-Y2", "worker_external_id": "W-B", "note": "包吃住"})),
      allowed={ADMIN}),
    R("applications.record_consent", "rec-A-Y2: A agreed by phone",
      page=Door("POST", lambda w: f"/staff/applications/{w.applications['rec-A-Y2']}/consent",
                const({"note": "11月2日上午电话确认，本人同意"})),
      api=Door("POST", lambda w: f"/api/v1/applications/{w.applications['rec-A-Y2']}/consent",
               const({"note": "11月2日上午电话确认，本人同意"})),
      allowed={COUNTY, ADMIN}),
    R("applications.change_status", "A-X1 → 面试 (the employer's pipeline page)",
      actors=("anonymous", "worker", "other_worker", "employer", "other_employer"),
      page=Door("POST", lambda w: f"/employer/applications/{w.applications['A-X1']}", const({"status": "面试"})),
      api=Door("PATCH", lambda w: f"/api/v1/applications/{w.applications['A-X1']}", const({"status": "面试"})),
      allowed={"employer"}),
    R("applications.change_status", "A-X1 → 面试 by staff (finding 3: staff covering the worker or the posting)",
      actors=STAFF, page=None, note="staff move the pipeline through the API only",
      api=Door("PATCH", lambda w: f"/api/v1/applications/{w.applications['A-X1']}", const({"status": "面试"})),
      allowed=set(STAFF)),
    R("applications.change_status", "B-Y1 → 面试 by staff: neither county nor city staff cover it (finding 3)",
      actors=STAFF, page=None,
      api=Door("PATCH", lambda w: f"/api/v1/applications/{w.applications['B-Y1']}", const({"status": "面试"})),
      allowed={ADMIN}),
    R("applications.hire", "rec-A-Y2 → 录用 before A accepted (finding 8: no placement without consent)",
      actors=("anonymous", "worker", "other_worker", "employer", "other_employer"),
      page=Door("POST", lambda w: f"/employer/applications/{w.applications['rec-A-Y2']}", const({"status": "录用"})),
      api=Door("PATCH", lambda w: f"/api/v1/applications/{w.applications['rec-A-Y2']}", const({"status": "录用"})),
      allowed=set()),
    R("applications.hire", "rec-A-Y2 → 录用 by staff before A accepted (finding 8)",
      actors=STAFF, page=None,
      api=Door("PATCH", lambda w: f"/api/v1/applications/{w.applications['rec-A-Y2']}", const({"status": "录用"})),
      allowed=set()),
    R("applications.hire", "A-X1 → 录用: A applied, so the employer may hire",
      actors=("anonymous", "worker", "other_worker", "employer", "other_employer"),
      page=Door("POST", lambda w: f"/employer/applications/{w.applications['A-X1']}", const({"status": "录用"})),
      api=Door("PATCH", lambda w: f"/api/v1/applications/{w.applications['A-X1']}", const({"status": "录用"})),
      allowed={"employer"}),
    R("applications.get", "A-X1", write=False, page=None, note="no page shows one application alone",
      api=Door("GET", lambda w: f"/api/v1/applications/{w.applications['A-X1']}", shown=const("J-X1")),
      allowed={"worker", "employer", COUNTY, CITY, ADMIN}),
    R("applications.list_for", "A-X1 in the caller's list (finding 3: scoped lists)", write=False, page=None,
      note="each role's list page is tests/web; the API list is one door for all",
      api=Door("GET", const("/api/v1/applications?per_page=100"), shown=const('"job_external_id":"J-X1"')), filters=True,
      allowed={"worker", "employer", COUNTY, CITY, ADMIN}),
    R("applications.list_for", "B-Y1 in the caller's list", write=False, page=None,
      api=Door("GET", const("/api/v1/applications?per_page=100"), shown=const('"worker_external_id":"W-B"')), filters=True,
      allowed={"other_worker", "other_employer", ADMIN}),
    # --- postings -------------------------------------------------------------------------------------------
    R("postings.create", "a posting of the employer's own",
      actors=("anonymous", "worker", "other_worker", "employer", "other_employer"),
      page=Door("POST", const("/employer/postings/new"), const(dict(NEW_JOB_FORM))),
      api=Door("POST", const("/api/v1/jobs"), const({"external_id": "J-NEW", "title": "包装工", "city": "青岛",
                                                      "salary_min": 5000, "salary_max": 6000})),
      allowed={"employer", "other_employer"}),
    R("postings.create", "a posting in 青岛 by staff", actors=STAFF, page=None,
      api=Door("POST", const("/api/v1/jobs"), const({"external_id": "J-NEW", "title": "包装工", "city": "青岛",
                                                      "employer_name": "青岛鑫达焊接有限公司",
                                                      "salary_min": 5000, "salary_max": 6000})),
      allowed={CITY, ADMIN}),
    R("postings.edit", "X1's pay",
      actors=("anonymous", "worker", "other_worker", "employer", "other_employer"),
      page=Door("POST", lambda w: f"/employer/postings/{w.jobs['X1']}/edit", const(dict(X1_EDIT_FORM))),
      api=Door("PATCH", const("/api/v1/jobs/J-X1"), const({"salary_max": 14000})),
      allowed={"employer"}),
    R("postings.edit", "X1's pay by staff", actors=STAFF, page=None,
      api=Door("PATCH", const("/api/v1/jobs/J-X1"), const({"salary_max": 14000})),
      allowed={CITY, ADMIN}),
    R("postings.edit", "X1 moved to 烟台 by 青岛 staff: out of their scope after the change", actors=STAFF, page=None,
      api=Door("PATCH", const("/api/v1/jobs/J-X1"), const({"city": "烟台"})),
      allowed={ADMIN}),
    R("postings.close", "X1",
      actors=("anonymous", "worker", "other_worker", "employer", "other_employer"),
      page=Door("POST", lambda w: f"/employer/postings/{w.jobs['X1']}/close", const({"status": "filled"})),
      api=Door("POST", const("/api/v1/jobs/J-X1/close"), const({"status": "filled"})),
      allowed={"employer"}),
    R("postings.close", "Y1 by staff (烟台)", actors=STAFF, page=None,
      api=Door("POST", const("/api/v1/jobs/J-Y1/close")),
      allowed={ADMIN}),
    R("postings.reopen", "X3 (closed)",
      actors=("anonymous", "worker", "other_worker", "employer", "other_employer"),
      page=Door("POST", lambda w: f"/employer/postings/{w.jobs['X3']}/reopen", const({})),
      api=Door("POST", const("/api/v1/jobs/J-X3/reopen")),
      allowed={"employer"}),
    R("postings.reopen", "X3 by staff", actors=STAFF, page=None,
      api=Door("POST", const("/api/v1/jobs/J-X3/reopen")),
      allowed={CITY, ADMIN}),
    R("postings.get", "X3, closed: its employer and 青岛 staff", write=False,
      page=Door("GET", lambda w: f"/jobs/{w.jobs['X3']}", shown=const("装配工")), api=None,
      allowed={"employer", CITY, ADMIN}),
    R("postings.get_by_external_id", "X3, closed: its employer and 青岛 staff", write=False, page=None,
      api=Door("GET", const("/api/v1/jobs/J-X3"), shown=const("J-X3")),
      allowed={"employer", CITY, ADMIN}),
    R("postings.list_for", "closed postings listed: X3", write=False, page=None,
      api=Door("GET", const("/api/v1/jobs?status=closed"), shown=const('"external_id":"J-X3"')), filters=True,
      allowed={"employer", CITY, ADMIN}),
    R("postings.for_edit", "the form of X1", write=False, page=Door("GET", lambda w: f"/employer/postings/{w.jobs['X1']}/edit",
                                                                     shown=const("电焊工")),
      actors=("anonymous", "worker", "other_worker", "employer", "other_employer"), api=None,
      allowed={"employer"}),
    # --- workers (finding 4 and the API side of 6) -----------------------------------------------------------
    *[R("workers.create_worker", f"a new worker from {county}",
        page=Door("POST", const("/staff/workers/new"), const(new_worker_form(ext, province, county))),
        api=Door("POST", const("/api/v1/workers"), const(new_worker_json(ext, province, county))),
        allowed=allowed)
      for ext, province, county, allowed in (("W-NEW1", "重庆市", "酉阳", {COUNTY, ADMIN}),
                                             ("W-NEW2", "甘肃省", "东乡县", {ADMIN}))],
    R("workers.edit_worker", "C's expected pay", actors=("anonymous", *STAFF),
      note="the worker's own profile page is its door for the worker (tests/web/test_seekers.py)",
      page=Door("POST", lambda w: f"/staff/workers/{w.workers['C']}/edit", const(worker_form("C", expected_salary="5200"))),
      api=Door("PATCH", const("/api/v1/workers/W-C"), const({"expected_salary": 5200})),
      allowed={COUNTY, ADMIN}),
    R("workers.edit_worker", "A's 户籍 moved to 东乡: out of the county staff's scope after the change (finding 4)",
      actors=("anonymous", *STAFF),
      page=Door("POST", lambda w: f"/staff/workers/{w.workers['A']}/edit",
                const(worker_form("A", hukou_province="甘肃省", hukou_county="东乡县"))),
      api=Door("PATCH", const("/api/v1/workers/W-A"), const({"hukou_province": "甘肃省", "hukou_county": "东乡县"})),
      allowed={ADMIN}),
    R("workers.reveal_id", "A's ID number (audited)", write=False,
      page=Door("POST", lambda w: f"/staff/workers/{w.workers['A']}/reveal", const({}), shown=const(rw.ID_A)),
      api=Door("GET", const("/api/v1/workers/W-A?reveal=id_number"), shown=const(rw.ID_A)),
      allowed={COUNTY, ADMIN}),
    R("workers.create_worker_account", "C's account",
      page=Door("POST", lambda w: f"/staff/workers/{w.workers['C']}/account",
                const({"username": "13700001111", "password": "Baiyun-2026!"})),
      api=Door("POST", const("/api/v1/workers/W-C/account"), const({"password": "Baiyun-2026!"})),
      allowed={COUNTY, ADMIN}),
    R("workers.view", "A: full for the county's staff, contact details for 青岛 staff (A applied there)",
      write=False, actors=("anonymous", *STAFF),
      page=Door("GET", lambda w: f"/staff/workers/{w.workers['A']}", shown=const("13812345678")),
      api=Door("GET", const("/api/v1/workers/W-A"), shown=const("13812345678")),
      allowed={COUNTY, CITY, ADMIN}),
    R("workers.view", "A's phone: the employer A applied to; not another employer (A masked), not another worker",
      write=False, filters=True, actors=("anonymous", "worker", "other_worker", "employer", "other_employer"), page=None,
      api=Door("GET", const("/api/v1/workers/W-A"), shown=const("13812345678")),
      allowed={"worker", "employer"}),
    R("workers.dossier", "A's file (applications, placements)", write=False, actors=("anonymous", *STAFF),
      page=Door("GET", lambda w: f"/staff/workers/{w.workers['A']}", shown=const("冉大山")), api=None,
      allowed={COUNTY, CITY, ADMIN}),
    R("workers.for_edit", "the form of C", write=False, actors=("anonymous", *STAFF),
      page=Door("GET", lambda w: f"/staff/workers/{w.workers['C']}/edit", shown=const("白云秀")), api=None,
      allowed={COUNTY, ADMIN}),
    R("workers.list_for", "C in the registry", write=False, filters=True, actors=("anonymous", *STAFF),
      page=Door("GET", const("/staff/workers"), shown=const("W-C")),
      api=Door("GET", const("/api/v1/workers?per_page=100"), shown=const('"external_id":"W-C"')),
      allowed={COUNTY, ADMIN}),
    # --- matches and candidates -----------------------------------------------------------------------------
    R("matches.worker", "A's ranked jobs", write=False, actors=("anonymous", *STAFF),
      page=Door("GET", lambda w: f"/staff/workers/{w.workers['A']}/matches"),
      api=Door("GET", const("/api/v1/workers/W-A/matches")),
      allowed={COUNTY, ADMIN}),
    R("matches.job", "X1's ranked candidates (employer)", write=False,
      actors=("anonymous", "worker", "other_worker", "employer", "other_employer"),
      page=Door("GET", lambda w: f"/employer/postings/{w.jobs['X1']}/candidates"),
      api=Door("GET", const("/api/v1/jobs/J-X1/matches")),
      allowed={"employer"}),
    R("workers.candidates", "X1's ranked candidates (staff)", write=False, actors=("anonymous", *STAFF),
      page=Door("GET", lambda w: f"/staff/jobs/{w.jobs['X1']}/candidates"),
      api=Door("GET", const("/api/v1/jobs/J-X1/matches")),
      allowed=set(STAFF)),
    # --- imports and comparisons (finding 7) -------------------------------------------------------------------
    R("imports.get_batch", "the county staff's import batch", write=False,
      page=Door("GET", lambda w: f"/staff/imports/{w.batch}"), api=Door("GET", lambda w: f"/api/v1/imports/{w.batch}"),
      allowed={COUNTY, ADMIN}),
    R("imports.list_batches", "the county staff's batch in the list", write=False, filters=True,
      page=None, api=Door("GET", const("/api/v1/imports"), shown=lambda w: f'"id":{w.batch}'),
      allowed={COUNTY, ADMIN}),
    R("comparisons.get", "the county staff's comparison", write=False,
      page=Door("GET", lambda w: f"/staff/comparison/{w.comparison}"),
      api=Door("GET", lambda w: f"/api/v1/comparisons/{w.comparison}"),
      allowed={COUNTY, ADMIN}),
    R("comparisons.apply", "the county staff's comparison (C becomes 防止返贫监测对象)",
      page=Door("POST", lambda w: f"/staff/comparison/{w.comparison}/apply", const({})),
      api=Door("POST", lambda w: f"/api/v1/comparisons/{w.comparison}/apply"),
      allowed={COUNTY, ADMIN}),
    R("comparisons.run", "a 监测对象 list naming C (every staff member may compare a list; each sees their scope)",
      page=Door("POST", const("/staff/comparison"),
                lambda w: {"list_status": "防止返贫监测对象", "file": ledger_file(C_LIST, "名单.csv")(w)}),
      api=Door("POST", const("/api/v1/comparisons"),
               lambda w: {"list_status": "防止返贫监测对象", "file": ledger_file(C_LIST, "名单.csv")(w)},
               multipart=True),
      allowed=set(STAFF)),
    R("comparisons.list_batches", "the county staff's comparison in the list", write=False, filters=True,
      page=None, api=Door("GET", const("/api/v1/comparisons"), shown=lambda w: f'"id":{w.comparison}'),
      allowed={COUNTY, ADMIN}),
    # --- follow-up pages (reads of one door) -----------------------------------------------------------------
    R("placements.list_for", "C-out in the list", write=False, filters=True, page=None,
      api=Door("GET", const("/api/v1/placements?per_page=100"), shown=const('"employer_name":"烟台某食品厂"')),
      allowed={COUNTY, ADMIN}),
    R("placements.detail", "C-out's page", write=False, api=None, actors=("anonymous", *STAFF),
      page=Door("GET", lambda w: f"/staff/followups/{w.placements['C-out']}", shown=const("烟台某食品厂")),
      allowed={COUNTY, ADMIN}),
    R("placements.queue", "today's follow-ups and recently left (each staff member's scope)", write=False,
      api=None, page=Door("GET", const("/staff/followups/")), allowed=set(STAFF)),
    R("placements.recently_left", "today's follow-ups and recently left", write=False,
      api=None, page=Door("GET", const("/staff/followups/")), allowed=set(STAFF)),
    R("placements.risk_list", "the risk page", write=False,
      api=None, page=Door("GET", const("/staff/followups/risk")), allowed=set(STAFF)),
    R("reports.dashboard", "the dashboard", write=False,
      api=None, page=Door("GET", const("/staff/dashboard")), allowed=set(STAFF)),
    R("reports.subsidy_list", "the subsidy list page", write=False,
      api=None, page=Door("GET", const("/staff/reports")), allowed=set(STAFF)),
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
    R("resets.list_resets", "A's 忘记密码 request", write=False,
      actors=("anonymous", "worker", "other_worker", "employer", "other_employer", COUNTY, ADMIN),
      note="city staff get their own (empty) list, not a refusal; tests/test_worker_side.py checks it",
      page=Door("GET", lambda w: "/staff/care/", shown=lambda w: "（W-A）"),
      api=Door("GET", lambda w: "/api/v1/password-resets", shown=lambda w: '"W-A"'),
      allowed={COUNTY, ADMIN}),
    R("resets.complete_reset", "A's 忘记密码 request",
      page=Door("POST", lambda w: f"/staff/care/resets/{w.resets['A']}/done",
                const({"identity_note": "电话核对身份证后四位", "new_password": "reset-Pass-789"})),
      api=Door("POST", lambda w: f"/api/v1/password-resets/{w.resets['A']}/done",
               const({"identity_note": "电话核对身份证后四位", "new_password": "reset-Pass-789"})),
      allowed={COUNTY, ADMIN}),
    R("resets.cancel_reset", "A's 忘记密码 request",
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
      allowed=set(rw.ACTORS) - {"anonymous"}),
    R("training.list_courses", "courses leading to 叉车证, asked for as 叉车操作证", write=False,
      page=Door("GET", lambda w: "/courses?certificate=叉车操作证", shown=lambda w: "叉车司机培训班"),
      api=Door("GET", lambda w: "/api/v1/courses?certificate=叉车操作证", shown=lambda w: "叉车司机培训班"),
      allowed=set(rw.ACTORS) - {"anonymous"}),
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
                lambda w: {"employer_name": rw.EMPLOYERS["X"][0]}),
      api=Door("POST", lambda w: f"/api/v1/brands/{w.brands['酉阳焊工']}/employers",
               lambda w: {"employer_name": rw.EMPLOYERS["X"][0]}),
      allowed={COUNTY, CITY, ADMIN}),
    R("brands.link_employer", "employer Y (烟台) as a partner of 酉阳焊工",
      page=Door("POST", lambda w: f"/staff/brands/{w.brands['酉阳焊工']}/employers",
                lambda w: {"employer_name": rw.EMPLOYERS["Y"][0]}),
      api=Door("POST", lambda w: f"/api/v1/brands/{w.brands['酉阳焊工']}/employers",
               lambda w: {"employer_name": rw.EMPLOYERS["Y"][0]}),
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
      page=Door("POST", lambda w: "/admin/users", lambda w: {"username": "yantai", "password": "Haibin-gangkou-2026",
                                                              "role": "staff", "cities": "烟台"}),
      api=Door("POST", lambda w: "/api/v1/admin/users", lambda w: {"username": "yantai", "password": "Haibin-gangkou-2026",
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

# --- one's own account (issue 9): every signed-in actor, on their own account only ---------------------------
SIGNED_IN = set(rw.ACTORS) - {"anonymous"}
NEW_PASSWORD = "yantai-gangwu-2027"
ROWS += [
    R("accounts.change_password", "the actor's own password", allowed=SIGNED_IN,
      page=Door("POST", lambda w: "/account/password",
                lambda w: {"current_password": rw.PASSWORD, "new_password": NEW_PASSWORD,
                           "confirm": NEW_PASSWORD}),
      api=Door("POST", lambda w: "/api/v1/me/password",
               lambda w: {"current_password": rw.PASSWORD, "new_password": NEW_PASSWORD})),
    R("accounts.end_sessions", "every browser session of the actor (sign out everywhere)", allowed=SIGNED_IN,
      page=Door("POST", lambda w: "/logout", lambda w: {}),
      api=Door("DELETE", lambda w: "/api/v1/me/sessions")),
    R("accounts.register_worker", "a new worker with a phone nobody has", allowed={"anonymous"},
      note="only the registration page: the API is for token holders, who already have an account",
      page=Door("POST", lambda w: "/register",
                lambda w: {"name": "冉小山", "phone": "13700009999", "password": "youyang-hanjie-26",
                           "hukou_province": "重庆市", "hukou_county": "酉阳", "assistance_status": "脱贫享受政策人口"}),
      api=None),
]

#: Actions of ``models.actions`` deliberately not in the table, with the reason (every other one must be).
NOT_IN_TABLE = {
    "workers.present": "a helper of view/candidates (what an actor sees of a worker), not an action",
    "workers.related": "a helper of visibility (is the worker the actor's business?), not an action",
    "workers.visibility": "a helper of view/present, not an action",
    "workers.set_seeking": "called inside edit_worker (the seeking box of both doors' worker forms)",
    "imports.import_ledger": "the file-level action the CLI and the demo loader call as SYSTEM (no page/API door); "
                             "import_upload, in the table, is the doors' action and calls it",
    "placements.recompute_stability": "scheduler only (SYSTEM or admin), no page or API door",
    "reports.save_annual": "scheduler only (SYSTEM or admin), no page or API door",
    "messages.unread_count": "the number next to 消息 in the menu (one door: every page's menu); what it counts "
                             "is messages.list_for's, in the table",
    "hires.undo_hire": "needs a 录用 made today, which the shared world cannot hold: the same both-doors check "
                       "per actor is tests/test_worker_side.py::test_undo_hire_through_both_doors",
    "resets.request_reset": "忘记密码 has the page only: whoever forgot their password has no API token; asked "
                            "by anyone, answered the same whether or not the account exists "
                              "(tests/test_worker_side.py)",
    "exchange.export_quarter": "scheduler only (SYSTEM or admin): every county's workbook, no page or API door",
    "subsidies.for_placement": "the placement page's subsidy rows: the rows of subsidies.list_for (in the table) for "
                               "one placement, in the scope of placements.get (in the table); no API door of its own",
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
        if entry.prepare is not None:
            entry.prepare(db_file, world)
        outcome = run(parity_app, world, actor, door, db_file, entry.tables)
        outcomes[name] = outcome
        assert outcome.status < 500, (name, outcome)
        if not expected:
            assert not outcome.changed, f"refused {entry.action} via {name} as {actor} changed the database"
    summary = {k: (o.status, o.done(entry.write)) for k, o in outcomes.items()}
    assert all(o.done(entry.write) == expected for o in outcomes.values()), (entry.target, actor, summary)
    signed_in_list = entry.filters and actor != "anonymous"
    if "api" in outcomes and not expected and not (entry.reports_refusals and actor in STAFF) and not signed_in_list:
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
