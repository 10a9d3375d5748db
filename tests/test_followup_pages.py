"""The staff follow-up cycle in the browser's terms: pages render, one-tap recording works, scope and
roles are enforced (a worker gets 403), CSRF is required, uploads and downloads work."""
from __future__ import annotations

import io
import re
import sys
from datetime import date
from pathlib import Path

import pytest
from freezegun import freeze_time

sys.path.insert(0, str(Path(__file__).parent))

from placement_factory import make_id, make_job, make_user, make_worker

from app.database import get_db


@pytest.fixture
def web_app(data_dir):
    """The real app with CSRF on."""
    from app import create_app

    return create_app({"TESTING": True, "START_SCHEDULER": False, "WTF_CSRF_ENABLED": True})


@pytest.fixture
def world(web_app):
    with web_app.app_context():
        db = get_db()
        gansu = make_worker(db, "马小明", county="东乡族自治县", phone="13812345678", id_number=make_id(seq="201"))
        cq = make_worker(db, "冉大山", province="重庆市", county="酉阳土家族苗族自治县")
        job = make_job(db, "焊工", employer="青岛海工", city="青岛")
        from models.placement.placements import create_placement

        pg = create_placement(db, gansu, job_id=job, start_date="2026-01-20")
        pc = create_placement(db, cq, employer_name="烟台食品厂", city="烟台", title="包装工", start_date="2026-01-25")
        ids = {
            "staff": make_user(db, "staff_all", "staff"),
            "gs": make_user(db, "staff_gs", "staff", counties=["东乡族自治县"]),
            "worker": make_user(db, "w1", "worker", worker_id=gansu),
            "gansu": gansu, "cq": cq, "job": job, "pg": pg, "pc": pc,
        }
    return ids


def login(client, user_id):
    with client.session_transaction() as session:
        session["_user_id"] = str(user_id)
        session["_fresh"] = True


def csrf(client, url):
    html = client.get(url).get_data(as_text=True)
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found, html[:500]
    return found.group(1)


TODAY = "2026-03-02 02:00:00"  # 10:00 in Shanghai


@freeze_time(TODAY)
def test_queue_lists_due_and_records_one_tap(web_app, world):
    client = web_app.test_client()
    login(client, world["staff"])
    html = client.get("/staff/followups/").get_data(as_text=True)
    assert "马小明" in html and "冉大山" in html and "逾期" in html
    assert "138****5678" in html and "13812345678" not in html     # phones masked in lists
    token = csrf(client, "/staff/followups/")
    resp = client.post(f"/staff/followups/{world['pg']}/quick",
                       data={"csrf_token": token, "still_employed": "1", "channel": "微信"})
    assert resp.status_code == 302
    with web_app.app_context():
        row = get_db().execute("SELECT date, channel, still_employed, staff_user_id FROM follow_ups").fetchone()
    assert row == ("2026-03-02", "微信", 1, world["staff"])
    html = client.get("/staff/followups/").get_data(as_text=True)
    assert "已记录：马小明 在岗" in html                                    # the flash
    assert f'id="placement-{world["pg"]}"' not in html and f'id="placement-{world["pc"]}"' in html


@freeze_time(TODAY)
def test_leaving_from_detail_requeues_and_shows_rematch(web_app, world):
    client = web_app.test_client()
    login(client, world["staff"])
    url = f"/staff/followups/{world['pg']}"
    page = client.get(url).get_data(as_text=True)
    assert "1 个月" in page and "622926********201" in page
    token = csrf(client, url)
    resp = client.post(url, data={"csrf_token": token, "date": "2026-03-01", "channel": "电话",
                                  "still_employed": "0", "leave_reason": "工资低于预期", "satisfaction": "2"})
    assert resp.status_code == 302
    with web_app.app_context():
        db = get_db()
        assert db.execute("SELECT status, end_date FROM placements WHERE id = ?", (world["pg"],)).fetchone() == \
            ("离职", "2026-03-01")
        assert db.execute("SELECT seeking FROM workers WHERE id = ?", (world["gansu"],)).fetchone()[0] == 1
    page = client.get(url).get_data(as_text=True)
    assert "重新推荐岗位" in page and "已回到求职队列" in page and "工资低于预期" in page
    queue = client.get("/staff/followups/").get_data(as_text=True)
    assert "离职待重新推荐" in queue and "工资低于预期" in queue


@freeze_time(TODAY)
def test_bad_follow_up_is_refused_with_message(web_app, world):
    client = web_app.test_client()
    login(client, world["staff"])
    url = f"/staff/followups/{world['pg']}"
    token = csrf(client, url)
    resp = client.post(url, data={"csrf_token": token, "date": "2026-05-01", "channel": "电话",
                                  "still_employed": "1", "note": "工友说他想走"})
    assert resp.status_code == 400
    html = resp.get_data(as_text=True)
    assert "回访日期不能晚于今天" in html and "工友说他想走" in html   # what was typed is kept
    with web_app.app_context():
        assert get_db().execute("SELECT COUNT(*) FROM follow_ups").fetchone()[0] == 0


@freeze_time(TODAY)
def test_post_without_csrf_is_rejected(web_app, world):
    client = web_app.test_client()
    login(client, world["staff"])
    resp = client.post(f"/staff/followups/{world['pg']}/quick", data={"still_employed": "1"})
    assert resp.status_code == 400
    with web_app.app_context():
        assert get_db().execute("SELECT COUNT(*) FROM follow_ups").fetchone()[0] == 0


@freeze_time(TODAY)
@pytest.mark.parametrize("path", ["/staff/followups/", "/staff/followups/risk", "/staff/followups/new",
                                  "/staff/dashboard", "/staff/reports", "/staff/comparison",
                                  "/staff/reports/subsidy.xlsx", "/staff/reports/annual/2026.xlsx"])
def test_worker_gets_403_and_anonymous_is_refused(web_app, world, path):
    client = web_app.test_client()
    assert client.get(path).status_code in (302, 401)
    login(client, world["worker"])
    assert client.get(path).status_code == 403
    login(client, world["staff"])
    assert client.get(path).status_code == 200


@freeze_time(TODAY)
def test_scope_limits_queue_and_detail(web_app, world):
    client = web_app.test_client()
    login(client, world["gs"])
    html = client.get("/staff/followups/").get_data(as_text=True)
    assert "马小明" in html and "冉大山" not in html
    assert client.get(f"/staff/followups/{world['pc']}").status_code == 404
    assert client.get(f"/staff/followups/{world['pg']}").status_code == 200


@freeze_time(TODAY)
def test_record_outside_placement(web_app, world):
    client = web_app.test_client()
    login(client, world["staff"])
    token = csrf(client, "/staff/followups/new")
    resp = client.post("/staff/followups/new", data={
        "csrf_token": token, "worker_external_id": "W0002", "employer_name": "潍坊纺织厂", "city": "潍坊",
        "title": "挡车工", "start_date": "2026-02-20"})
    assert resp.status_code == 302
    bad = client.post("/staff/followups/new", data={"csrf_token": token, "worker_external_id": "NOPE",
                                                    "employer_name": "x", "title": "y", "start_date": "2026-02-20"})
    assert bad.status_code == 400 and "找不到" in bad.get_data(as_text=True)
    with web_app.app_context():
        assert get_db().execute("SELECT city, title FROM placements WHERE employer_name = '潍坊纺织厂'").fetchone() \
            == ("潍坊", "挡车工")


@freeze_time(TODAY)
def test_dashboard_reports_and_downloads(web_app, world):
    from openpyxl import load_workbook

    client = web_app.test_client()
    login(client, world["staff"])
    html = client.get("/staff/dashboard").get_data(as_text=True)
    assert "vendor/chartjs/chart.umd.js" in html and 'id="dashboard-data"' in html and "青岛海工" in html
    assert client.get("/static/vendor/chartjs/chart.umd.js").status_code == 200
    assert client.get("/static/placements/dashboard.js").status_code == 200
    assert "补贴" in client.get("/staff/reports").get_data(as_text=True)
    resp = client.get("/staff/reports/annual/2026.xlsx")
    wb = load_workbook(io.BytesIO(resp.data))
    assert "按户籍区县" in wb.sheetnames
    resp = client.get("/staff/reports/subsidy.xlsx")
    assert load_workbook(io.BytesIO(resp.data)).active["A2"].value == "姓名"
    assert client.get("/staff/reports/annual/1999.xlsx").status_code == 404
    assert client.get("/staff/reports/saved/..%2Fkeys.json").status_code == 404


@freeze_time(TODAY)
def test_comparison_upload_review_apply(web_app, world):
    client = web_app.test_client()
    login(client, world["staff"])
    token = csrf(client, "/staff/comparison")
    content = f"身份证号,姓名\n{make_id(seq='201')},马小明\n{make_id(seq='299')},新来的\nbad,坏行\n".encode()
    with web_app.app_context():
        get_db().execute("UPDATE workers SET assistance_status = '一般农村劳动力' WHERE id = ?", (world["gansu"],))
    resp = client.post("/staff/comparison", data={"csrf_token": token, "list_status": "防止返贫监测对象",
                                                   "file": (io.BytesIO(content), "名单.csv")},
                       content_type="multipart/form-data")
    assert resp.status_code == 302
    page = client.get(resp.headers["Location"]).get_data(as_text=True)
    assert "身份变更" in page and "平台未登记" in page and "无法识别" in page
    assert make_id(seq="201") not in page and make_id(seq="299") not in page
    apply_url = resp.headers["Location"].split("?")[0] + "/apply"
    assert client.post(apply_url, data={"csrf_token": token}).status_code == 302
    with web_app.app_context():
        assert get_db().execute("SELECT assistance_status FROM workers WHERE id = ?",
                                (world["gansu"],)).fetchone()[0] == "防止返贫监测对象"
    bad = client.post("/staff/comparison", data={"csrf_token": token, "list_status": "防止返贫监测对象",
                                                 "file": (io.BytesIO(b"x"), "a.pdf")},
                      content_type="multipart/form-data")
    assert bad.status_code == 400 and "只支持" in bad.get_data(as_text=True)


@freeze_time(TODAY)
def test_outbox_reminder_shown_and_acknowledged(web_app, world):
    from app.scheduler import run_job

    with web_app.app_context():
        run_job(get_db(), "followup_reminders")
    client = web_app.test_client()
    login(client, world["staff"])
    html = client.get("/staff/followups/").get_data(as_text=True)
    assert "今日回访 2 人" in html
    with web_app.app_context():
        message_id = get_db().execute("SELECT id FROM outbox WHERE user_id = ?", (world["staff"],)).fetchone()[0]
    token = csrf(client, "/staff/followups/")
    client.post(f"/staff/followups/outbox/{message_id}/done", data={"csrf_token": token})
    assert "今日回访 2 人" not in client.get("/staff/followups/").get_data(as_text=True)
    assert date(2026, 3, 2)  # frozen day used throughout
