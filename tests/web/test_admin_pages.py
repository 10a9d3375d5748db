"""Admin pages on the rulebook world: who revealed which ID number shows in the audit log in Chinese with
Shanghai times; a staff account is created from names as people write them (a wrong one is shown on its
field); a disabled account cannot sign in; the jobs page words a run in Chinese."""
from __future__ import annotations

import re

from tests.rulebook_app import site_fixture

site = site_fixture(WTF_CSRF_ENABLED=True)


def token(client, url: str) -> str:
    found = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', client.get(url).get_data(as_text=True))
    assert found
    return found.group(1)


def test_audit_accounts_and_jobs(site):
    site.reset()
    county = site.client("county_staff")
    worker_url = f"/staff/workers/{site.world.workers['A']}"
    assert county.post(worker_url + "/reveal", data={"csrf_token": token(county, worker_url)}).status_code < 400
    admin = site.client("admin")
    audit = admin.get("/admin/audit?action=worker.reveal_id").get_data(as_text=True)
    assert "共 1 条" in audit and "county_staff" in audit and "查看完整身份证号" in audit and "求职者 W-A 冉大山" in audit
    assert re.search(r"\d{4}年\d{1,2}月\d{1,2}日 \d{2}:\d{2}", audit) and "+00:00" not in audit
    bad = admin.get("/admin/audit?since=12/01")
    assert bad.status_code == 400 and "日期格式应为 2026-12-01。" in bad.get_data(as_text=True)
    # a staff account: a county name shared by two provinces is refused on its field; then made
    wrong = admin.post("/admin/users", data={"csrf_token": token(admin, "/admin/users"), "username": "ma",
                                             "password": "ma-pass-2026", "role": "staff", "counties": "东乡"})
    assert wrong.status_code == 400 and "请写明是哪一个" in wrong.get_data(as_text=True)
    made = admin.post("/admin/users", data={"csrf_token": token(admin, "/admin/users"), "username": "ma",
                                            "password": "ma-pass-2026", "role": "staff", "counties": "甘肃省东乡"},
                      follow_redirects=True).get_data(as_text=True)
    assert "已创建账号 ma" in made and "东乡族自治县" in made
    # disabling the city staff account: its sign-in stops working
    done = admin.post(f"/admin/users/{site.world.users['city_staff']}/disable",
                      data={"csrf_token": token(admin, "/admin/users")}, follow_redirects=True)
    assert "已停用 city_staff" in done.get_data(as_text=True)
    login = site.app.test_client()
    page = login.get("/login").get_data(as_text=True)
    csrf = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    refused = login.post("/login", data={"csrf_token": csrf, "username": "city_staff", "password": "pass-Word-123"})
    assert refused.status_code != 302
    assert "尚无运行记录" in admin.get("/admin/jobs").get_data(as_text=True)
