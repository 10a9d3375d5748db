"""Regression tests for findings 2, 3, 5 and 7 of the rulebook issue, through both doors — the staff pages
and the JSON API — on the rulebook world (tests/rulebook_world.py): the same actor gets the same outcome at
either door, and a refused attempt changes nothing in the database.

County staff cover 酉阳 (workers A and C, placement ``C-out`` in 烟台); city staff cover 青岛 (postings X1–X3,
placement ``D-X1`` of 东乡 worker D). Neither covers worker B (东乡) or the 烟台 postings Y1, Y2.
"""
from __future__ import annotations

import io
import re

import pytest
from freezegun import freeze_time
from openpyxl import load_workbook

from tests import rulebook_world as rw
from tests.ledger_factory import write_ledger


@pytest.fixture
def web_app(rulebook, data_dir):
    """The real app (CSRF on) over a fresh copy of the rulebook world."""
    from app import create_app

    return create_app({"TESTING": True, "START_SCHEDULER": False, "WTF_CSRF_ENABLED": True,
                       "RATELIMIT_ENABLED": False})


class Door:
    """One actor at both doors: ``page(...)`` signed in through the session, ``api(...)`` with their token."""

    def __init__(self, app, world, key: str) -> None:
        self.client = app.test_client()
        self.token = world.tokens[key]
        with self.client.session_transaction() as session:
            session["_user_id"] = str(world.users[key])
            session["_fresh"] = True

    def page(self, method: str, url: str, data: dict | None = None, **kw):
        if method == "POST":
            html = self.client.get("/staff/followups/risk").get_data(as_text=True)
            data = {"csrf_token": re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html).group(1), **(data or {})}
            return self.client.post(url, data=data, **kw)
        return self.client.get(url, **kw)

    def api(self, method: str, url: str, **kw):
        return self.client.open(url, method=method, headers={"Authorization": f"Bearer {self.token}"}, **kw)


@pytest.fixture
def door(web_app, rulebook):
    return lambda key: Door(web_app, rulebook, key)


@pytest.fixture
def unchanged(data_dir):
    """``same = unchanged()`` … ``assert same()``: nothing but the audit log changed in between."""
    def start():
        before = rw.snapshot(data_dir / "tongbang.db")
        return lambda: rw.snapshot(data_dir / "tongbang.db") == before
    return start


def store(data_dir):
    from models.store.db import connect

    return connect(data_dir / "tongbang.db")


def cells(data: bytes) -> set[str]:
    book = load_workbook(io.BytesIO(data))
    return {str(c) for ws in book.worksheets for row in ws.iter_rows(values_only=True) for c in row if c}


def upload(path) -> tuple[io.BytesIO, str]:
    return io.BytesIO(path.read_bytes()), path.name


# --- finding 2: scoped ledger imports ------------------------------------------------------------------------

def test_finding_2_county_staff_cannot_rewrite_another_countys_worker(door, data_dir, tmp_path):
    rows = [{**rw.WORKERS["B"], "hukou_province": "重庆市", "hukou_county": "酉阳", "id_number": "",
             "phone": "13900000008"},                                      # 东乡 worker B "moved" into 酉阳
            {"external_id": "W-N2", "name": "马新", "hukou_province": "甘肃省", "hukou_county": "东乡县"},
            {"external_id": "W-N1", "name": "冉新", "hukou_province": "重庆市", "hukou_county": "酉阳"}]
    ledger = write_ledger(tmp_path / "乡镇台账.csv", "workers", rows)
    county = door("county_staff")
    page = county.page("POST", "/staff/imports", {"kind": "workers", "file": upload(ledger)},
                       content_type="multipart/form-data")
    assert page.status_code == 302
    report = county.page("GET", page.headers["Location"]).get_data(as_text=True)
    assert "不在您的负责范围" in report and "不在您负责的区县" in report
    api = county.api("POST", "/api/v1/imports", data={"kind": "workers", "file": upload(ledger)},
                     content_type="multipart/form-data")
    assert api.status_code == 201, api.get_data(as_text=True)
    via_api = api.get_json()["data"]
    assert (via_api["added"], via_api["unchanged"], via_api["rejected"]) == (0, 1, 2)   # W-N1 came in by the page
    db = store(data_dir)
    via_page = db.execute("SELECT row_number, field, reason FROM import_rejections WHERE batch_id ="
                          " (SELECT MIN(id) FROM import_batches WHERE filename = '乡镇台账.csv')").fetchall()
    assert via_page == [(r["row_number"], r["field"], r["reason"]) for r in via_api["rejections"]]
    assert [(n, f) for n, f, _ in via_page] == [(2, "external_id"), (3, "hukou_county")]
    assert db.execute("SELECT phone FROM workers WHERE external_id = 'W-B'").fetchone()[0] == rw.WORKERS["B"]["phone"]
    assert db.execute("SELECT hukou_county FROM workers WHERE external_id = 'W-N1'").fetchone()[0] == \
        "酉阳土家族苗族自治县"


def test_finding_2_city_staff_cannot_post_or_rewrite_in_another_city(door, data_dir, tmp_path, runner):
    rows = [{"external_id": "J-N1", "employer_name": "烟台新厂", "title": "普工", "city": "烟台", "status": "open"},
            {**rw.JOBS["Y1"], "city": "青岛", "salary_min": "9000", "salary_max": "9900", "status": "open"}]
    ledger = write_ledger(tmp_path / "岗位.xlsx", "jobs", rows)
    city = door("city_staff")
    page = city.page("POST", "/staff/imports", {"kind": "jobs", "file": upload(ledger)},
                     content_type="multipart/form-data")
    assert page.status_code == 302
    api = city.api("POST", "/api/v1/imports", data={"kind": "jobs", "file": upload(ledger)},
                   content_type="multipart/form-data").get_json()["data"]
    assert [(r["row_number"], r["field"]) for r in api["rejections"]] == [(2, "city"), (3, "external_id")]
    db = store(data_dir)
    assert db.execute("SELECT COUNT(*) FROM jobs WHERE external_id = 'J-N1'").fetchone()[0] == 0
    assert db.execute("SELECT city, salary_min FROM jobs WHERE external_id = 'J-Y1'").fetchone() == ("烟台", 5000)
    assert db.execute("SELECT added, updated, rejected FROM import_batches WHERE filename != '酉阳台账.csv'"
                      " ORDER BY id").fetchall() == \
        [(0, 0, 2), (0, 0, 2)]
    # The server's own command line acts for the whole programme (SYSTEM): it covers every row.
    result = runner.invoke(args=["import", "jobs", str(ledger)])
    assert result.exit_code == 0 and "新增 added: 1" in result.output and "更新 updated: 1" in result.output


# --- finding 3: placements and their lists ------------------------------------------------------------------

def test_finding_3_no_placement_for_an_out_of_scope_worker(door, rulebook, unchanged):
    county = door("county_staff")
    body = {"worker_external_id": "W-B", "employer_name": "烟台某厂", "city": "烟台", "title": "普工",
            "start_date": "2026-11-20"}
    same = unchanged()
    page = county.page("POST", "/staff/followups/new", body)
    assert page.status_code == 400 and "找不到该编号的求职者" in page.get_data(as_text=True)
    api = county.api("POST", "/api/v1/placements", json=body)
    assert api.status_code == 404 and api.get_json()["error"]["field"] == "worker_external_id"
    assert api.get_json()["error"]["message"] in page.get_data(as_text=True)
    for placement in ("D-X1",):   # someone else's placement: not found at either door
        pid = rulebook.placements[placement]
        assert county.page("GET", f"/staff/followups/{pid}").status_code == 404
        assert county.page("POST", f"/staff/followups/{pid}", {"channel": "电话", "still_employed": "1"}
                           ).status_code == 404
        assert county.page("POST", f"/staff/followups/{pid}/end", {"end_date": "2026-11-30"}).status_code == 404
        assert county.api("POST", f"/api/v1/placements/{pid}/follow-ups",
                          json={"channel": "电话", "still_employed": True}).status_code == 404
        assert county.api("POST", f"/api/v1/placements/{pid}/end", json={"end_date": "2026-11-30"}).status_code == 404
        assert county.api("GET", f"/api/v1/placements/{pid}").status_code == 404
    assert same()
    # The job's city is the city staff's: they may record it (page and API alike).
    city = door("city_staff")
    assert city.page("POST", "/staff/followups/new", {**body, "city": "青岛"}).status_code == 302
    assert city.api("POST", "/api/v1/placements", json={**body, "city": "青岛", "start_date": "2026-11-21"}
                    ).status_code == 201


def test_finding_3_placement_lists_are_scoped(door, rulebook):
    def listed(key):
        body = door(key).api("GET", "/api/v1/placements").get_json()
        return body["meta"]["total"], {p["id"] for p in body["data"]}

    p = rulebook.placements
    assert listed("admin") == (2, {p["D-X1"], p["C-out"]})
    assert listed("county_staff") == (1, {p["C-out"]})
    assert listed("city_staff") == (1, {p["D-X1"]})
    with freeze_time("2026-12-02 02:00:00"):
        queue = door("county_staff").page("GET", "/staff/followups/").get_data(as_text=True)
    assert f'id="placement-{p["C-out"]}"' in queue and f'id="placement-{p["D-X1"]}"' not in queue


# --- finding 5: reports within scope --------------------------------------------------------------------------

@freeze_time("2026-12-02 02:00:00")
def test_finding_5_reports_and_subsidy_lists_stay_in_scope(door, rulebook, data_dir):
    from datetime import date

    from models.access import SYSTEM
    from models.actions.reports import save_annual
    from models.placement.follow_ups import record_follow_up

    db = store(data_dir)
    record_follow_up(db, rulebook.placements["D-X1"], date="2026-09-15", channel="电话", still_employed=True,
                     today=date(2026, 12, 2))   # D (东乡, 脱贫, 甘肃) now qualifies for the transport subsidy
    saved = save_annual(db, SYSTEM, 2026).name
    county, admin = door("county_staff"), door("admin")
    for url in ("/staff/reports/annual/2026.xlsx", "/staff/reports/subsidy.xlsx"):
        assert "马德福" in cells(admin.page("GET", url).data)
        assert "马德福" not in cells(county.page("GET", url).data)
    for url in ("/api/v1/reports/annual/2026.xlsx", "/api/v1/reports/subsidy.xlsx"):
        assert "马德福" in cells(admin.api("GET", url).data)
        assert "马德福" not in cells(county.api("GET", url).data)
    assert "马德福" not in county.page("GET", "/staff/reports").get_data(as_text=True)
    assert "甘肃省 东乡族自治县" not in cells(county.api("GET", "/api/v1/reports/annual/2026.xlsx").data)
    # the scheduler's province-wide workbook: admins only
    assert saved in admin.page("GET", "/staff/reports").get_data(as_text=True)
    assert saved not in county.page("GET", "/staff/reports").get_data(as_text=True)
    assert admin.page("GET", f"/staff/reports/saved/{saved}").status_code == 200
    assert county.page("GET", f"/staff/reports/saved/{saved}").status_code == 404
    assert county.api("GET", "/api/v1/reports/annual/1999.xlsx").status_code == 404
    assert door("employer").api("GET", "/api/v1/reports/subsidy.xlsx").status_code == 403


# --- finding 7: other staff members' batches -----------------------------------------------------------------

def test_finding_7_another_staff_members_batches_are_not_found(door, tmp_path, unchanged):
    city, county, admin = door("city_staff"), door("county_staff"), door("admin")
    ledger = write_ledger(tmp_path / "w.jsonl", "workers", [{"external_id": "W-N2", "name": "马新"}])
    batch = city.api("POST", "/api/v1/imports", data={"kind": "workers", "file": upload(ledger)},
                     content_type="multipart/form-data").get_json()["data"]["id"]
    listed = io.BytesIO("身份证号,姓名\n".encode() + f"{rw.ID_D},马德福\n".encode())
    made = city.page("POST", "/staff/comparison", {"list_status": "脱贫享受政策人口", "file": (listed, "名单.csv")},
                     content_type="multipart/form-data")
    assert made.status_code == 302
    comparison = int(made.headers["Location"].rsplit("/", 1)[1])
    same = unchanged()
    for url in (f"/staff/imports/{batch}", f"/staff/imports/{batch}/rejections.xlsx", f"/staff/comparison/{comparison}"):
        assert county.page("GET", url).status_code == 404, url
        assert admin.page("GET", url).status_code == 200, url
    assert county.page("POST", f"/staff/comparison/{comparison}/apply").status_code == 404
    for url in (f"/api/v1/imports/{batch}", f"/api/v1/comparisons/{comparison}"):
        assert county.api("GET", url).status_code == 404, url
        assert admin.api("GET", url).status_code == 200, url
    assert county.api("POST", f"/api/v1/comparisons/{comparison}/apply").status_code == 404
    # the county staff's lists hold their own batch and comparison of the world, not the city staff's
    assert batch not in [b["id"] for b in county.api("GET", "/api/v1/imports").get_json()["data"]]
    assert comparison not in [c["id"] for c in county.api("GET", "/api/v1/comparisons").get_json()["data"]]
    assert "w.jsonl" not in county.page("GET", "/staff/imports").get_data(as_text=True)
    assert "<td>名单.csv</td>" not in county.page("GET", "/staff/comparison").get_data(as_text=True)
    assert same()
