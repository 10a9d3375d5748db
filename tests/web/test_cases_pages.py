"""维权 pages on the rulebook world: a worker opens a case about themself and follows it (their list holds their
own cases only); staff covering the worker add a note and close it; a missing summary is shown on its field;
the dashboard counts open cases."""
from __future__ import annotations

import re

from tests.rulebook_app import site_fixture

site = site_fixture(WTF_CSRF_ENABLED=True)


def token(client, url: str) -> str:
    found = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', client.get(url).get_data(as_text=True))
    assert found
    return found.group(1)


def test_worker_opens_and_staff_close(site):
    site.reset()
    worker = site.client("worker")
    listing = worker.get("/cases/").get_data(as_text=True)
    assert "暂无维权案件" in listing and "白云秀" not in listing          # C's case is not A's
    empty = worker.post("/cases/", data={"csrf_token": token(worker, "/cases/"), "kind": "欠薪", "summary": ""})
    assert empty.status_code == 400 and "请写明发生了什么" in empty.get_data(as_text=True)
    made = worker.post("/cases/", data={"csrf_token": token(worker, "/cases/"), "kind": "欠薪",
                                        "summary": "十一月工资 6000 元未发"})
    assert made.status_code == 302
    url = made.location
    page = worker.get(url).get_data(as_text=True)
    assert "拖欠工资" in page and "待处理" in page and "十一月工资 6000 元未发" in page and "结案" not in page
    county = site.client("county_staff")
    assert "冉大山" in county.get("/cases/").get_data(as_text=True)
    noted = county.post(url + "/notes", data={"csrf_token": token(county, url), "note": "已联系单位"},
                        follow_redirects=True).get_data(as_text=True)
    assert "处理中" in noted and "已联系单位" in noted
    closed = county.post(url + "/close", data={"csrf_token": token(county, url), "outcome": "单位已补发工资"},
                         follow_redirects=True).get_data(as_text=True)
    assert "已结案" in closed and "单位已补发工资" in closed
    assert "已结案" in worker.get(url).get_data(as_text=True)
    assert site.client("city_staff").get(url).status_code == 404
    dashboard = county.get("/staff/dashboard").get_data(as_text=True)
    assert re.search(r"未结案 <strong>1</strong>", dashboard)          # the world's C-wages
