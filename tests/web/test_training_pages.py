"""Training pages on the rulebook world, as people use them: a worker finds courses by the certificate they
lack (``/courses?certificate=`` in any wording), presses 我要报名 on the course page (CSRF on), and sees their
status; staff publish a course (errors shown next to their fields), enrol a worker by 编号 and record 结业,
after which the worker's file lists the certificate."""
from __future__ import annotations

import re

from tests.rulebook_app import site_fixture

site = site_fixture(WTF_CSRF_ENABLED=True)


def token(client, url: str) -> str:
    found = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', client.get(url).get_data(as_text=True))
    assert found
    return found.group(1)


def text(response) -> str:
    return response.get_data(as_text=True)


def test_worker_finds_a_course_by_certificate_and_enrols(site):
    site.reset()
    client = site.client("worker")
    course = site.world.courses["K-QD"]
    listing = text(client.get("/courses?certificate=叉车操作证"))
    assert "叉车司机培训班" in listing and "低压电工培训班" not in listing and "剩余名额 19 / 20" in listing
    assert "免费培训，生活补贴 1500 元" in listing
    assert "暂时没有可考取“焊工证”的培训课程" in text(client.get("/courses?certificate=焊工证"))
    page = text(client.get(f"/courses/{course}"))
    assert "我要报名" in page and "马小花" not in page          # a worker never sees the enrolment list
    assert client.post(f"/courses/{course}/enrol", data={}).status_code == 400        # no CSRF token
    response = client.post(f"/courses/{course}/enrol", data={"csrf_token": token(client, f"/courses/{course}")},
                           follow_redirects=True)
    assert response.status_code == 200 and "报名成功" in text(response) and "您已报名" in text(response)
    assert "我：已报名" in text(client.get("/courses"))
    again = client.post(f"/courses/{course}/enrol", data={"csrf_token": token(client, "/courses")})
    assert again.status_code == 400 and "冉大山已经报名该课程（已报名）。" in text(again)


def test_staff_publish_enrol_and_complete(site):
    site.reset()
    staff = site.client("city_staff")
    bad = staff.post("/staff/courses/new", data={
        "csrf_token": token(staff, "/staff/courses/new"), "title": "焊工班", "provider": "青岛市技师学院",
        "certificate": "会飞证", "city": "青岛", "start_date": "2026-12-10", "end_date": "2026-12-01", "seats": "0"})
    page = text(bad)
    assert bad.status_code == 400
    assert "“会飞证”不是已知的证书名称" in page and "名额至少为 1 人。" in page
    made = staff.post("/staff/courses/new", data={
        "csrf_token": token(staff, "/staff/courses/new"), "title": "焊工班", "provider": "青岛市技师学院",
        "certificate": "电焊证", "city": "青岛市", "start_date": "2026-11-20", "end_date": "2027-01-10",
        "seats": "10", "cost_yuan": "0", "living_allowance_yuan": "900"})
    assert made.status_code == 302
    course_url = made.location
    assert "焊工证" in text(staff.get(course_url))
    enrolled = staff.post(course_url + "/enrol", data={"csrf_token": token(staff, course_url),
                                                       "worker_external_id": "W-B"}, follow_redirects=True)
    assert "已为马小花报名" in text(enrolled)
    unknown = staff.post(course_url + "/enrol", data={"csrf_token": token(staff, course_url),
                                                      "worker_external_id": "W-NOPE"})
    assert unknown.status_code == 400 and "找不到该编号的求职者" in text(unknown)
    enrolment = re.search(r"/enrolments/(\d+)/complete", text(staff.get(course_url))).group(1)
    done = staff.post(f"{course_url}/enrolments/{enrolment}/complete",
                      data={"csrf_token": token(staff, course_url), "completed_on": "2026-12-01"},
                      follow_redirects=True)
    assert "马小花 已结业，焊工证已记入其求职档案" in text(done)
    admin = site.client("admin")
    assert "焊工证" in text(admin.get(f"/staff/workers/{site.world.workers['B']}"))
    outcomes = text(staff.get("/staff/courses/outcomes"))
    assert "焊工班" in outcomes
