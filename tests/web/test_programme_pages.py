"""The programme's staff pages as a person uses them, with real forms (CSRF on): the placement page's 务工证明
section, its sign-off button and PDF link; a subsidy claimed and paid from the 补贴申领 page; a batch made,
filled and its arrival confirmed from the 点对点输送 pages; the dashboard's people moved."""
from __future__ import annotations

import io
import re

import pytest
from freezegun import freeze_time
from openpyxl import load_workbook
from parity.harness import sign_in
from pypdf import PdfReader


@pytest.fixture
def site(rulebook, data_dir):
    from app import create_app

    app = create_app({"TESTING": True, "START_SCHEDULER": False, "WTF_CSRF_ENABLED": True,
                      "RATELIMIT_ENABLED": False})
    return app, rulebook


def signed_in(site, actor):
    app, world = site
    client = app.test_client()
    return client, sign_in(app, client, world, actor)


def form_action(html: str, label: str) -> str:
    """The action of the form whose submit button says ``label``."""
    for form in re.findall(r"<form[^>]*>.*?</form>", html, re.DOTALL):
        if label in form:
            return re.search(r'action="([^"]+)"', form).group(1).replace("&amp;", "&")
    raise AssertionError(f"no form with {label}")


@freeze_time("2026-12-02 02:00:00")
def test_certificate_and_subsidy_from_the_placement_page(site, db):
    from datetime import date

    from models.placement.follow_ups import record_follow_up

    _app, world = site
    record_follow_up(db, world.placements["D-X1"], date="2026-09-15", channel="电话", still_employed=True,
                     today=date(2026, 12, 2))
    client, token = signed_in(site, "city_staff")
    page = client.get(f"/staff/followups/{world.placements['D-X1']}").get_data(as_text=True)
    assert "务工证明" in page and "未签发（草稿，仅供核对）" in page and "8000–12000 元/月" in page
    assert "一次性交通补贴" in page and "应发（待申领）" in page

    response = client.post(form_action(page, "签发务工证明"), data={"csrf_token": token})
    assert response.status_code == 302
    page = client.get(f"/staff/followups/{world.placements['D-X1']}").get_data(as_text=True)
    pdf_link = re.search(r'href="([^"]+\.pdf)"', page).group(1)
    pdf = client.get(pdf_link)
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.data)).pages)
    assert "务工证明" in text and "马德福" in text and "city_staff，2026-12-02" in text

    claim = form_action(page, "登记申领")
    assert client.post(claim, data={"csrf_token": token, "date": "2026-11-20", "amount_yuan": ""}).status_code == 302
    page = client.get("/staff/subsidies?state=claimed").get_data(as_text=True)
    assert "马德福" in page and "已申领（申领 2026-11-20）" in page
    # paying without an amount (none configured for 东乡) is refused with the reason, and nothing changes
    paid = form_action(page, "登记发放")
    refused = client.post(paid, data={"csrf_token": token, "date": "2026-12-01", "amount_yuan": ""},
                          follow_redirects=True)
    assert "请填写实际发放金额" in refused.get_data(as_text=True)
    client.post(paid, data={"csrf_token": token, "date": "2026-12-01", "amount_yuan": "500"})
    sheet = load_workbook(io.BytesIO(client.get("/staff/subsidies.xlsx?state=paid").data)).active
    assert [c.value for c in sheet[3]][1] == "马德福" and 500 in [c.value for c in sheet[3]]

    # the worker's file (staff covering 东乡: here the admin) lists what D receives and from when
    admin, _token = signed_in(site, "admin")
    file = admin.get(f"/staff/workers/{world.workers['D']}").get_data(as_text=True)
    assert "可享受的补贴" in file and "一次性交通补贴" in file and "2026年9月1日起" in file and "已发放" in file
    assert "稳岗务工补贴" in file and "未满期或待回访确认" in file


@freeze_time("2026-12-02 02:00:00")
def test_a_batch_from_the_pages(site, db):
    from models.placement.placements import create_placement

    _app, world = site
    create_placement(db, world.workers["A"], job_id=world.jobs["X1"], start_date="2026-11-25")
    client, token = signed_in(site, "county_staff")
    bad = client.post("/staff/batches", data={"csrf_token": token, "departure_county": "酉阳", "city": "北京",
                                              "depart_date": "2026-11-24", "mode": "bus"})
    assert bad.status_code == 400 and "北京" in bad.get_data(as_text=True)
    made = client.post("/staff/batches", data={"csrf_token": token, "departure_county": "酉阳", "city": "青岛",
                                               "depart_date": "2026-11-24", "mode": "train", "escorts": "张干事",
                                               "pickup_note": "青岛北站接站"})
    assert made.status_code == 302
    page = client.get(made.location).get_data(as_text=True)
    assert "W-A 冉大山" in page and "青岛北站接站" in page                # A is hired in 青岛: a candidate
    client.post(form_action(page, "加入名单"), data={"csrf_token": token, "worker_external_id": "W-A"})
    page = client.get(made.location).get_data(as_text=True)
    assert "500242********" in page and "确认到达" in page
    client.post(form_action(page, "确认到达"), data={"csrf_token": token, "date": "2026-11-25"})
    page = client.get(made.location).get_data(as_text=True)
    assert "2026-11-25 已到达" in page
    carrier = load_workbook(io.BytesIO(client.get(made.location + "/passengers.xlsx").data)).active
    assert carrier["B3"].value == "冉**"
    dashboard = client.get("/staff/dashboard").get_data(as_text=True)
    assert "点对点输送 <strong>1</strong> 批" in dashboard and "已到达 <strong>1</strong> 人" in dashboard
