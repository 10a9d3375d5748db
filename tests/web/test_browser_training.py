"""In a real browser (Debian's chromium, phone-sized): a worker looks for the courses that lead to the
certificate a posting requires, presses 我要报名 and sees it; staff record 结业 on the course page, and the
certificate is on the worker's profile. Screenshots go to tests/artifacts/."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

PASSWORD = "pass-Word-123"


def sign_in(page, base: str, username: str) -> None:
    page.goto(f"{base}/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page.locator("header .who")).to_contain_text("（")


def test_worker_enrols_and_staff_record_completion(page, live_server, web_app, world, shot, monkeypatch):
    monkeypatch.setenv("TONGBANG_ENCODER", "static")  # the worker lands on 推荐岗位: the fast licence-clean encoder
    from app.database import get_db
    from models.programme import training

    with web_app.app_context():
        course = training.create_course(get_db(), training.clean_course(
            {"title": "叉车司机培训班", "provider": "青岛市技师学院", "certificate": "N1叉车证", "city": "青岛",
             "start_date": "2026-01-05", "end_date": "2099-12-31", "seats": 20, "living_allowance_yuan": 1500}),
            created_by=None)
    base = live_server
    sign_in(page, base, "worker_b")
    page.goto(f"{base}/courses?certificate=叉车操作证")
    card = page.locator(".card", has_text="叉车司机培训班")
    expect(card).to_contain_text("免费培训，生活补贴 1500 元")
    shot(page, "11-worker-courses")
    card.get_by_role("link", name="叉车司机培训班").click()
    expect(page).to_have_url(re.compile(rf"/courses/{course}$"))
    page.get_by_role("button", name="我要报名").click()
    expect(page.locator(".flash").first).to_contain_text("报名成功")
    expect(page.locator("main")).to_contain_text("您已报名")
    shot(page, "12-worker-enrolled")
    page.get_by_role("button", name="退出", exact=True).click()
    expect(page).to_have_url(re.compile(r"/login"))

    sign_in(page, base, "staff")
    page.goto(f"{base}/courses/{course}")
    row = page.locator("tr", has_text="W-B")
    expect(row).to_contain_text("本人报名")
    row.get_by_role("button", name="登记结业").click()
    expect(page.locator(".flash").first).to_contain_text("叉车证已记入其求职档案")
    shot(page, "13-staff-course")
    page.goto(f"{base}/staff/workers/{world.workers['B']}")
    expect(page.locator("main")).to_contain_text("叉车证")
